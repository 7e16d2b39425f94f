package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads vrouter.bpf.o, tells it where the traced vrouter keeps its packet fields and which argument
 * of each function holds the packet, and attaches every function of the symbol file: uprobes for a
 * program, fentry, kprobe.multi or kprobes for the kernel module (see {@link KernelAttacher}).
 * Reports what it attached, how, and at the end what the BPF side could not follow.
 */
final class VrouterProbe implements Probe {
    /** Compiled from src/main/bpf/vrouter.bpf.c by the probe SDK. */
    static final String OBJECT = "/bpf/vrouter.bpf.o";
    static final String UPROBE = "pt_vr_uprobe";
    static final String URETPROBE = "pt_vr_uretprobe";
    /** An enum pt_vr_stat counter and what a non-zero count means. */
    private record Stat(String counter, String meaning) {
    }

    private static final List<Stat> STATS = List.of(
            new Stat("PT_VR_STAT_MISSED_RETURNS", "calls whose return was missed (shown as 'return not seen'; e.g. longjmp "
                    + "or a uretprobe the kernel did not deliver)"),
            new Stat("PT_VR_STAT_ORPHAN_RETURNS", "returns of calls entered before tracing started (not shown)"),
            new Stat("PT_VR_STAT_TOO_DEEP", "calls nested deeper than the traced depth limit (not shown)"),
            new Stat("PT_VR_STAT_PACKETS_FULL", "packets whose state did not fit the packet table (their calls may show as new packets)"),
            new Stat("PT_VR_STAT_THREADS_FULL", "calls of threads that did not fit the thread table (not shown)"),
            new Stat("PT_VR_STAT_READ_FAILED", "times a vr_packet or its headers could not be read (events without headers)"));

    private final VrouterConfig config;
    private final List<BpfObject> objects = new ArrayList<>();
    private ProbeContext context;
    private BpfObject main;
    private ObjectLayout layout;
    private List<TracedFunction> functions = List.of();
    private boolean statsReported;

    VrouterProbe(VrouterConfig config) {
        this.config = config;
    }

