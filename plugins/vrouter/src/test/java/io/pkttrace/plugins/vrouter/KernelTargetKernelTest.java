package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.Options;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.bpf.LibbpfObject;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.engine.Pipeline;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.TestPipelines;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel target's programs against the real verifier, and what a kernel that can attach none of
 * them says. On this project's CI kernel (no CONFIG_KPROBES, no CONFIG_FPROBE, trampoline programs
 * refused with EPERM when loaded, before the verifier runs) the kprobe-type programs load and pass
 * the verifier, and attaching fails with one line naming each mechanism's reason.
 */
@Tag("kernel")
class KernelTargetKernelTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    @Test
    void kprobeProgramsPassTheVerifierAndTrampolinesAreLoadedOrRefusedAtLoad() throws Exception {
        NativeBpf n = NativeBpf.get();
        byte[] elf = ObjectLayoutTest.object();
        try (LibbpfObject o = LibbpfObject.open(n, "vrouter-verify", elf)) {
            for (String p : List.of(VrouterProbe.UPROBE, VrouterProbe.URETPROBE, KernelAttacher.FENTRY, KernelAttacher.FEXIT)) {
                o.setAutoload(p, false);
            }
            o.load(); // kprobe, kretprobe, kprobe.multi, kretprobe.multi: a rejection would carry the verifier's log
            assertTrue(o.isLoaded());
        }
        try (LibbpfObject o = LibbpfObject.open(n, "vrouter-verify-tramp", elf)) {
            for (String p : List.of(VrouterProbe.UPROBE, VrouterProbe.URETPROBE, KernelAttacher.KPROBE, KernelAttacher.KRETPROBE,
                    KernelAttacher.KPROBE_MULTI, KernelAttacher.KRETPROBE_MULTI)) {
                o.setAutoload(p, false);
            }
            o.setAttachTarget(KernelAttacher.FENTRY, "bpf_fentry_test1");
            o.setAttachTarget(KernelAttacher.FEXIT, "bpf_fentry_test1");
            try {
                o.load();
                assertTrue(o.isLoaded(), "this kernel allows trampolines: fentry/fexit passed the verifier");
            } catch (PkttraceException e) {
                System.err.println("KernelTargetKernelTest: NOTE: this kernel refuses fentry/fexit at load time ("
                        + e.getMessage() + "): their verification cannot be exercised here");
                assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
                assertFalse(e.getMessage().contains("verifier"), "refused before the verifier ran: " + e.getMessage());
            }
        }
    }

    @Test
    void aKernelTargetThatNothingCanAttachFailsWithOneLine() throws Exception {
        Path fake = FakeVrouter.binary();
        Path btf = tmp.resolve("fake.btf");
        Process p = new ProcessBuilder("pahole", "--btf_encode_detached=" + btf, fake.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        Path functions = tmp.resolve("functions");
        Files.writeString(functions, "pt_rx\npt_flow\npt_cow\n");
        VrouterProbeFactory f = new VrouterProbeFactory();
        VrouterConfig c = f.configure(new Options("probe vrouter", Map.of("functions", List.of(functions.toString()),
                "btf", List.of(btf.toString()))));
        boolean kprobes = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"));
        if (kprobes) {
            System.err.println("KernelTargetKernelTest: NOTE: this kernel has kprobes; no module vrouter to attach to");
        }
        List<String> reports = new CopyOnWriteArrayList<>();
        Pipeline engine = TestPipelines.live(EngineSettings.defaults(), List.of(f.create(c)), List.of(), List.of(), reports::add);
        PkttraceException e;
        try {
            e = assertThrows(PkttraceException.class, engine::start);
        } finally {
            engine.stop();
        }
        String line = e.userLine();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.startsWith("vrouter: cannot trace kernel module vrouter on this kernel: fentry/fexit: "), line);
        assertTrue(line.contains("module vrouter is not loaded"), line);
        assertTrue(line.endsWith("trace a user-space (DPDK) vrouter instead, with --binary PATH or --pid PID (uprobes)"), line);
        if (!kprobes) {
            assertTrue(line.contains("kprobe: this kernel has no kprobe support (built without CONFIG_KPROBES)"), line);
        }
        assertEquals(List.of(), reports, "nothing else said: the one line is the whole story");
        assertTrue(KernelTestSupport.awaitNoPkttracePrograms().stream().noneMatch(x -> x.startsWith("pt_vr_")),
                "nothing left loaded");
    }
}
