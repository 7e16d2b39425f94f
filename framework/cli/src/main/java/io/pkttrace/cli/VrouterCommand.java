package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/**
 * {@code pkttrace vrouter -f FILE [-r] [-o] [-a key=value ...]}: pkt_tracer's command line, mapped
 * onto {@code pkttrace trace} and nothing else: the vrouter probe with the symbol file and target,
 * and the calls sink ({@code -o}: organized per packet, {@code -r}: return values); every other
 * option, {@code -a} (the fivetuple filter) included, is trace's. All behaviour lives in the plugins;
 * this only translates options (a plugin-contributed command preset can replace it).
 */
@Command(name = "vrouter", mixinStandardHelpOptions = true,
        description = {"Trace vrouter datapath functions like pkt_tracer: -f FILE [-r] [-o] [-a key=value ...].",
                "-a: five-tuple filter evaluated in BPF (src= dest= protocol= sport= dport=, also either= port= reply=),"
                        + " on the inner (the workload's) header of tunnelled packets unless --match outer.",
                "The same as trace --probe vrouter:functions=FILE,... --sink calls; every option of pkttrace trace "
                        + "(-a, --sink, --output, --duration, --count, --stats, --ring-size, ...) works here too."})
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

    @Option(names = "--binary", paramLabel = "PATH", description = "trace a user-space (DPDK) vrouter program: every process running it")
    Path binary;

    @Option(names = "--pid", paramLabel = "PID", description = "trace one running DPDK vrouter process")
    Integer pid;

    @Option(names = "--btf", paramLabel = "FILE", description = "the vrouter's BTF (default: /sys/kernel/btf/vrouter, or the program's debug information)")
    Path btf;

    @Option(names = "--match", paramLabel = "inner|outer", description = "which header of tunnelled packets -a matches (default inner)")
    String match;

    /** Everything else is an option of pkttrace trace. */
    @Unmatched
    List<String> traceOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        TraceCommand trace = new TraceCommand();
        try {
            new CommandLine(trace).parseArgs(traceOptions.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new ConfigException(e.getMessage(), "see pkttrace vrouter --help and pkttrace trace --help");
        }
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
        List<String> sinks = sinkSpecs(trace.sinks, trace.output);
        trace.sinks.clear();
        trace.sinks.addAll(sinks);
        return trace.call();
    }

    /** The sinks: the calls sink by default; -o and -r set its options, and need a sink that shows them. */
    List<String> sinkSpecs(List<String> given, String output) throws ConfigException {
        String options = (organize ? ",organize=true" : "") + (returns ? ",returns=true" : "");
        List<String> chosen = !given.isEmpty() ? given : List.of(output != null ? "json" : CALLS);
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
