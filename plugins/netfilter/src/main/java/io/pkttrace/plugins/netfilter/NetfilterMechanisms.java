package io.pkttrace.plugins.netfilter;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * How the netfilter probe gets verdicts on a kernel: the one decision {@link NetfilterProbe#start}
 * follows and {@code pkttrace doctor} shows (see the order and the reasons in {@link NetfilterProbe}).
 */
final class NetfilterMechanisms {
    static final String VERDICTS = "verdicts";
    static final String PACKET_MATCH = "packet match";
    static final String LEGACY = "legacy iptables";
    static final String NFTRACE = "nftrace";
    static final String FEXIT = "fexit";
    static final String KRETPROBE = "kprobe+kretprobe";

    private NetfilterMechanisms() {
    }

    static List<MechanismChoice> choose(NetfilterConfig config, KernelSupport kernel) {
        List<MechanismChoice> out = new ArrayList<>();
        String chainOnly = "the chain's verdict without adding a rule, but not which rule decided";
        switch (config.mechanism()) {
            case AUTO, NFTRACE -> {
                List<String> notUsed = new ArrayList<>();
                if (kernel.has(KernelFeature.NFTRACE)) {
                    out.add(MechanismChoice.uses(VERDICTS, NFTRACE, "verdicts and rules from nftables tracing: table, chain,"
                            + " rule handle and text, verdict; pkttrace's own table marks only the selected packets",
                            List.of()));
                } else if (config.mechanism() == NetfilterConfig.Mechanism.AUTO) {
                    notUsed.add(kernel.notUsedBecause(KernelFeature.NFTRACE));
                    out.add(functionVerdicts(VERDICTS, kernel, notUsed, true, chainOnly));
                } else {
                    out.add(MechanismChoice.none(VERDICTS, "mechanism=nftrace needs nftables tracing",
                            List.of(kernel.notUsedBecause(KernelFeature.NFTRACE)), true));
                }
                if (out.get(0).available() && NFTRACE.equals(out.get(0).mechanism())) {
                    out.add(kernel.has(KernelFeature.NETFILTER_LINK)
                            ? MechanismChoice.uses(PACKET_MATCH, "netfilter (BPF link)", "a BPF netfilter program at priority "
                            + NetfilterProbe.HOOK_PRIORITY + " (or the next free one above it, when another BPF program such as"
                            + " a concurrent pkttrace holds it) at each hook with chains records the packet, so that each trace"
                            + " message is matched to its packet id", List.of()).optional()
                            : MechanismChoice.none(PACKET_MATCH, "verdicts show no packet id (matched by time of reading)",
                            List.of(kernel.notUsedBecause(KernelFeature.NETFILTER_LINK)), false));
                }
                if (config.mechanism() == NetfilterConfig.Mechanism.AUTO) {
                    out.add(functionVerdicts(LEGACY, kernel, new ArrayList<>(), true, "legacy iptables (x_tables) rules are"
                            + " not nf_tables rules: " + chainOnly).optional());
                }
            }
            case FEXIT -> out.add(kernel.has(KernelFeature.FENTRY)
                    ? MechanismChoice.uses(VERDICTS, FEXIT, chainOnly, List.of())
                    : MechanismChoice.none(VERDICTS, "mechanism=fexit needs BPF trampolines",
                    List.of(kernel.notUsedBecause(KernelFeature.FENTRY)), true));
            case KRETPROBE -> out.add(kernel.has(KernelFeature.KPROBE)
                    ? MechanismChoice.uses(VERDICTS, KRETPROBE, chainOnly, List.of())
                    : MechanismChoice.none(VERDICTS, "mechanism=kretprobe needs kprobes",
                    List.of(kernel.notUsedBecause(KernelFeature.KPROBE)), true));
        }
        return out;
    }

    /** fexit, else kprobe + kretprobe, on the netfilter functions; {@code notUsed} gathers why not the better ones. */
    private static MechanismChoice functionVerdicts(String hook, KernelSupport kernel, List<String> notUsed,
                                                    boolean essential, String why) {
        if (kernel.has(KernelFeature.FENTRY)) {
            return MechanismChoice.uses(hook, FEXIT, why, notUsed);
        }
        notUsed.add(kernel.notUsedBecause(KernelFeature.FENTRY));
        if (kernel.has(KernelFeature.KPROBE)) {
            return MechanismChoice.uses(hook, KRETPROBE, why, notUsed);
        }
        notUsed.add(kernel.notUsedBecause(KernelFeature.KPROBE));
        return MechanismChoice.none(hook, hook.equals(LEGACY) ? "legacy iptables (x_tables) verdicts are not traced"
                : "no mechanism for netfilter verdicts on this kernel", notUsed, essential);
    }
}
