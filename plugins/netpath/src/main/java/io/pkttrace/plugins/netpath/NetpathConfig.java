package io.pkttrace.plugins.netpath;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which device hooks the netpath probe attaches.
 *
 * @param hooks a non-empty subset of tx, rx, drop, consume
 */
public record NetpathConfig(Set<Hook> hooks) {
    /** A device crossing or a drop; the id is the record's hook field in netpath.bpf.c. */
    public enum Hook {
        TX(1, "pt_net_dev_queue", "net_dev_queue"),
        RX(2, "pt_netif_receive_skb", "netif_receive_skb"),
        DROP(3, "pt_kfree_skb", "kfree_skb"),
        CONSUME(4, "pt_consume_skb", "consume_skb");

        final int id;
        final String program;
        final String tracepoint;

        Hook(int id, String program, String tracepoint) {
            this.id = id;
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
