package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import io.pkttrace.api.ShortForm;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code --probe vrouter:functions=FILE[,binary=PATH|pid=PID][,btf=FILE][,match=inner|outer]}:
 * entry and return of Tungsten Fabric vrouter datapath functions (pkt_tracer's {@code -f}), in the
 * kernel module or in a user-space (DPDK) vrouter, one packet at a time. In the {@code vrouter}
 * command ({@link VrouterPreset}) its options have pkt_tracer's short forms.
 */
@Extension
public final class VrouterProbeFactory implements ProbeFactory<VrouterConfig> {
    public static final String TYPE = "vrouter";
    static final String MODULE = "vrouter";
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");

    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<String> FUNCTIONS = OPTIONS.add(Option.text("functions", "FILE", null,
                    "symbol file: one function per line, # comments, globs (nh_*), name:arg=N")
            .required("FILE", "give the symbol file: pkttrace vrouter -f FILE (or --probe vrouter:functions=FILE), one function name per line")
            .shortForm(ShortForm.value("-f", "FILE", "symbol file: one function per line, # comments, globs (nh_*), name:arg=N").in(VrouterPreset.NAME))
            .shortForm(ShortForm.value("--functions", "FILE", "same as -f").in(VrouterPreset.NAME)));
    static final Option<String> BINARY = OPTIONS.add(Option.text("binary", "PATH", null,
                    "a user-space (DPDK) vrouter program: trace every process running it (default: the kernel module vrouter)")
            .shortForm(ShortForm.value("--binary", "PATH", "trace a user-space (DPDK) vrouter program: every process running it")
                    .in(VrouterPreset.NAME)));
    static final Option<Long> PID = OPTIONS.add(Option.number("pid", 1, Integer.MAX_VALUE, null, "trace one running DPDK vrouter process")
            .shortForm(ShortForm.value("--pid", "PID", "trace one running DPDK vrouter process").in(VrouterPreset.NAME)));
    static final Option<String> BTF = OPTIONS.add(Option.text("btf", "FILE", null,
                    "the vrouter module's or program's BTF, instead of /sys/kernel/btf/vrouter or the program's debug"
                            + " information (the kernel's own BTF is pkttrace's global --btf)")
            .shortForm(ShortForm.value("--btf", "FILE", "the vrouter module's (or program's) BTF (default: /sys/kernel/btf/vrouter, or the"
                    + " program's debug information); the kernel's own BTF is given before the command: pkttrace --btf FILE vrouter ...")
                    .in(VrouterPreset.NAME)));
    static final Option<Boolean> MATCH_OUTER = OPTIONS.add(Option.custom("match", "inner|outer", VrouterProbeFactory::outer,
                    false, "inner", "which header of a tunnelled packet the five-tuple filter matches: inner (the workload's) or outer")
            .shortForm(ShortForm.value("--match", "inner|outer", "which header of tunnelled packets -a matches (default inner)")
                    .in(VrouterPreset.NAME)));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "vrouter datapath functions (pkt_tracer -f): entry, return value and the packet's headers, per packet, "
                + "in vrouter.ko (fentry, kprobe.multi or kprobes) or a DPDK vrouter (uprobes)";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    private static Boolean outer(String component, List<Option.Given> given) throws ConfigException {
        String match = given.get(given.size() - 1).text();
        if (given.size() > 1) {
            throw new ConfigException(component + ": option 'match' given more than once", "give it once");
        }
        if (!match.equals("inner") && !match.equals("outer")) {
            throw new ConfigException(component + ": match must be inner or outer, not '" + SymbolFile.shown(match) + "'",
                    "inner matches the workload's tuple of tunnelled packets, outer the tunnel's");
        }
        return match.equals("outer");
    }

    @Override
    public VrouterConfig configure(Options options) throws ConfigException {
        String c = options.component();
        String binary = options.get(BINARY);
        Long pid = options.get(PID);
        if (binary != null && pid != null) {
            throw new ConfigException(c + ": binary and pid exclude each other",
                    "give binary=PATH to trace every process running a program, or pid=PID for one process");
        }
        String btf = options.get(BTF);
        Path btfFile = btf == null ? null : Path.of(btf);
        SymbolFile symbols = SymbolFile.read(Path.of(options.get(FUNCTIONS)), "-f");
        TargetInfo target;
        if (pid != null) {
            target = TargetInfo.program(TargetInfo.executableOf(pid.intValue()), pid.intValue(), btfFile, symbols);
        } else if (binary != null) {
            target = TargetInfo.program(Path.of(binary).toAbsolutePath().normalize(), -1, btfFile, symbols);
        } else {
            target = TargetInfo.kernel(MODULE, btfFile, KALLSYMS);
        }
        return new VrouterConfig(symbols, target, options.get(MATCH_OUTER));
    }

    /** Without a config (no symbol file): the kernel module and a user-space vrouter, either of which may be traced. */
    @Override
    public List<MechanismChoice> mechanisms(VrouterConfig config, KernelSupport kernel) {
        return VrouterMechanisms.choose(config == null ? null : config.target().target(), kernel);
    }

    @Override
    public Probe create(VrouterConfig config) {
        return new VrouterProbe(config);
    }
}
