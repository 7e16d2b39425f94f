package io.pkttrace.cli;

import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.jsonl.JsonLines;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * A test sink found on the class path like a plugin's: records what the command did to it. It
 * declares {@code clock-offset-ns} as the json sink does, so replay passes the recording's offset.
 */
@Extension
public final class RecordingSinkFactory implements SinkFactory<Options> {
    /** Every sink created, in order; tests clear it. */
    static final List<Recording> CREATED = new ArrayList<>();

    /** What happened to one sink. */
    static final class Recording implements Sink {
        final Options options;
        final List<String> calls = new ArrayList<>();
        final List<PacketEvent> events = new ArrayList<>();
        RunStats stats;

        Recording(Options options) {
            this.options = options;
        }

        @Override
        public void start() {
            calls.add("start");
        }

        @Override
        public void accept(PacketEvent e) {
            events.add(e.copy());
            calls.add("accept");
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public void finish(RunStats s) {
            stats = s;
            calls.add("finish");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Override
    public String type() {
        return "recording";
    }

    @Override
    public String description() {
        return "test sink";
    }

    private static final OptionSet OPTIONS = new OptionSet();

    static {
        OPTIONS.add(Option.text(JsonLines.CLOCK_OFFSET_OPTION, "N", null, "offset"));
        OPTIONS.add(Option.text("output", "FILE", null, "file"));
        OPTIONS.add(Option.text("tag", "TEXT", null, "any"));
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public Options configure(Options options) {
        return options;
    }

    @Override
    public Sink create(Options config) {
        Recording r = new Recording(config);
        CREATED.add(r);
        return r;
    }
}
