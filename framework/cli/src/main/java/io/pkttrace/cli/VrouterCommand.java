package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pkttrace vrouter -f FILE [-r] [-o] [-a key=value ...]}: pkt_tracer's command line, mapped
 * onto {@code pkttrace trace} and nothing else: the vrouter probe with the symbol file and target,
 * the fivetuple filter for {@code -a}, and the calls sink ({@code -o}: organized per packet,
 * {@code -r}: return values). All behaviour lives in the plugins; this only translates options
 * (a plugin-contributed command preset can replace it).
 */
@Command(name = "vrouter", mixinStandardHelpOptions = true,
        description = "Trace vrouter datapath functions like pkt_tracer: -f FILE [-r] [-o] [-a key=value ...] "
                + "(same as trace --probe vrouter:functions=FILE ... --sink calls).")
final class VrouterCommand implements Callable<Integer> {
    /** Sinks that show return values (-r); only the calls sink organizes per packet (-o). */
    private static final Set<String> SHOW_RETURNS = Set.of("calls", "console", "json", "flow");
    private static final String CALLS = "calls";

    @ParentCommand
    PkttraceCommand root;

    @Option(names = {"-f", "--functions"}, required = true, paramLabel = "FILE",
            description = "symbol file: one function per line, # comments, globs (nh_*), name:arg=N")
    Path functions;

    @Option(names = "-r", description = "show return values (enums by name)")
    boolean returns;

    @Option(names = "-o", description = "organize: one call tree per packet, printed when its outermost call returns")
    boolean organize;

    @Option(names = "-a", arity = "1..*", paramLabel = "KEY=VALUE",
            description = "five-tuple filter, evaluated in BPF: src= dest= protocol= sport= dport= (and either= port= reply=)")
    List<String> tuple = new ArrayList<>();

    @Option(names = "--binary", paramLabel = "PATH", description = "trace a user-space (DPDK) vrouter program: every process running it")
    Path binary;

    @Option(names = "--pid", paramLabel = "PID", description = "trace one running DPDK vrouter process")
    Integer pid;

    @Option(names = "--btf", paramLabel = "FILE", description = "the vrouter's BTF (default: /sys/kernel/btf/vrouter, or the program's debug information)")
    Path btf;

    @Option(names = "--match", paramLabel = "inner|outer", description = "which header of tunnelled packets -a matches (default inner)")
    String match;

    @Option(names = "--sink", paramLabel = "TYPE[:k=v,...]", description = "output sink (repeatable; default calls)")
    List<String> sinks = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE", description = "same as --sink json:output=FILE")
    String output;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double duration;

    @Option(names = "--count", paramLabel = "N", description = "stop after N events")
    Long count;

    @Option(names = "--ring-size", paramLabel = "BYTES", defaultValue = "4194304", description = "ring buffer size (default ${DEFAULT-VALUE})")
    int ringSize;

    @Option(names = "--stats", description = "print the run's counters at the end")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        TraceCommand trace = new TraceCommand();
        trace.root = root;
        StringBuilder probe = new StringBuilder("vrouter:functions=").append(functions);
        if (binary != null) {
            probe.append(",binary=").append(binary);
        }
        if (pid != null) {
            probe.append(",pid=").append(pid);
        }
        if (btf != null) {
            probe.append(",btf=").append(btf);
        }
        if (match != null) {
            probe.append(",match=").append(match);
        }
        trace.probes.add(probe.toString());
        trace.tuple.addAll(tuple);
        trace.sinks.addAll(sinkSpecs());
        trace.output = output;
        trace.duration = duration;
        trace.count = count;
        trace.ringSize = ringSize;
        trace.stats = stats;
        return trace.call();
    }

    /** The sinks: the calls sink by default; -o and -r set its options, and need a sink that shows them. */
    List<String> sinkSpecs() throws ConfigException {
        String options = (organize ? ",organize=true" : "") + (returns ? ",returns=true" : "");
        List<String> chosen = !sinks.isEmpty() ? sinks : List.of(output != null ? "json" : CALLS);
        List<String> out = new ArrayList<>();
        boolean calls = false;
        boolean showsReturns = false;
        for (String s : chosen) {
            String type = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
            if (type.equals(CALLS)) {
                calls = true;
                s = options.isEmpty() ? s : s.contains(":") ? s + options : s + ":" + options.substring(1);
            }
            showsReturns |= SHOW_RETURNS.contains(type);
            out.add(s);
        }
        if (organize && !calls) {
            throw new ConfigException("-o organizes the calls sink's output per packet, and no calls sink was chosen",
                    "add --sink calls, or drop -o (json and flow already group events by packet_id)");
        }
        if (returns && !showsReturns) {
            throw new ConfigException("-r shows return values, which none of the chosen sinks (" + String.join(", ", chosen)
                    + ") shows", "add --sink calls (or json, console, flow), or drop -r");
        }
        return out;
    }
}
