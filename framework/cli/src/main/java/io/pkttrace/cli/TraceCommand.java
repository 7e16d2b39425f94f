package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
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
        TraceSpec spec = new TraceSpec(
                ComponentSpecs.parseAll("probe", probes.isEmpty() ? List.of("netpath") : probes),
                ComponentSpecs.parseAll("filter", filters), enrich,
                ComponentSpecs.parseAll("sink", sinks.isEmpty() ? List.of("console") : sinks), settings);
        Engine engine = new EngineBuilder(root.services().plugins(), line -> System.err.println("pkttrace: " + line))
                .build(spec, List.of(), s -> s);
        Thread hook = new Thread(() -> RunReport.print(System.err, engine.stop(), stats), "pkttrace-shutdown");
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
            return 0; // shutting down: the hook prints the report
        }
        RunReport.print(System.err, s, stats);
        if (engine.failure().isPresent()) {
            throw new IllegalStateException("event processing failed", engine.failure().get());
        }
        return 0;
    }
}
