package io.pkttrace.plugins.netfilter.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.bpf.LibbpfObject;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.testing.KernelTestSupport;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The BPF side of the netfilter probe against this kernel's verifier: the hook program loads and
 * attaches as a BPF netfilter link; the kprobe + kretprobe verdict programs (shared with fexit: one
 * emitting function) load and pass the verifier; fexit loads where the kernel has BPF trampolines,
 * and where it has not (this project's CI machine) it is refused before verification, which the
 * probe reports as the reason it is not used.
 */
@Tag("kernel")
class VerdictProgramsKernelTest {
    static final List<String> ALL = List.of("pt_nf_hook", "pt_nft_do_chain_exit", "pt_ipt_do_table_exit", "pt_ip6t_do_table_exit",
            "pt_nft_do_chain_entry", "pt_ipt_do_table_entry", "pt_ip6t_do_table_entry", "pt_nf_do_return");

    static LibbpfObject open(List<String> programs) throws Exception {
        byte[] elf;
        try (InputStream in = VerdictProgramsKernelTest.class.getResourceAsStream("/bpf/netfilter.bpf.o")) {
            assertTrue(in != null, "the build compiles netfilter.bpf.o into the plugin");
            elf = in.readAllBytes();
        }
        LibbpfObject o = LibbpfObject.open(NativeBpf.get(), "netfilter-test", elf);
        for (String p : ALL) {
            o.setAutoload(p, programs.contains(p));
        }
        return o;
    }

    @Test
    void kprobeAndKretprobeVerdictProgramsPassTheVerifier() throws Exception {
        KernelTestSupport.requireBpf();
        try (LibbpfObject o = open(List.of("pt_nft_do_chain_entry", "pt_ipt_do_table_entry", "pt_ip6t_do_table_entry",
                "pt_nf_do_return"))) {
            o.load(); // a verifier rejection throws with the verifier's log
            assertTrue(o.isLoaded());
        }
    }

    @Test
    void fexitVerdictProgramsLoadOrAreRefusedBeforeVerification() throws Exception {
        KernelTestSupport.requireBpf();
        try (LibbpfObject o = open(List.of("pt_nft_do_chain_exit", "pt_ipt_do_table_exit", "pt_ip6t_do_table_exit"))) {
            try {
                o.load();
                assertTrue(o.isLoaded(), "this kernel has BPF trampolines: fexit loads");
            } catch (PkttraceException e) {
                assertTrue(e.getMessage().contains("refused (Operation not permitted)"), "refused, not rejected by the verifier: " + e);
            }
        }
    }

    @Test
    void theHookProgramAttachesAsANetfilterLinkAndDetaches() throws Exception {
        KernelTestSupport.requireBpf();
        try (LibbpfObject o = open(List.of("pt_nf_hook"))) {
            o.load();
            // A priority of this test's own: a concurrent pkttrace holds -2147483647 in this namespace.
            int prio = Integer.MIN_VALUE + 1000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000);
            BpfObject.Attachment a = o.attachNetfilter("pt_nf_hook", 2 /* NFPROTO_IPV4 */, 3 /* LOCAL_OUT */, prio);
            assertEquals("netfilter", a.mechanism());
            String link = "link_type:\tnetfilter";
            String where = "pf:\t2\thooknum:\t3\tprio:\t" + prio + "\n";
            assertTrue(ownLinks().stream().anyMatch(l -> l.contains(link) && l.contains(where)), "the kernel has the link: " + ownLinks());
            o.detach(a);
            assertTrue(o.attachments().isEmpty());
            assertTrue(ownLinks().stream().noneMatch(l -> l.contains(where)), "and has it no more: " + ownLinks());
            PkttraceException reserved = org.junit.jupiter.api.Assertions.assertThrows(PkttraceException.class,
                    () -> o.attachNetfilter("pt_nf_hook", 2, 3, Integer.MIN_VALUE));
            assertTrue(reserved.userLine().contains("INT_MIN and INT_MAX are reserved"), reserved.userLine());
        }
    }

    @Test
    void aPriorityAnotherProgramHoldsIsPassedForTheNextFreeOne() throws Exception {
        KernelTestSupport.requireBpf();
        try (LibbpfObject o = open(List.of("pt_nf_hook"))) {
            o.load();
            int prio = Integer.MIN_VALUE + 1000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000);
            BpfObject.Attachment first = o.attachNetfilter("pt_nf_hook", 10 /* NFPROTO_IPV6 */, 1 /* LOCAL_IN */, prio);
            BpfObject.Attachment second = o.attachNetfilter("pt_nf_hook", 10, 1, prio); // the kernel says EBUSY to prio
            assertTrue(first.target().contains("/priority" + prio + "/"), first.target());
            assertTrue(second.target().contains("/priority" + (prio + 1) + "/"), second.target());
            String link = "link_type:\tnetfilter";
            for (int p : new int[] {prio, prio + 1}) {
                String where = "pf:\t10\thooknum:\t1\tprio:\t" + p + "\n";
                assertTrue(ownLinks().stream().anyMatch(l -> l.contains(link) && l.contains(where)), p + ": " + ownLinks());
            }
            o.detach(second);
            o.detach(first);
        }
    }

    /** What the kernel says about this process's BPF link descriptors (bpftool 7.1 cannot name netfilter links). */
    private static List<String> ownLinks() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fdinfo"))) {
            for (java.nio.file.Path f : fds.toList()) {
                try {
                    String info = java.nio.file.Files.readString(f);
                    if (info.contains("link_type:")) {
                        out.add(info);
                    }
                } catch (java.io.IOException e) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }
}
