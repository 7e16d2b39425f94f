package io.pkttrace.cli;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.ConfigException;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.Pipeline;
import io.pkttrace.core.engine.PipelineBuilder;
import io.pkttrace.core.engine.RunResult;
import io.pkttrace.core.engine.SpecBuilder;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.core.plugins.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pkttrace trace}: any probes, filters, enrichers and sinks, until Ctrl-C, a duration or a
 * count. The same class is every command a plugin contributes ({@link CommandPreset}): a trace with
 * the preset's probes. Short forms such as {@code -a} come from the installed plugins ({@link Main}).
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Trace with the chosen probes and sinks until Ctrl-C, --duration or --count.")
final class TraceCommand implements Callable<Integer> {
    static final double MIN_DURATION = 0.001;
    static final double MAX_DURATION = 365 * 24 * 3600.0;

    @ParentCommand
    PkttraceCommand root;

    /** The command preset this is, or null for trace itself. */
    final CommandPreset preset;
    final ShortFormOptions shortForms = new ShortFormOptions();

    @Option(names = "--probe", paramLabel = "TYPE[:k=v,...]", description = "probe (repeatable; default: the plugins' default probe)")
    List<String> probes = new ArrayList<>();

    @Option(names = "--filter", paramLabel = "TYPE[:k=v,...]", description = "filter (repeatable)")
    List<String> filters = new ArrayList<>();

    @Option(names = "--enrich", paramLabel = "TYPE[:k=v,...]", description = "extra enricher (repeatable); those the plugins declare always-on run too")
    List<String> enrichers = new ArrayList<>();

    @Option(names = "--sink", paramLabel = "TYPE[:k=v,...]", description = "output sink (repeatable; default: the plugins' default sink)")
    List<String> sinks = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double duration;

    @Option(names = "--count", paramLabel = "N", description = "stop after N events were shown")
    Long count;

    @Option(names = "--ring-size", paramLabel = "BYTES", defaultValue = "4194304",
            description = "ring buffer size per probe, a power of two (default ${DEFAULT-VALUE})")
    int ringSize;

    @Option(names = "--stats", description = "print the run's counters at the end (also printed whenever events were lost or left unread)")
    boolean stats;

    TraceCommand() {
        this(null);
    }

    TraceCommand(CommandPreset preset) {
        this.preset = preset;
    }

    /** The command's name: trace, or the preset's. */
    String name() {
        return preset == null ? "trace" : preset.name();
    }

    EngineSettings settings() throws ConfigException {
        if (ringSize < 4096 || ringSize > EngineSettings.MAX_RING_BYTES || Integer.bitCount(ringSize) != 1) {
            throw new ConfigException("--ring-size must be a power of two from 4096 to " + EngineSettings.MAX_RING_BYTES
                    + " (512 MiB): " + ringSize, "e.g. 4194304");
        }
        // NaN fails both comparisons; Infinity and 1e300 would overflow the milliseconds to wait.
        if (duration != null && !(duration >= MIN_DURATION && duration <= MAX_DURATION)) {
            throw new ConfigException("--duration must be between " + MIN_DURATION + " and " + (long) MAX_DURATION
                    + " seconds (a year): " + duration, "e.g. --duration 10");
        }
        if (count != null && count <= 0) {
            throw new ConfigException("--count must be positive", null);
        }
        return EngineSettings.defaults().withRingBytes(ringSize).withMaxEvents(count == null ? 0 : count);
    }

    /** What the command runs: the user's choices, the short forms they used, the preset and the plugins' defaults. */
    TraceSpec spec(PluginRegistry registry, EngineSettings settings, boolean requireProbe) throws ConfigException {
        SpecBuilder b = new SpecBuilder(registry, name(), preset)
                .choose("probe", probes).choose("filter", filters).choose("enricher", enrichers).choose("sink", sinks);
        shortForms.applyTo(b);
        return Missing.explained(() -> b.build(settings, requireProbe), registry);
    }

    @Override
    public Integer call() throws Exception {
        EngineSettings settings = settings();
        PluginRegistry registry = root.registry();
        TraceSpec spec = spec(registry, settings, true);
        Pipeline pipeline = new PipelineBuilder(registry, line -> System.err.println("pkttrace: " + line)).live(spec, List.of(), null);
        long waitMs = duration == null ? Long.MAX_VALUE : (long) (duration * 1000);
        AtomicReference<StatusLine> status = new AtomicReference<>();
        Runnable endStatus = () -> {
            StatusLine s = status.getAndSet(null);
            if (s != null) {
                s.close(); // erased before the pipeline stops and before the final report
            }
        };
        RunResult result = pipeline.run(p -> {
            System.err.println("pkttrace: tracing" + (duration != null ? " for " + duration + " s" : "")
                    + (count != null ? " until " + count + " events" : "") + "; Ctrl-C to stop");
            status.set(StatusLine.startIfTerminal(p::liveStats));
            try {
                p.awaitDone(waitMs, TimeUnit.MILLISECONDS);
            } finally {
                endStatus.run();
            }
        }, endStatus, r -> RunReport.print(System.err, r, stats));
        return RunReport.exitStatus(result, root);
    }
}
