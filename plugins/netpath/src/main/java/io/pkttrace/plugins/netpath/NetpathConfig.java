package io.pkttrace.plugins.netpath;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which device hooks the netpath probe attaches.
 *
 * @param hooks     a non-empty subset of tx, rx, drop, consume
 * @param mechanism how the hooks attach: chosen from the kernel (auto), or the one the user named
 */
public record NetpathConfig(Set<Hook> hooks, Mechanism mechanism) {
    /**
     * A device crossing or a drop: the programs of netpath.bpf.c that report it, as a BTF tracepoint
     * and as a raw tracepoint, and the tracepoint both attach to. The id of each hook in the records is
     * netpath.bpf.c's NETPATH_HOOK_&lt;NAME&gt;, read from the object (NetpathHooksTest checks that both
     * sides name the same hooks and programs).
     */
    public enum Hook {
        TX("pt_net_dev_queue", "pt_raw_net_dev_queue", "net_dev_queue"),
        RX("pt_netif_receive_skb", "pt_raw_netif_receive_skb", "netif_receive_skb"),
        DROP("pt_kfree_skb", "pt_raw_kfree_skb", "kfree_skb"),
        CONSUME("pt_consume_skb", "pt_raw_consume_skb", "consume_skb");

        final String program;
        final String rawProgram;
        final String tracepoint;

        Hook(String program, String rawProgram, String tracepoint) {
            this.program = program;
            this.rawProgram = rawProgram;
            this.tracepoint = tracepoint;
        }

        /** The program of this hook for a mechanism (TP_BTF or RAW_TP). */
        String program(Mechanism m) {
            return m == Mechanism.RAW_TP ? rawProgram : program;
        }

        public String label() {
            return name().toLowerCase();
        }
    }

    /**
     * How the device hooks attach: auto (tp_btf where the kernel has it, else raw_tp), or one of them
     * for a kernel whose choice is wrong (and for tests of both on one kernel).
     */
    public enum Mechanism {
        AUTO, TP_BTF, RAW_TP;

        /** As the user writes it: auto, tp_btf, raw_tp. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public NetpathConfig {
        if (hooks.isEmpty()) {
            throw new IllegalArgumentException("at least one hook");
        }
        hooks = Set.copyOf(EnumSet.copyOf(hooks));
        java.util.Objects.requireNonNull(mechanism, "mechanism");
    }

    /** These hooks, attached as the kernel allows (auto). */
    public NetpathConfig(Set<Hook> hooks) {
        this(hooks, Mechanism.AUTO);
    }

    /** tx, rx and drop: one row per crossing plus where packets die; consume is opt-in (one more row per packet). */
    public static NetpathConfig defaults() {
        return new NetpathConfig(EnumSet.of(Hook.TX, Hook.RX, Hook.DROP));
    }
}
