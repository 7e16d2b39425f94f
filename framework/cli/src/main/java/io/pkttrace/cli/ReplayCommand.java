package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.EventSource;
import io.pkttrace.api.Options;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.Named;
import io.pkttrace.core.engine.Pipeline;
import io.pkttrace.core.engine.PipelineBuilder;
import io.pkttrace.core.engine.RunResult;
import io.pkttrace.core.engine.SpecBuilder;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.core.plugins.PluginRegistry;
import io.pkttrace.jsonl.JsonLines;
import io.pkttrace.jsonl.JsonlEventReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pkttrace replay FILE.jsonl [-a ...] [--filter ...] [--enrich ...] [--sink ...]}: runs the
 * same pipeline as {@code trace} over a recording made with {@code --sink json}, so a trace taken on
 * one host can be filtered and organized on another. No kernel access, no root needed.
 *
 * <p>Filters (also the plugins' short forms such as {@code -a}), enrichers and sinks are chosen and
 * created exactly as for {@code trace} and run by the same {@link Pipeline}: sinks flush after every
 * batch of {@value RecordingSource#BATCH} events, finish once at the end. A sink that declares the
 * option {@value JsonLines#CLOCK_OFFSET_OPTION} (the json sink) receives the recording's own
 * monotonic-to-wall-clock offset unless the user gave one, so a replayed file keeps its original times.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run filters and sinks over a JSON Lines recording made with --sink json (no kernel access, no root needed).")
final class ReplayCommand implements Callable<Integer> {
    static final int BATCH = RecordingSource.BATCH;

    @ParentCommand
    PkttraceCommand root;

    final ShortFormOptions shortForms = new ShortFormOptions();

    @Parameters(paramLabel = "FILE", description = "recording written by --sink json (- for standard input)")
    String file;

    @Option(names = "--filter", paramLabel = "TYPE[:k=v,...]", description = "filter (repeatable)")
    List<String> filters = new ArrayList<>();

    @Option(names = "--enrich", paramLabel = "TYPE[:k=v,...]", description = "enricher (repeatable)")
    List<String> enrichers = new ArrayList<>();

    @Option(names = "--sink", paramLabel = "TYPE[:k=v,...]", description = "output sink (repeatable; default: the plugins' default sink), e.g. flow")
    List<String> sinks = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PluginRegistry registry = root.registry();
        SpecBuilder b = new SpecBuilder(registry, "replay", null)
                .choose("filter", filters).choose("enricher", enrichers).choose("sink", sinks);
        shortForms.applyTo(b);
        TraceSpec chosen = Missing.explained(() -> b.build(EngineSettings.defaults().withoutTicks(), false), registry);
        for (TraceSpec.Component c : chosen.sinks()) {
            PluginRegistry.find(registry.sinks(), "sink", c.type()); // an unknown sink fails before the file is read
        }
        String shown = file.equals("-") ? "standard input" : file;
        try (JsonlEventReader reader = JsonlEventReader.open(file)) {
            RecordingSource source = new RecordingSource(reader);
            TraceSpec spec = withRecordingClock(chosen, registry, reader.clockOffsetNs());
            Pipeline pipeline = new PipelineBuilder(registry, line -> System.err.println("pkttrace: " + line))
                    .recorded(spec, new Named<EventSource>("source " + shown, source));
            RunResult result = pipeline.run(p -> p.awaitDone(Long.MAX_VALUE, TimeUnit.DAYS), () -> { },
                    r -> RunReport.print(System.err, r, false));
            if (reader.truncatedTail() != null && reader.events() == 0) {
                throw new PkttraceException(shown + " holds no complete event: its line " + reader.lineNumber() + " is cut off",
                        "give a recording written by --sink json");
            }
            if (reader.truncatedTail() != null) {
                System.err.println("pkttrace: warning: " + reader.truncatedTail());
            }
            if (source.failure() != null) {
                throw source.failure(); // a malformed line: the sinks showed what came before it
            }
            if (result.stats().delivered() == 0) {
                System.err.println("pkttrace: " + shown + " holds no events");
            }
            return RunReport.exitStatus(result, root);
        }
    }

    /** Gives the recording's clock offset to sinks that declare the option, and refuses to overwrite the recording. */
    private TraceSpec withRecordingClock(TraceSpec spec, PluginRegistry registry, OptionalLong offset) throws Exception {
        List<TraceSpec.Component> sinks = new ArrayList<>();
        for (TraceSpec.Component c : spec.sinks()) {
            SinkFactory<?> f = PluginRegistry.find(registry.sinks(), "sink", c.type());
            Options o = c.options();
            if (f.options().find(JsonLines.CLOCK_OFFSET_OPTION) != null && !o.has(JsonLines.CLOCK_OFFSET_OPTION)
                    && offset.isPresent()) {
                o = o.with(JsonLines.CLOCK_OFFSET_OPTION, Long.toString(offset.getAsLong()));
            }
            refuseOverwritingInput(o);
            sinks.add(new TraceSpec.Component(c.type(), o));
        }
        return new TraceSpec(spec.probes(), spec.filters(), spec.enrichers(), sinks, spec.settings());
    }

    /** {@code replay f.jsonl --sink json:output=f.jsonl} would truncate the recording before reading it. */
    private void refuseOverwritingInput(Options o) throws ConfigException {
        if (file.equals("-") || !o.has("output") || o.all("output").size() != 1) {
            return;
        }
        try {
            Path out = Path.of(o.all("output").get(0));
            if (Files.exists(out) && Files.isSameFile(out, Path.of(file))) {
                throw new ConfigException(o.component() + ": output " + out + " is the file being replayed", "write to another file");
            }
        } catch (IOException | java.nio.file.InvalidPathException e) {
            // the sink's own validation reports a bad path
        }
    }
}
