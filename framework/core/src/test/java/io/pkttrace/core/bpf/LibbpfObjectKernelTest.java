package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Loading, verifier errors, and the kprobe/uprobe attach paths against the real kernel. */
@Tag("kernel")
class LibbpfObjectKernelTest {
    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    @Test
    void verifierRejectionCarriesTheVerifierLog() throws Exception {
        NativeBpf n = NativeBpf.get();
        try (LibbpfObject o = LibbpfObject.open(n, "reject", KernelTestSupport.bpfObject("verifier_reject.bpf.o"))) {
            PkttraceException e = assertThrows(PkttraceException.class, o::load);
            assertTrue(e.getMessage().startsWith("the kernel verifier rejected BPF program 'pt_test_reject'"), e.getMessage());
            // The kernel's own words about the bad access are in the message.
            assertTrue(e.getMessage().contains("R0") || e.getMessage().contains("invalid"), e.getMessage());
        }
    }

    @Test
    void tpBtfRawTpAndTracepointAllAttachAndFire() throws Exception {
        NativeBpf n = NativeBpf.get();
        try (LibbpfObject o = LibbpfObject.open(n, "kinds", KernelTestSupport.bpfObject("attach_kinds.bpf.o"));
             java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open()) {
            o.load();
            assertEquals("tp_btf", o.attach("pt_test_tp_btf").mechanism());
            assertEquals("raw_tp", o.attach("pt_test_raw_tp").mechanism());
            BpfObject.Attachment tp = o.attach("pt_test_tracepoint");
            assertEquals("tracepoint", tp.mechanism());
            assertEquals("net/net_dev_queue", tp.target());
            for (int i = 0; i < 5; i++) { // each datagram passes net_dev_queue on lo
                ch.send(java.nio.ByteBuffer.allocate(8), new java.net.InetSocketAddress("127.0.0.1", 9));
            }
            o.detach();
            long[] c = io.pkttrace.core.engine.TestCounters.read(n, o);
            assertTrue(c[0] >= 5 && c[1] >= 5 && c[2] >= 5, "each flavour saw the datagrams: " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void garbageIsNotAnObject() throws Exception {
        PkttraceException e = assertThrows(PkttraceException.class,
                () -> LibbpfObject.open(NativeBpf.get(), "junk", "not an ELF file".getBytes()));
        assertTrue(e.getMessage().contains("could not be opened"), e.getMessage());
    }

    @Test
    void kprobeTypeProgramLoadsAndKprobeAttachSaysWhatIsMissing() throws Exception {
        NativeBpf n = NativeBpf.get();
        try (LibbpfObject o = LibbpfObject.open(n, "uprobe-echo", KernelTestSupport.bpfObject("uprobe_echo.bpf.o"))) {
            o.load(); // kprobe-type programs load and pass the verifier on every kernel
            if (KernelFeatures.hasKprobes()) {
                BpfObject.Attachment a = o.attachKprobe("pt_test_entry", "__x64_sys_getpid", false);
                assertEquals("kprobe", a.mechanism());
            } else {
                PkttraceException e = assertThrows(PkttraceException.class,
                        () -> o.attachKprobe("pt_test_entry", "__x64_sys_getpid", false));
                assertTrue(e.userLine().contains("CONFIG_KPROBES") && e.userLine().contains("uprobe"), e.userLine());
            }
        }
    }

    static Path libc() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int i = line.indexOf('/');
            if (i > 0 && line.contains("libc.so.6")) {
                return Path.of(line.substring(i).trim());
            }
        }
        throw new IllegalStateException("libc.so.6 is not mapped");
    }

    @Test
    void uprobeAndUretprobeSeeCallsAndReturnValues() throws Exception {
        NativeBpf n = NativeBpf.get();
        String libc = libc().toString();
        try (LibbpfObject o = LibbpfObject.open(n, "uprobe-echo", KernelTestSupport.bpfObject("uprobe_echo.bpf.o"))) {
            o.load();
            BpfObject.Attachment entry = o.attachUprobe("pt_test_entry", libc, "geteuid", false, -1);
            BpfObject.Attachment ret = o.attachUprobe("pt_test_return", libc, "geteuid", true, -1);
            assertEquals("uprobe", entry.mechanism());
            assertEquals("uretprobe", ret.mechanism());
            for (int i = 0; i < 3; i++) {
                Process p = new ProcessBuilder("id", "-u").start();
                p.getInputStream().readAllBytes();
                assertEquals(0, p.waitFor());
            }
            o.detach();
            long[] c = io.pkttrace.core.engine.TestCounters.read(n, o);
            assertTrue(c[0] >= 6, "3 runs of id -u call geteuid at least once each, entry and return: " + c[0]);
            assertEquals(0, c[1]);
        }
    }

    @Test
    void uprobeOnAMissingBinaryIsAUserError() throws Exception {
        try (LibbpfObject o = LibbpfObject.open(NativeBpf.get(), "u", KernelTestSupport.bpfObject("uprobe_echo.bpf.o"))) {
            o.load();
            PkttraceException e = assertThrows(PkttraceException.class,
                    () -> o.attachUprobe("pt_test_entry", "/nonexistent/bin", "f", false, -1));
            assertTrue(e.userLine().contains("does not exist"));
        }
    }
}
