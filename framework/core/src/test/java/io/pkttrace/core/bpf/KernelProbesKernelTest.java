package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link KernelProbes} (pkttrace doctor, and every probe's mechanism choice) says about each
 * feature agrees with what the engine really manages here, tried independently: another object
 * (feature_check.bpf.c), other kernel functions, other hooks. A feature it calls present must load and
 * attach; one it calls absent must fail to. On this project's CI kernel kprobes, kprobe.multi and
 * fentry are absent, and tp_btf, raw_tp, uprobes, netfilter links and nftrace are present: that is
 * asserted too, so that a probe that always answered "absent" (or "present") fails.
 */
class KernelProbesKernelTest {
    private static final List<String> PROGRAMS = List.of("pt_check_tp_btf", "pt_check_raw_tp", "pt_check_kprobe",
            "pt_check_kprobe_multi", "pt_check_fentry", "pt_check_uprobe", "pt_check_netfilter");

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    /** Loads only {@code program} of the test object and runs {@code attach}; the error, or null when it worked. */
    private static String reallyWorks(String program, Attach attach) throws Exception {
        LibbpfObject o = LibbpfObject.open(NativeBpf.get(), "feature-check", KernelTestSupport.bpfObject("feature_check.bpf.o"));
        try {
            for (String p : PROGRAMS) {
                o.setAutoload(p, p.equals(program));
            }
            o.load();
            attach.attach(o);
            assertEquals(1, o.attachments().size(), "attached once");
            return null;
        } catch (PkttraceException e) {
            return e.getMessage();
        } finally {
            o.close();
        }
    }

    @FunctionalInterface
    private interface Attach {
        void attach(LibbpfObject o) throws PkttraceException;
    }

    private static void agrees(KernelFeature f, String program, Attach attach) throws Exception {
        KernelProbes.Finding found = KernelProbes.get().finding(f);
        assertNotEquals(KernelProbes.State.UNKNOWN, found.state(), f + ": privileged, so it must be checked: " + found);
        String error = reallyWorks(program, attach);
        if (found.state() == KernelProbes.State.PRESENT) {
            assertEquals(null, error, f + " is called present (" + found.detail() + ") but does not work here");
            assertTrue(KernelProbes.get().has(f));
        } else {
            assertNotNull(error, f + " is called absent (" + found.detail() + ") but works here");
            assertNotNull(KernelProbes.get().whyNot(f));
        }
    }

    @Test
    void everyAnswerMatchesARealAttempt() throws Exception {
        agrees(KernelFeature.TP_BTF, "pt_check_tp_btf", o -> o.attach("pt_check_tp_btf"));
        agrees(KernelFeature.RAW_TP, "pt_check_raw_tp", o -> o.attach("pt_check_raw_tp"));
        agrees(KernelFeature.KPROBE, "pt_check_kprobe", o -> o.attachKprobe("pt_check_kprobe", "bpf_fentry_test2", false));
        agrees(KernelFeature.KPROBE_MULTI, "pt_check_kprobe_multi",
                o -> o.attachKprobeMulti("pt_check_kprobe_multi", List.of("bpf_fentry_test2"), new long[] {1}, true));
        agrees(KernelFeature.FENTRY, "pt_check_fentry", o -> o.attachTracing("pt_check_fentry", 0));
        agrees(KernelFeature.UPROBE, "pt_check_uprobe", o -> o.attachUprobe("pt_check_uprobe", KernelProbes.libc(), "getppid",
                true, (int) ProcessHandle.current().pid()));
        agrees(KernelFeature.NETFILTER_LINK, "pt_check_netfilter",
                o -> o.attachNetfilter("pt_check_netfilter", 10 /* IPv6 */, 1 /* LOCAL_IN */, Integer.MIN_VALUE + 3));
    }

    /** Kprobes are absent because the kernel exposes no way to make one: neither the PMU nor tracefs's kprobe_events. */
    @Test
    void kprobesAbsentExactlyWhenTheKernelHasNoKprobeInterface() {
        boolean iface = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))
                || Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"));
        assertEquals(iface, KernelProbes.get().has(KernelFeature.KPROBE), KernelProbes.get().finding(KernelFeature.KPROBE).toString());
    }

    /** This project's CI kernel (see the brief): what must be found, so that a probe answering always the same fails. */
    @Test
    void thisMachinesKnownAnswers() {
        if (!"true".equals(System.getenv("CI")) && !Files.exists(Path.of("/work/shared"))) {
            System.err.println("KernelProbesKernelTest: NOT RUN: the known answers are those of this project's CI kernel");
            return;
        }
        List<String> wrong = new ArrayList<>();
        for (KernelFeature f : List.of(KernelFeature.BTF, KernelFeature.RING_BUFFER, KernelFeature.TP_BTF, KernelFeature.RAW_TP,
                KernelFeature.UPROBE, KernelFeature.NETFILTER_LINK, KernelFeature.NFTRACE, KernelFeature.SOCKET_FILTER)) {
            if (!KernelProbes.get().has(f)) {
                wrong.add(f + " should be present: " + KernelProbes.get().whyNot(f));
            }
        }
        for (KernelFeature f : List.of(KernelFeature.KPROBE, KernelFeature.KPROBE_MULTI, KernelFeature.FENTRY)) {
            if (KernelProbes.get().has(f)) {
                wrong.add(f + " should be absent here");
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(KernelProbes.get().whyNot(KernelFeature.FENTRY).contains("refuses"), KernelProbes.get().whyNot(KernelFeature.FENTRY));
    }
}
