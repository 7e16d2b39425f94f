package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.core.plugins.PluginRegistry;
import io.pkttrace.core.replay.JsonlEventReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pkttrace replay FILE.jsonl [--sink ...]}: runs sinks over a recording made with
 * {@code --sink json}, so a trace taken on one host can be organized on another. No kernel access,
 * no root needed.
 *
 * <p>Sinks are created through the plugin registry exactly as for {@code trace}, and called as the
 * engine calls them: start, accept each event, flush after each batch of {@value #BATCH} events,
 * finish, close in reverse order. A sink that declares the option {@value #CLOCK_OFFSET} (the json
 * sink) receives the recording's own monotonic-to-wall-clock offset unless the user gave one, so a
 * replayed JSON file keeps its original times.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run sinks over a JSON Lines recording made with --sink json (no kernel access, no root needed).")
final class ReplayCommand implements Callable<Integer> {
    static final int BATCH = 256;
    static final String CLOCK_OFFSET = "clock-offset-ns";

    @ParentCommand
    PkttraceCommand root;

    @Parameters(paramLabel = "FILE", description = "recording written by --sink json (- for standard input)")
    String file;

    @Option(names = "--sink", paramLabel = "TYPE[:k=v,...]", description = "output sink (repeatable, default console), e.g. flow")
    List<String> sinks = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<TraceSpec.Component> specs = ComponentSpecs.parseAll("sink", sinks.isEmpty() ? List.of("console") : sinks);
        PluginRegistry registry = root.services().plugins();
        List<SinkFactory<?>> factories = new ArrayList<>();
        for (TraceSpec.Component c : specs) {
            factories.add(PluginRegistry.find(registry.sinks(), "sink", c.type()));
        }
        try (JsonlEventReader reader = JsonlEventReader.open(file)) {
            PacketEvent event = new PacketEvent();
            boolean any = reader.next(event); // the first event gives the recording's clock offset
            List<Sink> created = create(factories, specs, reader);
            long n = run(created, reader, event, any);
            if (reader.truncatedTail() != null) {
                System.err.println("pkttrace: warning: " + reader.truncatedTail());
            }
            if (n == 0) {
                System.err.println("pkttrace: " + (file.equals("-") ? "standard input" : file) + " holds no events");
            }
        }
        return 0;
    }

    /** Configures every sink before creating any, so a bad option fails before output files are touched. */
    @SuppressWarnings("unchecked")
    private List<Sink> create(List<SinkFactory<?>> factories, List<TraceSpec.Component> specs, JsonlEventReader reader)
            throws PkttraceException {
        List<Object> configs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            SinkFactory<?> f = factories.get(i);
            Options o = specs.get(i).options();
            if (f.optionHelp().containsKey(CLOCK_OFFSET) && !o.has(CLOCK_OFFSET) && reader.clockOffsetNs().isPresent()) {
                o = with(o, CLOCK_OFFSET, Long.toString(reader.clockOffsetNs().getAsLong()));
            }
            refuseOverwritingInput(o);
            configs.add(f.configure(o));
        }
        List<Sink> out = new ArrayList<>();
        for (int i = 0; i < factories.size(); i++) {
            out.add(((SinkFactory<Object>) factories.get(i)).create(configs.get(i)));
        }
        return out;
    }

    private static Options with(Options o, String key, String value) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String k : o.keys()) {
            m.put(k, o.all(k));
        }
        m.put(key, List.of(value));
        return new Options(o.component(), m);
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

    private static long run(List<Sink> sinks, JsonlEventReader reader, PacketEvent event, boolean any)
            throws PkttraceException {
        long n = 0;
        try {
            for (Sink s : sinks) {
                s.start();
            }
            PkttraceException failure = null;
            try {
                for (boolean more = any; more; more = reader.next(event)) {
                    for (Sink s : sinks) {
                        s.accept(event);
                    }
                    if (++n % BATCH == 0) {
                        for (Sink s : sinks) {
                            s.flush();
                        }
                    }
                }
            } catch (PkttraceException e) {
                failure = e; // a malformed line: still show what came before it
            }
            for (Sink s : sinks) {
                s.flush();
            }
            RunStats stats = new RunStats(0, n, 0, 0, 0, n);
            for (Sink s : sinks) {
                s.finish(stats);
            }
            if (failure != null) {
                throw failure;
            }
            return n;
        } finally {
            for (int i = sinks.size() - 1; i >= 0; i--) {
                sinks.get(i).close(); // also those whose start failed, as Component.close promises
            }
        }
    }
}
