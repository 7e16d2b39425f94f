package io.pkttrace.plugins.netpath;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which device hooks the netpath probe attaches.
 *
 * @param hooks a non-empty subset of tx, rx, drop, consume
 */
public record NetpathConfig(Set<Hook> hooks) {
    /**
     * A device crossing or a drop: the program of netpath.bpf.c that reports it and the tracepoint it
     * attaches to. The id of each hook in the records is netpath.bpf.c's NETPATH_HOOK_&lt;NAME&gt;, read
     * from the object (NetpathHooksTest checks that both sides name the same hooks and programs).
     */
    public enum Hook {
        TX("pt_net_dev_queue", "net_dev_queue"),
        RX("pt_netif_receive_skb", "netif_receive_skb"),
        DROP("pt_kfree_skb", "kfree_skb"),
        CONSUME("pt_consume_skb", "consume_skb");

        final String program;
        final String tracepoint;

        Hook(String program, String tracepoint) {
            this.program = program;
            this.tracepoint = tracepoint;
        }

        public String label() {
            return name().toLowerCase();
        }
    }

    public NetpathConfig {
        if (hooks.isEmpty()) {
            throw new IllegalArgumentException("at least one hook");
        }
        hooks = Set.copyOf(EnumSet.copyOf(hooks));
    }

    /** tx, rx and drop: one row per crossing plus where packets die; consume is opt-in (one more row per packet). */
    public static NetpathConfig defaults() {
        return new NetpathConfig(EnumSet.of(Hook.TX, Hook.RX, Hook.DROP));
    }
}
