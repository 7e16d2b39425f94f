package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches the functions of the vrouter kernel module with the best mechanism the kernel allows,
 * per function, and says which and why: fentry/fexit where the kernel allows BPF trampolines and
 * the function has BTF (one program load per function: the target is part of the program),
 * otherwise kprobe.multi (one link for all), otherwise kprobe/kretprobe. When none works, one line
 * says why each did not and what works instead.
 */
final class KernelAttacher {
    static final String KPROBE = "pt_vr_kprobe";
    static final String KRETPROBE = "pt_vr_kretprobe";
    static final String KPROBE_MULTI = "pt_vr_kprobe_multi";
    static final String KRETPROBE_MULTI = "pt_vr_kretprobe_multi";
    static final String FENTRY = "pt_vr_fentry";
    static final String FEXIT = "pt_vr_fexit";
    /** Programs of the main object for the kernel: kprobe-type, loaded without a target. */
    static final List<String> REGS_PROGRAMS = List.of(KPROBE, KRETPROBE, KPROBE_MULTI, KRETPROBE_MULTI);
    /** Trampoline programs: loaded once per function, in objects of their own that share the main object's maps. */
    static final List<String> TRAMPOLINE_PROGRAMS = List.of(FENTRY, FEXIT);

    private final ProbeContext ctx;
    private final BpfObject main;
    private final byte[] elf;
    private final ObjectLayout layout;
    private final TargetInfo info;
    private final List<BpfObject> objects;

    KernelAttacher(ProbeContext ctx, BpfObject main, byte[] elf, ObjectLayout layout, TargetInfo info,
                   List<BpfObject> objects) {
        this.ctx = ctx;
        this.main = main;
        this.elf = elf;
        this.layout = layout;
        this.info = info;
        this.objects = objects;
    }

    void attach(List<TracedFunction> functions) throws PkttraceException {
        String target = info.target().describe();
        KernelSupport kernel = ctx.kernel();
        MechanismChoice choice = MechanismChoice.of(VrouterMechanisms.choose(info.target(), kernel), VrouterMechanisms.KERNEL);
        boolean loaded = info.symbols().loaded();
        if (!choice.available()) {
            throw new PkttraceException("vrouter: cannot trace " + target + " on this kernel: " + String.join("; ", choice.notUsed())
                    + (loaded ? "" : "; and module " + info.target().module() + " is not loaded"),
                    "trace a user-space (DPDK) vrouter instead, with --binary PATH or --pid PID (uprobes)");
        }
        Map<String, List<String>> attached = new LinkedHashMap<>();
        List<TracedFunction> left = new ArrayList<>(functions);
        if (VrouterMechanisms.FENTRY.equals(choice.mechanism())) {
            for (TracedFunction f : functions) {
                if (!f.hasBtf() || !loaded) {
                    continue;
                }
                try {
                    fentry(f);
                    attached.computeIfAbsent(VrouterMechanisms.FENTRY, k -> new ArrayList<>()).add(f.name());
                    left.remove(f);
                } catch (PkttraceException e) {
                    ctx.report("vrouter: " + f.name() + ": fentry not possible (" + e.getMessage() + "), trying kprobes");
                }
            }
        }
        if (!left.isEmpty() && kernel.has(KernelFeature.KPROBE_MULTI)) {
            List<String> names = left.stream().map(TracedFunction::name).toList();
            long[] cookies = left.stream().mapToLong(TracedFunction::id).toArray();
            main.attachKprobeMulti(KPROBE_MULTI, names, cookies, false);
            main.attachKprobeMulti(KRETPROBE_MULTI, names, cookies, true);
            attached.put(VrouterMechanisms.KPROBE_MULTI, names);
            left.clear();
        }
        if (!left.isEmpty() && kernel.has(KernelFeature.KPROBE)) {
            List<TracedFunction> still = new ArrayList<>();
            for (TracedFunction f : left) {
                try {
                    main.attachKprobe(KPROBE, f.name(), false, f.id());
                    main.attachKprobe(KRETPROBE, f.name(), true, f.id());
                    attached.computeIfAbsent(VrouterMechanisms.KPROBE, k -> new ArrayList<>()).add(f.name());
                } catch (PkttraceException e) {
                    ctx.report("vrouter: " + f.name() + ": " + e.userLine());
                    still.add(f);
                }
            }
            left = still;
        }
        if (attached.isEmpty()) {
            throw new PkttraceException("vrouter: cannot trace " + target + ": no function could be attached as "
                    + choice.mechanism() + (loaded ? "" : " (module " + info.target().module() + " is not loaded)"),
                    loaded ? "see the lines above" : "load the module (modprobe " + info.target().module() + ")");
        }
        for (Map.Entry<String, List<String>> a : attached.entrySet()) {
            String detail = "for " + a.getValue().size() + " function" + (a.getValue().size() == 1 ? "" : "s") + " of " + target;
            if (a.getKey().equals(choice.mechanism())) {
                ctx.reportAttached("vrouter", choice, detail);
            } else {
                ctx.report("vrouter: " + choice.hook() + " attached as " + a.getKey() + " " + detail
                        + " (no BTF for them, which " + choice.mechanism() + " needs)");
            }
        }
        if (!left.isEmpty()) {
            ctx.report("vrouter: " + left.size() + " function" + (left.size() == 1 ? "" : "s") + " could not be attached: "
                    + String.join(", ", left.stream().map(TracedFunction::name).toList()));
        }
        List<TracedFunction> notAttached = left;
        VrouterProbe.reportArguments(ctx, functions.stream().filter(f -> !notAttached.contains(f)).toList());
    }

    /** An object with only fentry/fexit, aimed at {@code function}, sharing the main object's maps, loaded. */
    private BpfObject trampolineObject(String name, String function) throws PkttraceException {
        BpfObject o = ctx.open(name, elf);
        objects.add(o);
        for (String p : REGS_PROGRAMS) {
            o.setAutoload(p, false);
        }
        for (String p : List.of(VrouterProbe.UPROBE, VrouterProbe.URETPROBE)) {
            o.setAutoload(p, false);
        }
        for (String p : TRAMPOLINE_PROGRAMS) {
            o.setAutoload(p, true);
            o.setAttachTarget(p, function);
        }
        for (String map : layout.mapNames()) {
            o.shareMap(map, main);
        }
        o.load();
        return o;
    }

    private void fentry(TracedFunction f) throws PkttraceException {
        BpfObject o = trampolineObject("vrouter-" + f.name(), f.name());
        o.attachTracing(FENTRY, f.id());
        o.attachTracing(FEXIT, f.id());
    }
}