    @Override
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (SymbolFile.Entry e : config.symbols().entries()) {
            out.add(e.pattern());
        }
        return out;
    }

    @Override
    public void start(ProbeContext ctx) throws PkttraceException {
        this.context = ctx;
        byte[] elf = objectBytes();
        layout = ObjectLayout.of(elf);
        TargetInfo info = config.target();
        FunctionResolver.Resolution r = new FunctionResolver(info, layout.mapMaxEntries("pt_vr_funcs"))
                .resolve(config.symbols());
        functions = r.functions();
        if (functions.isEmpty()) {
            if (r.problems().size() == 1) { // the one reason is the one line
                throw new PkttraceException("vrouter: nothing to attach: " + r.problems().get(0), "fix the symbol file");
            }
            r.problems().forEach(p -> ctx.report("vrouter: " + p));
            throw new PkttraceException("vrouter: nothing to attach: none of the " + r.problems().size() + " names of "
                    + config.symbols().path() + " can be traced in " + info.target().describe(), "fix the names above");
        }
        r.problems().forEach(p -> ctx.report("vrouter: " + p));
        r.notes().forEach(n -> ctx.report("vrouter: " + n));
        main = ctx.open("vrouter", elf);
        objects.add(main);
        boolean kernel = info.target().isKernel();
        for (String p : List.of(UPROBE, URETPROBE)) {
            main.setAutoload(p, !kernel);
        }
        for (String p : KernelAttacher.REGS_PROGRAMS) {
            main.setAutoload(p, kernel);
        }
        for (String p : KernelAttacher.TRAMPOLINE_PROGRAMS) {
            main.setAutoload(p, false);
        }
        main.load();
        ctx.consume(main, new VrouterRecordDecoder(layout, functions));
        main.updateMap("pt_vr_config", u32(0), info.layout().encode(layout.struct("pt_vr_config"), config.matchOuter()));
        ObjectLayout.Struct func = layout.struct("pt_vr_func");
        for (TracedFunction f : functions) {
            main.updateMap("pt_vr_funcs", u32(f.id()), func.writer().u32("pkt_arg", f.packetArg())
                    .u32("pkt_levels", f.levels()).bytes());
        }
        if (kernel) {
            new KernelAttacher(ctx, main, elf, layout, info, objects).attach(functions);
        } else {
            attachUprobes(ctx, info);
        }
    }

    /**
     * One uprobe.multi link for all entries and one for all returns where the kernel has them (6.6+:
     * attached and detached in one step; a classic uprobe costs ~0.1 s to detach here), else a
     * classic uprobe and uretprobe per function.
     */
    private void attachUprobes(ProbeContext ctx, TargetInfo info) throws PkttraceException {
        String binary = info.target().binary().toString();
        int pid = info.target().pid() > 0 ? info.target().pid() : -1;
        List<Long> offsets = new ArrayList<>();
        List<Long> cookies = new ArrayList<>();
        for (TracedFunction f : functions) {
            for (long offset : f.offsets()) {
                offsets.add(offset);
                cookies.add((long) f.id());
            }
        }
        long[] offs = offsets.stream().mapToLong(Long::longValue).toArray();
        long[] cks = cookies.stream().mapToLong(Long::longValue).toArray();
        MechanismChoice choice = MechanismChoice.of(VrouterMechanisms.choose(info.target(), ctx.kernel()),
                VrouterMechanisms.USER);
        if (!choice.available()) {
            throw new PkttraceException("vrouter: cannot trace " + info.target().describe() + ": " + choice.why()
                    + choice.notUsedClause(), "see pkttrace doctor");
        }
        if (VrouterMechanisms.UPROBE_MULTI.equals(choice.mechanism())) {
            main.attachUprobeMulti(UPROBE, binary, offs, cks, false, pid);
            main.attachUprobeMulti(URETPROBE, binary, offs, cks, true, pid);
        } else {
            for (TracedFunction f : functions) {
                for (long offset : f.offsets()) {
                    main.attachUprobe(UPROBE, binary, offset, f.name(), false, pid, f.id());
                    main.attachUprobe(URETPROBE, binary, offset, f.name(), true, pid, f.id());
                }
            }
        }
        ctx.reportAttached("vrouter", choice, "for " + functions.size() + " function" + (functions.size() == 1 ? "" : "s")
                + " of " + info.target().describe());
        ctx.report("vrouter: packet arguments and vr_packet layout from " + info.btfSource());
        reportArguments(ctx, functions);
    }

    /** One line per way the packet argument was found, naming the functions: what was derived, visibly. */
    static void reportArguments(ProbeContext ctx, List<TracedFunction> functions) {
        Map<String, List<String>> byHow = new LinkedHashMap<>();
        for (TracedFunction f : functions) {
            String key = f.packetArg() < 0 ? "packet of the call they nest in"
                    : "packet in argument " + f.packetArg() + (f.levels() == 2 ? " (struct vr_packet **)" : "");
            byHow.computeIfAbsent(key, k -> new ArrayList<>()).add(f.name());
        }
        for (Map.Entry<String, List<String>> e : byHow.entrySet()) {
            ctx.report("vrouter:   " + e.getKey() + ": " + String.join(", ", e.getValue()));
        }
    }

    private static byte[] objectBytes() throws PkttraceException {
        try (InputStream in = VrouterProbe.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new PkttraceException("the vrouter plugin jar lacks " + OBJECT, "rebuild pkttrace (mvn package)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new PkttraceException("cannot read " + OBJECT + " (" + e.getMessage() + ")", null);
        }
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v).array();
    }

    @Override
    public void stop() {
        for (int i = objects.size() - 1; i >= 0; i--) {
            objects.get(i).detach();
        }
        reportStats();
    }

    /** What the BPF side could not follow, said once at the end, whenever it is not zero. */
    private void reportStats() {
        if (statsReported || main == null || context == null || layout == null) {
            return;
        }
        statsReported = true;
        try {
            int max = (int) layout.enumValue("pt_vr_stat", "PT_VR_STAT_MAX");
            long[] c = main.perCpuCounters("pt_vr_stats", max);
            for (Stat s : STATS) {
                long n = c[(int) layout.enumValue("pt_vr_stat", s.counter())];
                if (n > 0) {
                    context.report("vrouter: " + n + " " + s.meaning());
                }
            }
        } catch (PkttraceException | RuntimeException e) {
            context.report("vrouter: cannot read the probe's counters (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        for (int i = objects.size() - 1; i >= 0; i--) {
            objects.get(i).close();
        }
        objects.clear();
        main = null;
    }
}
