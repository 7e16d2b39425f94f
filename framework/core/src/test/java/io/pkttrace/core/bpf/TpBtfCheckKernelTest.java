package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The raw-syscall tp_btf trial: a real load and attach, nothing left open, a clear line when it cannot. */
class TpBtfCheckKernelTest {
    @Test
    void aTracepointOfThisKernelLoadsAttachesAndIsReleased() throws Exception {
        KernelTestSupport.requireBpf();
        long before = ownBpfDescriptors();
        assertEquals("a tp_btf program -> tp_btf:net_dev_queue", TpBtfCheck.attach(NativeBpf.get(), "net_dev_queue"));
        assertEquals(before, ownBpfDescriptors(), "the program and its link are closed");
    }

    @Test
    void aTracepointTheKernelDoesNotHaveIsOneLine() throws Exception {
        KernelTestSupport.requireBpf();
        PkttraceException e = assertThrows(PkttraceException.class, () -> TpBtfCheck.attach(NativeBpf.get(), "pt_no_such_tracepoint"));
        assertEquals("the kernel's BTF has no tracepoint pt_no_such_tracepoint", e.getMessage());
    }

    /** Descriptors of this process that are BPF programs or links (their fdinfo names a prog_id or link_id). */
    private static long ownBpfDescriptors() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            List<Path> all = fds.toList();
            long n = 0;
            for (Path f : all) {
                try {
                    String info = Files.readString(f);
                    if (info.contains("prog_id:") || info.contains("link_id:")) {
                        n++;
                    }
                } catch (java.io.IOException gone) {
                    // closed meanwhile
                }
            }
            return n;
        }
    }
}
