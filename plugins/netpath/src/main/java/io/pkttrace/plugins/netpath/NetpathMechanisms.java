package io.pkttrace.plugins.netpath;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * How netpath's hooks attach on a kernel: the one decision {@link NetpathProbe#start} follows and
 * {@code pkttrace doctor} shows. Device hooks are BTF tracepoints (typed, stable, the cheapest) where
 * the kernel has them, else raw tracepoints (the same tracepoints and record; every field read with
 * CO-RE, so they need BTF only for relocation, which --btf FILE can give); receive on stacked devices
 * comes from socket filters on packet taps.
 */
final class NetpathMechanisms {
    static final String STACKED_RX = "rx on stacked devices";
    static final String TP_BTF_WHY = "BTF tracepoint: typed, stable, no kprobe needed";
    static final String RAW_TP_WHY = "raw tracepoint: the same tracepoint and record, every sk_buff field read with CO-RE"
            + " against the BTF libbpf is given (--btf FILE or the kernel's)";
    static final String TAPS = "socket/AF_PACKET taps";

    private NetpathMechanisms() {
    }

    /** The mechanism the device hooks attach with (TP_BTF or RAW_TP), or null when neither works here. */
    static NetpathConfig.Mechanism deviceHooks(NetpathConfig config, KernelSupport kernel) {
        if (config.mechanism() != NetpathConfig.Mechanism.RAW_TP && kernel.has(KernelFeature.TP_BTF)) {
            return NetpathConfig.Mechanism.TP_BTF; // raw_tp is not tried: each trial loads and attaches a program
        }
        boolean rawTp = config.mechanism() != NetpathConfig.Mechanism.TP_BTF && kernel.has(KernelFeature.RAW_TP)
                && kernel.has(KernelFeature.BTF);
        return rawTp ? NetpathConfig.Mechanism.RAW_TP : null;
    }

    /** Why each mechanism better than {@code chosen} (null: none) is not used. */
    private static List<String> notUsed(NetpathConfig config, KernelSupport kernel, NetpathConfig.Mechanism chosen) {
        List<String> out = new ArrayList<>();
        if (chosen != NetpathConfig.Mechanism.TP_BTF) {
            out.add(config.mechanism() == NetpathConfig.Mechanism.RAW_TP ? "tp_btf: mechanism=raw_tp was asked for"
                    : kernel.notUsedBecause(KernelFeature.TP_BTF));
        }
        if (chosen == null && config.mechanism() != NetpathConfig.Mechanism.TP_BTF) {
            out.add(kernel.notUsedBecause(kernel.has(KernelFeature.RAW_TP) ? KernelFeature.BTF : KernelFeature.RAW_TP));
        }
        return out;
    }

    static List<MechanismChoice> choose(NetpathConfig config, KernelSupport kernel) {
        List<MechanismChoice> out = new ArrayList<>();
        NetpathConfig.Mechanism m = deviceHooks(config, kernel);
        List<String> notUsed = notUsed(config, kernel, m);
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            if (!config.hooks().contains(h)) {
                continue;
            }
            out.add(m == null ? MechanismChoice.none(h.label(), config.mechanism() == NetpathConfig.Mechanism.TP_BTF
                    ? "it attaches as a BTF tracepoint only (mechanism=tp_btf)"
                    : "it attaches as a BTF or raw tracepoint only", notUsed, true)
                    : MechanismChoice.uses(h.label(), m.label() + "/" + h.tracepoint,
                    m == NetpathConfig.Mechanism.TP_BTF ? TP_BTF_WHY : RAW_TP_WHY, notUsed));
        }
        if (config.hooks().contains(NetpathConfig.Hook.RX)) {
            List<String> better = List.of("tc/tcx ingress: a hook on every packet of every device",
                    "netfilter PRE_ROUTING: it runs for every IP packet of the namespace");
            String why = "the tracepoint misses receive on a macvlan, ipvlan, VLAN, bond or team device: it is another round"
                    + " of __netif_receive_skb_core; a packet tap bound to each such device, in every namespace and also later"
                    + " ones, runs the socket filter " + NetpathProbe.STACKED_RX_PROGRAM + " in every round and costs other"
                    + " devices nothing";
            // The filter reaches the sk_buff through the kfunc bpf_cast_to_kern_ctx, which needs the kernel's own
            // BTF: the tp_btf finding is what says whether the kernel has it (and its programs are typed alike).
            List<String> missing = new ArrayList<>();
            if (!kernel.has(KernelFeature.SOCKET_FILTER)) {
                missing.add(kernel.notUsedBecause(KernelFeature.SOCKET_FILTER));
            }
            if (!kernel.has(KernelFeature.TP_BTF)) {
                missing.add(TAPS + ": their socket filter calls the kfunc bpf_cast_to_kern_ctx, which needs the kernel's own"
                        + " BTF as tp_btf does (" + kernel.notUsedBecause(KernelFeature.TP_BTF) + ")");
            }
            out.add(missing.isEmpty() ? MechanismChoice.uses(STACKED_RX, TAPS, why, better).optional()
                    : MechanismChoice.none(STACKED_RX, "receive on stacked devices is not traced", missing, false));
        }
        return out;
    }
}
