package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code --probe vrouter:functions=FILE[,binary=PATH|pid=PID][,btf=FILE][,match=inner|outer]}:
 * entry and return of Tungsten Fabric vrouter datapath functions (pkt_tracer's {@code -f}), in the
 * kernel module or in a user-space (DPDK) vrouter, one packet at a time.
 */
@Extension
public final class VrouterProbeFactory implements ProbeFactory<VrouterConfig> {
    public static final String TYPE = "vrouter";
    static final String MODULE = "vrouter";
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");

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
    public Map<String, String> optionHelp() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("functions", "symbol file: one function per line, # comments, globs (nh_*), name:arg=N (required)");
        m.put("binary", "PATH of a user-space (DPDK) vrouter program: trace every process running it (default: kernel module vrouter)");
        m.put("pid", "trace one running DPDK vrouter process");
        m.put("btf", "FILE with the vrouter's BTF, instead of /sys/kernel/btf/vrouter or the program's debug information");
        m.put("match", "which header of a tunnelled packet the five-tuple filter matches: inner (default, the workload's) or outer");
        return m;
    }

    @Override
    public VrouterConfig configure(Options options) throws ConfigException {
        options.requireOnly(optionHelp().keySet());
        String c = options.component();
        String functions = options.string("functions", null);
        if (functions == null) {
            throw new ConfigException(c + ": no symbol file", "give functions=FILE (pkttrace vrouter -f FILE), one function name per line");
        }
        String binary = options.string("binary", null);
        boolean hasPid = options.has("pid");
        if (binary != null && hasPid) {
            throw new ConfigException(c + ": binary and pid exclude each other",
                    "give binary=PATH to trace every process running a program, or pid=PID for one process");
        }
        String match = options.string("match", "inner");
        if (!Set.of("inner", "outer").contains(match)) {
            throw new ConfigException(c + ": match must be inner or outer, not '" + SymbolFile.shown(match) + "'",
                    "inner matches the workload's tuple of tunnelled packets, outer the tunnel's");
        }
        String btf = options.string("btf", null);
        Path btfFile = btf == null ? null : Path.of(btf);
        SymbolFile symbols = SymbolFile.read(Path.of(functions), "-f");
        TargetInfo target;
        if (hasPid) {
            int pid = (int) options.number("pid", 0, 1, Integer.MAX_VALUE);
            target = TargetInfo.program(TargetInfo.executableOf(pid), pid, btfFile, symbols);
        } else if (binary != null) {
            target = TargetInfo.program(Path.of(binary).toAbsolutePath().normalize(), -1, btfFile, symbols);
        } else {
            target = TargetInfo.kernel(MODULE, btfFile, KALLSYMS);
        }
        return new VrouterConfig(symbols, target, match.equals("outer"));
    }

    @Override
    public Probe create(VrouterConfig config) {
        return new VrouterProbe(config);
    }
}
