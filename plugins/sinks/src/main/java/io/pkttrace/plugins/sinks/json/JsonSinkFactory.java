package io.pkttrace.plugins.sinks.json;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code --sink json[:output=FILE,summary=true]}: one JSON object per event (JSON Lines), schema
 * version 1, documented in docs/json-schema.md.
 */
@Extension
public final class JsonSinkFactory implements SinkFactory<JsonConfig> {
    /** The option {@code pkttrace replay} fills in from the recording when the user did not. */
    public static final String CLOCK_OFFSET = "clock-offset-ns";

    @Override
    public String type() {
        return "json";
    }

    @Override
    public String description() {
        return "JSON Lines: one object per event (schema v1, docs/json-schema.md), flushed per batch";
    }

    @Override
    public Map<String, String> optionHelp() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("output", "FILE to write (created or truncated), or - for standard output (default)");
        m.put("summary", "true to end with one {\"type\":\"summary\"} object holding the run's counters (default false)");
        m.put(CLOCK_OFFSET, "nanoseconds from kernel monotonic time to Unix time for the \"time\" field"
                + " (default: measured at start; replay uses the recording's)");
        return m;
    }

    @Override
    public JsonConfig configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("output", "summary", CLOCK_OFFSET));
        OutputTarget out = OutputTarget.parse("sink json", options.string("output", null));
        Long offset = options.has(CLOCK_OFFSET) ? options.number(CLOCK_OFFSET, 0, Long.MIN_VALUE, Long.MAX_VALUE) : null;
        return new JsonConfig(out, options.flag("summary", false), offset);
    }

    @Override
    public Sink create(JsonConfig config) {
        return new JsonSink(config);
    }
}
