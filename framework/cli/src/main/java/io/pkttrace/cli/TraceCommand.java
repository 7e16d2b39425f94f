package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.RunStats;
import io.pkttrace.core.engine.Engine;
import io.pkttrace.core.engine.EngineBuilder;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.core.enrich.NetnsNameEnricherFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code pkttrace trace}: any probes, filters, enrichers and sinks, until Ctrl-C, a duration or a count. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Trace with the chosen probes and sinks until Ctrl-C, --duration or --count.")
final class TraceCommand implements Callable<Integer> {
    @ParentCommand
    PkttraceCommand root;

    @Option(names = "--probe", paramLabel = "TYPE[:k=v,...]", description = "probe (repeatable, default netpath)")
    List<String> probes = new ArrayList<>();

    @Option(names = "--filter", paramLabel = "TYPE[:k=v,...]", description = "filter (repeatable)")
    List<String> filters = new ArrayList<>();

    @Option(names = "-a", arity = "1..*", paramLabel = "KEY=VALUE",
            description = "five-tuple filter, pkt_tracer style: src= dest= protocol= sport= dport= either= port= reply=; "
                    + "keys are ANDed, a repeated key is ORed; may appear anywhere on the line")
    List<String> tuple = new ArrayList<>();

    @Option(names = "--src", paramLabel = "ADDR[/LEN]", description = "same as -a src=ADDR (repeatable)")
    List<String> src = new ArrayList<>();

    @Option(names = "--dst", paramLabel = "ADDR[/LEN]", description = "same as -a dest=ADDR (repeatable)")
    List<String> dst = new ArrayList<>();

    @Option(names = "--proto", paramLabel = "PROTO", description = "same as -a protocol=PROTO (repeatable)")
    List<String> proto = new ArrayList<>();

    @Option(names = "--sport", paramLabel = "PORT[-PORT]", description = "same as -a sport=PORT (repeatable)")
    List<String> sport = new ArrayList<>();

    @Option(names = "--dport", paramLabel = "PORT[-PORT]", description = "same as -a dport=PORT (repeatable)")
    List<String> dport = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE",
            description = "file for the sinks that write one (json): same as --sink json:output=FILE")
    String output;

    @Option(names = "--enrich", paramLabel = "TYPE[:k=v,...]", description = "extra enricher (repeatable); netns-names is always on")
    List<String> enrichers = new ArrayList<>();

    @Option(names = "--sink", paramLabel = "TYPE[:k=v,...]", description = "output sink (repeatable, default console)")
    List<String> sinks = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double duration;

    @Option(names = "--count", paramLabel = "N", description = "stop after N events were shown")
    Long count;

    @Option(names = "--ring-size", paramLabel = "BYTES", defaultValue = "4194304",
            description = "ring buffer size per probe, a power of two (default ${DEFAULT-VALUE})")
    int ringSize;

    @Option(names = "--stats", description = "print the run's counters at the end (also printed whenever events were lost)")
    boolean stats;

    /** -a items plus the long options, as key=value items of the fivetuple filter. */
    List<String> tupleItems() throws ConfigException {
        List<String> items = new ArrayList<>();
        for (String t : tuple) {
            if (!t.contains("=")) {
                throw new ConfigException("-a takes key=value items, not '" + t + "'",
                        "valid keys: src, dest, protocol, sport, dport, either, port, reply");
            }
            items.add(t);
        }
        src.forEach(v -> items.add("src=" + v));
        dst.forEach(v -> items.add("dest=" + v));
        proto.forEach(v -> items.add("protocol=" + v));
        sport.forEach(v -> items.add("sport=" + v));
        dport.forEach(v -> items.add("dport=" + v));
        return items;
    }

    /** The chosen sinks; --output goes to every json sink that names no file itself. */
    List<TraceSpec.Component> sinkSpecs() throws ConfigException {
        List<String> chosen = sinks.isEmpty() ? (output != null ? List.of("json") : List.of("console")) : sinks;
        List<TraceSpec.Component> out = new ArrayList<>();
        boolean used = output == null;
        for (TraceSpec.Component c : ComponentSpecs.parseAll("sink", chosen)) {
            if (output != null && c.type().equals("json") && !c.options().has("output")) {
                java.util.Map<String, List<String>> values = new java.util.LinkedHashMap<>();
                for (String k : c.options().keys()) {
                    values.put(k, c.options().all(k));
                }
                values.put("output", List.of(output));
                c = new TraceSpec.Component(c.type(), new Options(c.options().component(), values));
                used = true;
            }
            out.add(c);
        }
        if (!used) {
            throw new ConfigException("--output is given but no json sink was chosen", "add --sink json");
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (ringSize < 4096 || Integer.bitCount(ringSize) != 1) {
            throw new ConfigException("--ring-size must be a power of two of at least 4096: " + ringSize, "e.g. 4194304");
        }
        if (duration != null && duration <= 0) {
            throw new ConfigException("--duration must be positive", null);
        }
        if (count != null && count <= 0) {
            throw new ConfigException("--count must be positive", null);
        }
        List<TraceSpec.Component> enrich = new ArrayList<>();
        enrich.add(ComponentSpecs.parse("enricher", NetnsNameEnricherFactory.TYPE));
        enrich.addAll(ComponentSpecs.parseAll("enricher", enrichers));
        EngineSettings settings = EngineSettings.defaults().withRingBytes(ringSize).withMaxEvents(count == null ? 0 : count);
        List<TraceSpec.Component> filterSpecs = ComponentSpecs.parseAll("filter", filters);
        List<String> tupleItems = tupleItems();
        if (!tupleItems.isEmpty()) {
            filterSpecs.add(new TraceSpec.Component("fivetuple", Options.parse("filter fivetuple (-a)", tupleItems)));
        }
        List<TraceSpec.Component> probeSpecs = ComponentSpecs.parseAll("probe", probes.isEmpty() ? List.of("netpath") : probes);
        enrich.addAll(NetfilterDefaults.enrichers(root.services().plugins(), probeSpecs));
        TraceSpec spec = new TraceSpec(probeSpecs, filterSpecs, enrich, sinkSpecs(), settings);
        Engine engine = new EngineBuilder(root.services().plugins(), line -> System.err.println("pkttrace: " + line))
                .build(spec, List.of(), s -> s);
        // Exactly one report: from the shutdown hook on Ctrl-C/SIGTERM, else from here.
        java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            RunStats s = engine.stop();
            if (reported.compareAndSet(false, true)) {
                RunReport.print(System.err, s, stats);
            }
        }, "pkttrace-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        engine.start();
        System.err.println("pkttrace: tracing" + (duration != null ? " for " + duration + " s" : "")
                + (count != null ? " until " + count + " events" : "") + "; Ctrl-C to stop");
        long waitMs = duration == null ? Long.MAX_VALUE : (long) (duration * 1000);
        engine.awaitDone(waitMs, TimeUnit.MILLISECONDS);
        RunStats s = engine.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutting down (Ctrl-C, SIGTERM): the hook reports; the JVM may halt this thread any moment.
            return 0;
        }
        if (reported.compareAndSet(false, true)) {
            RunReport.print(System.err, s, stats);
        }
        if (engine.failure().isPresent()) {
            throw new IllegalStateException("event processing failed", engine.failure().get());
        }
        return 0;
    }
}
