package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.io.IOException;
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
    /** vmlinux functions that exist on every kernel with BPF, to learn whether trampolines load at all. */
    private static final List<String> STAND_INS = List.of("bpf_fentry_test1", "security_bpf", "do_nanosleep");

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
        Map<String, List<String>> attached = new LinkedHashMap<>();
        List<String> whyNot = new ArrayList<>();
        List<TracedFunction> left = new ArrayList<>(functions);

        String trampolines = trampolinesRefused();
        if (trampolines != null) {
            whyNot.add("fentry/fexit: " + trampolines);
        } else {
            for (TracedFunction f : functions) {
                if (!f.hasBtf() || !info.symbols().loaded()) {
                    continue;
                }
                try {
                    fentry(f);
                    attached.computeIfAbsent("fentry/fexit (BPF trampolines: the cheapest)", k -> new ArrayList<>()).add(f.name());
                    left.remove(f);
                } catch (PkttraceException e) {
                    ctx.report("vrouter: " + f.name() + ": fentry not possible (" + e.getMessage() + "), trying kprobes");
                }
            }
            if (left.stream().anyMatch(f -> !f.hasBtf())) {
                whyNot.add("fentry/fexit: no BTF for " + left.stream().filter(f -> !f.hasBtf()).count() + " functions");
            }
        }
        if (!left.isEmpty()) {
            try {
                List<String> names = left.stream().map(TracedFunction::name).toList();
                long[] cookies = left.stream().mapToLong(TracedFunction::id).toArray();
                main.attachKprobeMulti(KPROBE_MULTI, names, cookies, false);
                main.attachKprobeMulti(KRETPROBE_MULTI, names, cookies, true);
                attached.put("kprobe.multi/kretprobe.multi (one link for all)", names);
                left.clear();
            } catch (PkttraceException e) {
                whyNot.add("kprobe.multi: " + e.getMessage());
            }
        }
        if (!left.isEmpty()) {
            List<TracedFunction> still = new ArrayList<>();
            String noKprobes = null;
            for (TracedFunction f : left) {
                if (noKprobes != null) {
                    still.add(f);
                    continue;
                }
                try {
                    main.attachKprobe(KPROBE, f.name(), false, f.id());
                    main.attachKprobe(KRETPROBE, f.name(), true, f.id());
                    attached.computeIfAbsent("kprobe/kretprobe", k -> new ArrayList<>()).add(f.name());
                } catch (PkttraceException e) {
                    if (e.getMessage().contains("no kprobe support")) {
                        noKprobes = e.getMessage();
                        still.add(f);
                    } else {
                        ctx.report("vrouter: " + f.name() + ": " + e.userLine());
                        still.add(f);
                    }
                }
            }
            if (noKprobes != null) {
                whyNot.add("kprobe: " + noKprobes);
            }
            left = still;
        }
        if (attached.isEmpty()) {
            boolean loaded = info.symbols().loaded();
            throw new PkttraceException("vrouter: cannot trace " + target + " on this kernel: " + String.join("; ", whyNot)
                    + (loaded ? "" : "; and module " + info.target().module() + " is not loaded"),
                    whyNot.isEmpty() && !loaded ? "load the module (modprobe " + info.target().module() + ")"
                            : "trace a user-space (DPDK) vrouter instead, with --binary PATH or --pid PID (uprobes)");
        }
        for (Map.Entry<String, List<String>> a : attached.entrySet()) {
            ctx.report("vrouter: " + a.getValue().size() + " function" + (a.getValue().size() == 1 ? "" : "s") + " of "
                    + target + " attached as " + a.getKey() + (whyNot.isEmpty() ? "" : "; not " + String.join("; not ", whyNot)));
        }
        if (!left.isEmpty()) {
            ctx.report("vrouter: " + left.size() + " function" + (left.size() == 1 ? "" : "s") + " could not be attached: "
                    + String.join(", ", left.stream().map(TracedFunction::name).toList()));
        }
        List<TracedFunction> notAttached = left;
        VrouterProbe.reportArguments(ctx, functions.stream().filter(f -> !notAttached.contains(f)).toList());
    }

    /**
     * Null when this kernel loads fentry/fexit programs, else why not. Learned by loading the
     * trampoline programs for a vmlinux function every kernel has: some kernels refuse them at
     * load time (this project's CI kernel: EPERM before the verifier runs), others at attach time.
     */
    private String trampolinesRefused() {
        String standIn;
        try {
            Btf vmlinux = Btf.vmlinux();
            standIn = STAND_INS.stream().filter(n -> vmlinux.find(n, BtfKind.FUNC) >= 0).findFirst().orElse(null);
        } catch (IOException e) {
            return "the kernel's BTF cannot be read (" + e.getMessage() + ")";
        }
        if (standIn == null) {
            return "no known vmlinux function to check trampolines with";
        }
        try {
            BpfObject probe = trampolineObject("vrouter-tramp", standIn);
            probe.close();
            return null;
        } catch (PkttraceException e) {
            String m = e.getMessage();
            int open = m.lastIndexOf('(');
            String errno = open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
            return "the kernel refuses to load trampoline programs (" + errno + ", tried with " + standIn + ")";
        }
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
