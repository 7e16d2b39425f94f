package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pkttrace --btf FILE}: libbpf relocates a probe's CO-RE reads against the given file
 * (btf_custom_path), and a file that is not a kernel's BTF is refused in one line.
 */
class BtfFileKernelTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    @AfterEach
    void clear() {
        System.clearProperty(Btf.FILE_PROPERTY);
    }

    private static void load(String object) throws Exception {
        LibbpfObject o = LibbpfObject.open(NativeBpf.get(), "btf-file-test", KernelTestSupport.bpfObject(object));
        try {
            o.load();
        } finally {
            o.close();
        }
    }

    @Test
    void coreRelocationsUseTheGivenFile() throws Exception {
        Path copy = tmp.resolve("vmlinux.btf");
        Files.write(copy, Files.readAllBytes(Btf.sysfsVmlinux()));
        System.setProperty(Btf.FILE_PROPERTY, copy.toString());
        assertEquals(copy, Btf.vmlinuxPath());
        load("skb_hooks.bpf.o"); // relocated against the copy: loads

        // A BTF without the kernel's types (a BPF object's own): the same object cannot be relocated,
        // which shows libbpf reads the given file, not sysfs.
        Path foreign = tmp.resolve("foreign.bpf.o");
        Files.write(foreign, KernelTestSupport.bpfObject("uprobe_echo.bpf.o"));
        System.setProperty(Btf.FILE_PROPERTY, foreign.toString());
        PkttraceException e = assertThrows(PkttraceException.class, () -> load("skb_hooks.bpf.o"));
        assertTrue(e.getMessage().contains("could not be loaded") || e.getMessage().contains("verifier"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAKernelsBtfIsOneClearLine() throws Exception {
        Path text = Files.writeString(tmp.resolve("hostname"), "not btf\n");
        PkttraceException e = assertThrows(PkttraceException.class, () -> BtfFile.check(text));
        assertTrue(e.getMessage().startsWith("--btf " + text + " (the kernel's own BTF): not a BTF file"), e.getMessage());
        Path foreign = tmp.resolve("foreign.bpf.o");
        Files.write(foreign, KernelTestSupport.bpfObject("uprobe_echo.bpf.o"));
        e = assertThrows(PkttraceException.class, () -> BtfFile.check(foreign));
        assertTrue(e.getMessage().contains("BTF without struct sk_buff"), e.getMessage());
        e = assertThrows(PkttraceException.class, () -> BtfFile.check(tmp.resolve("missing")));
        assertTrue(e.getMessage().endsWith(": no such file"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }
}
