package io.pkttrace.plugins.netpath;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * How netpath's hooks attach on a kernel: the one decision {@link NetpathProbe#start} follows and
 * {@code pkttrace doctor} shows. Device hooks are BTF tracepoints only (typed, stable, the cheapest);
 * receive on stacked devices comes from socket filters on packet taps.
 */
final class NetpathMechanisms {
    static final String STACKED_RX = "rx on stacked devices";
    static final String TP_BTF_WHY = "BTF tracepoint: typed, stable, no kprobe needed";
    static final String TAPS = "socket/AF_PACKET taps";

    private NetpathMechanisms() {
    }

    static List<MechanismChoice> choose(NetpathConfig config, KernelSupport kernel) {
        List<MechanismChoice> out = new ArrayList<>();
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            if (!config.hooks().contains(h)) {
                continue;
            }
            out.add(MechanismChoice.tpBtf(h.label(), h.tracepoint, TP_BTF_WHY, kernel));
        }
        if (config.hooks().contains(NetpathConfig.Hook.RX)) {
            List<String> better = List.of("tc/tcx ingress: a hook on every packet of every device",
                    "netfilter PRE_ROUTING: it runs for every IP packet of the namespace");
            String why = "the tracepoint misses receive on a macvlan, ipvlan, VLAN, bond or team device: it is another round"
                    + " of __netif_receive_skb_core; a packet tap bound to each such device, in every namespace and also later"
                    + " ones, runs the socket filter " + NetpathProbe.STACKED_RX_PROGRAM + " in every round and costs other"
                    + " devices nothing";
            out.add(kernel.has(KernelFeature.SOCKET_FILTER)
                    ? MechanismChoice.uses(STACKED_RX, TAPS, why, better).optional()
                    : MechanismChoice.none(STACKED_RX, "receive on stacked devices is not traced",
                    List.of(kernel.notUsedBecause(KernelFeature.SOCKET_FILTER)), false));
        }
        return out;
    }
}
