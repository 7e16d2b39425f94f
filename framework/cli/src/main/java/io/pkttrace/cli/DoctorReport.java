package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.Options;
import io.pkttrace.api.ProbeFactory;
import io.pkttrace.core.bpf.KernelFeatures;
import io.pkttrace.core.bpf.KernelProbes;
import io.pkttrace.core.plugins.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code pkttrace doctor} found: each kernel feature as the engine's {@link KernelProbes} found it
 * by trying, the facts of the system and the process, and for each installed probe the mechanism choice
 * it makes from those features (the same decision its start follows).
 */
record DoctorReport(String kernel, boolean privileged, List<Line> features, List<Line> system, List<ProbeLines> probes) {
    /** One checked thing: {@code state} is present, absent or unknown (could not be checked). */
    record Line(String name, KernelProbes.State state, String detail, String consequence) {
    }

    /**
     * One probe: {@code runnable} null when the probe declares no mechanism choice.
     *
     * @param configured "defaults", or why the probe could not be configured without the user's options
     */
    record ProbeLines(String type, String plugin, String configured, Boolean runnable, List<MechanismChoice> hooks) {
    }

    /** What follows for the user when a feature is present, and when it is not. */
    private record Consequence(String present, String absent) {
    }

    private static final Map<KernelFeature, Consequence> CONSEQUENCES = Map.ofEntries(
            Map.entry(KernelFeature.BTF, new Consequence("CO-RE relocations of every probe and drop-reason names use it",
                    "no probe can load: give this kernel's BTF with pkttrace --btf FILE")),
            Map.entry(KernelFeature.RING_BUFFER, new Consequence("every probe hands its records over through it",
                    "no probe can run (ring buffers need Linux 5.8)")),
            Map.entry(KernelFeature.TP_BTF, new Consequence("netpath's device hooks and drops attach as typed tracepoints",
                    "netpath's device hooks attach as raw tracepoints where raw_tp works")),
            Map.entry(KernelFeature.RAW_TP, new Consequence("netpath falls back to raw tracepoints where tp_btf is absent",
                    "netpath cannot run where tp_btf is absent too")),
            Map.entry(KernelFeature.KPROBE, new Consequence("kernel functions can be traced one kprobe each",
                    "kernel functions only through fentry or kprobe.multi where present (vrouter.ko, legacy iptables verdicts)")),
            Map.entry(KernelFeature.KPROBE_MULTI, new Consequence("many kernel functions attach through one link",
                    "kernel functions attach one by one, or not at all without kprobes")),
            Map.entry(KernelFeature.FENTRY, new Consequence("kernel functions attach through BPF trampolines, the cheapest way",
                    "kernel functions need kprobe.multi or kprobes")),
            Map.entry(KernelFeature.UPROBE, new Consequence("user-space datapaths (DPDK vrouter) can be traced",
                    "user-space datapaths cannot be traced")),
            Map.entry(KernelFeature.UPROBE_MULTI, new Consequence("all functions of a program attach and detach in one step",
                    "user-space functions attach one uprobe each (slower to attach and detach)")),
            Map.entry(KernelFeature.NETFILTER_LINK, new Consequence("netfilter verdicts are matched to their packets (packet id)",
                    "netfilter verdicts show no packet id")),
            Map.entry(KernelFeature.NFTRACE, new Consequence("netfilter verdicts name the rule, with its text",
                    "netfilter verdicts only through fexit or kprobes, without the rule")),
            Map.entry(KernelFeature.SOCKET_FILTER, new Consequence("receive on stacked devices (macvlan, VLAN, ...) is traced",
                    "receive on stacked devices is not traced")));

    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    static DoctorReport examine(PluginRegistry registry) {
        KernelProbes kernel = KernelProbes.get();
        List<Line> features = new ArrayList<>();
        for (KernelFeature f : KernelFeature.values()) {
            KernelProbes.Finding found = kernel.finding(f);
            Consequence c = CONSEQUENCES.get(f);
            features.add(new Line(f.label(), found.state(), found.detail(), found.state() == KernelProbes.State.PRESENT
                    ? c.present() : found.state() == KernelProbes.State.ABSENT ? c.absent() : "unknown: " + c.absent()));
        }
        List<ProbeLines> probes = new ArrayList<>();
        for (ProbeFactory<?> f : registry.probes()) {
            probes.add(probe(f, registry.pluginOf(f), kernel));
        }
        long caps = capabilities();
        boolean privileged = (caps & bit(CAP_SYS_ADMIN)) != 0 || ((caps & bit(CAP_BPF)) != 0 && (caps & bit(CAP_PERFMON)) != 0);
        return new DoctorReport(read(Path.of("/proc/sys/kernel/osrelease"), "unknown"), privileged, features,
                system(caps), probes);
    }

