package io.pkttrace.plugins.netpath;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which device hooks the netpath probe attaches.
 *
 * @param hooks a non-empty subset of tx, rx, drop
 */
public record NetpathConfig(Set<Hook> hooks) {
    /** A device crossing or a drop; the id is the record's hook field in netpath.bpf.c. */
    public enum Hook {
        TX(1, "pt_net_dev_queue", "net_dev_queue"),
        RX(2, "pt_netif_receive_skb", "netif_receive_skb"),
        DROP(3, "pt_kfree_skb", "kfree_skb");

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

    public static NetpathConfig all() {
        return new NetpathConfig(EnumSet.allOf(Hook.class));
    }
}
