package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * How the vrouter probe attaches to datapath functions on a kernel: the one decision
 * {@link VrouterProbe#start} (and {@link KernelAttacher}) follow and {@code pkttrace doctor} shows.
 * Kernel module: fentry/fexit (BPF trampolines, the cheapest; functions without BTF then go to the
 * next), else kprobe.multi (one link for all), else kprobe/kretprobe. User space: uprobe.multi (one
 * link, attached and detached in one step), else uprobe/uretprobe.
 */
final class VrouterMechanisms {
    static final String KERNEL = "kernel-module functions";
    static final String USER = "user-space functions";
    static final String FENTRY = "fentry/fexit";
    static final String KPROBE_MULTI = "kprobe.multi/kretprobe.multi";
    static final String KPROBE = "kprobe/kretprobe";
    static final String UPROBE_MULTI = "uprobe.multi+uretprobe.multi";
    static final String UPROBE = "uprobe+uretprobe";

    private VrouterMechanisms() {
    }

    /** @param target the configured target, or null for both kinds (doctor without a symbol file) */
    static List<MechanismChoice> choose(Target target, KernelSupport kernel) {
        List<MechanismChoice> out = new ArrayList<>();
        if (target == null || target.isKernel()) {
            MechanismChoice c = kernelChoice(kernel);
            out.add(target == null ? c.optional() : c);
        }
        if (target == null || !target.isKernel()) {
            MechanismChoice c = userChoice(kernel);
            out.add(target == null ? c.optional() : c);
        }
        return out;
    }

    private static MechanismChoice kernelChoice(KernelSupport kernel) {
        List<String> notUsed = new ArrayList<>();
        if (kernel.has(KernelFeature.FENTRY)) {
            return MechanismChoice.uses(KERNEL, FENTRY, "BPF trampolines: the cheapest; functions without BTF go to "
                    + "kprobe.multi or kprobes", notUsed);
        }
        notUsed.add(kernel.notUsedBecause(KernelFeature.FENTRY));
        if (kernel.has(KernelFeature.KPROBE_MULTI)) {
            return MechanismChoice.uses(KERNEL, KPROBE_MULTI, "one link for all functions", notUsed);
        }
        notUsed.add(kernel.notUsedBecause(KernelFeature.KPROBE_MULTI));
        if (kernel.has(KernelFeature.KPROBE)) {
            return MechanismChoice.uses(KERNEL, KPROBE, "one kprobe and kretprobe per function", notUsed);
        }
        notUsed.add(kernel.notUsedBecause(KernelFeature.KPROBE));
        return MechanismChoice.none(KERNEL, "the kernel module cannot be traced here; a user-space (DPDK) vrouter can,"
                + " with --binary PATH or --pid PID (uprobes)", notUsed, true);
    }

    private static MechanismChoice userChoice(KernelSupport kernel) {
        List<String> notUsed = new ArrayList<>();
        if (kernel.has(KernelFeature.UPROBE_MULTI)) {
            return MechanismChoice.uses(USER, UPROBE_MULTI, "a user-space datapath: uprobes, one link each for all"
                    + " functions", notUsed);
        }
        notUsed.add(kernel.notUsedBecause(KernelFeature.UPROBE_MULTI));
        if (kernel.has(KernelFeature.UPROBE)) {
            return MechanismChoice.uses(USER, UPROBE, "a user-space datapath: uprobes", notUsed);
        }
        notUsed.add(kernel.notUsedBecause(KernelFeature.UPROBE));
        return MechanismChoice.none(USER, "a user-space vrouter cannot be traced here", notUsed, true);
    }
}