    @SuppressWarnings("unchecked")
    private static ProbeLines probe(ProbeFactory<?> factory, String plugin, KernelProbes kernel) {
        ProbeFactory<Object> f = (ProbeFactory<Object>) factory;
        Object config = null;
        String configured = "defaults";
        try {
            Options none = Options.empty("probe " + f.type());
            f.options().check(none);
            config = f.configure(none);
        } catch (ConfigException | RuntimeException e) {
            configured = "needs options (" + e.getMessage() + "): every kind of target shown";
        }
        List<MechanismChoice> hooks;
        try {
            hooks = f.mechanisms(config, kernel);
        } catch (RuntimeException e) {
            return new ProbeLines(f.type(), plugin, configured, false, List.of(MechanismChoice.none("(all)",
                    "its mechanism choice failed: " + e, List.of(), true)));
        }
        return new ProbeLines(f.type(), plugin, configured, hooks.isEmpty() ? null : MechanismChoice.runnable(hooks), hooks);
    }

    private static List<Line> system(long caps) {
        List<Line> out = new ArrayList<>();
        String tracefsAt = mountOf("tracefs");
        boolean tracefs = tracefsAt != null;
        out.add(new Line("tracefs", tracefs ? KernelProbes.State.PRESENT : KernelProbes.State.ABSENT,
                tracefs ? "mounted at " + tracefsAt : "not mounted",
                tracefs ? "classic tracepoints can be attached" : "pkttrace mounts it when a probe uses classic tracepoints"));
        String bpffs = mountOf("bpf");
        out.add(new Line("bpffs", bpffs != null ? KernelProbes.State.PRESENT : KernelProbes.State.ABSENT,
                bpffs != null ? "mounted at " + bpffs : "not mounted", "pkttrace pins nothing: it needs no bpffs"));
        out.add(cap("CAP_BPF", caps, CAP_BPF, "load BPF programs and create maps (or CAP_SYS_ADMIN)"));
        out.add(cap("CAP_PERFMON", caps, CAP_PERFMON, "attach tracing programs and read kernel memory (or CAP_SYS_ADMIN)"));
        out.add(cap("CAP_NET_ADMIN", caps, CAP_NET_ADMIN, "trace nftables rules and attach netfilter links (netfilter probe)"));
        out.add(cap("CAP_SYS_ADMIN", caps, CAP_SYS_ADMIN, "enter other network namespaces (netfilter probe, stacked-device taps)"));
        String lockdown = read(Path.of("/sys/kernel/security/lockdown"), null);
        if (lockdown == null) {
            out.add(new Line("lockdown", KernelProbes.State.ABSENT, "no lockdown LSM", "nothing is restricted"));
        } else {
            String mode = lockdown.replaceAll(".*\\[(\\w+)].*", "$1");
            out.add(new Line("lockdown", mode.equals("none") ? KernelProbes.State.ABSENT : KernelProbes.State.PRESENT,
                    "mode " + mode, switch (mode) {
                        case "none" -> "nothing is restricted";
                        case "integrity" -> "kernel memory reads still work; some attach types may be refused";
                        default -> "BPF may not read kernel memory: probes load but cannot read packets";
                    }));
        }
        String unpriv = read(Path.of("/proc/sys/kernel/unprivileged_bpf_disabled"), null);
        out.add(new Line("unprivileged BPF", "0".equals(unpriv) ? KernelProbes.State.PRESENT
                : unpriv == null ? KernelProbes.State.UNKNOWN : KernelProbes.State.ABSENT,
                unpriv == null ? "cannot read /proc/sys/kernel/unprivileged_bpf_disabled"
                        : "kernel.unprivileged_bpf_disabled=" + unpriv,
                "pkttrace's tracing programs need privileges either way (see the capabilities above)"));
        return out;
    }

    private static Line cap(String name, long caps, int bit, String forWhat) {
        boolean has = (caps & bit(bit)) != 0;
        return new Line(name, has ? KernelProbes.State.PRESENT : KernelProbes.State.ABSENT,
                has ? "effective" : "not effective", (has ? "pkttrace may " : "pkttrace may not ") + forWhat);
    }

    private static long bit(int cap) {
        return 1L << cap;
    }

    private static long capabilities() {
        String status = read(Path.of("/proc/self/status"), "");
        return KernelFeatures.effectiveCapabilities(status);
    }

    /** Where a file system of that type is mounted, or null. */
    private static String mountOf(String type) {
        for (String line : read(Path.of("/proc/self/mounts"), "").split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals(type)) {
                return f[1];
            }
        }
        return null;
    }

    private static String read(Path p, String otherwise) {
        try {
            return Files.readString(p).strip();
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }

    /** Every installed probe that declares its choice can run, and the checks could be made (privileges). */
    boolean ok() {
        return privileged && probes.stream().allMatch(p -> p.runnable() == null || p.runnable());
    }
}
