package io.pkttrace.plugins.sinks.json;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.ShortForm;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.jsonl.JsonLines;
import io.pkttrace.plugins.sinks.OutputTarget;
import org.pf4j.Extension;

/**
 * {@code --sink json[:output=FILE,summary=true]}: one JSON object per event (JSON Lines), schema
 * version {@value JsonLines#VERSION}, documented in docs/json-schema.md. {@code --output FILE} is its
 * short form.
 */
@Extension
public final class JsonSinkFactory implements SinkFactory<JsonConfig> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> CLOCK_OFFSET = OPTIONS.add(Option.number(JsonLines.CLOCK_OFFSET_OPTION, Long.MIN_VALUE,
            Long.MAX_VALUE, null, "nanoseconds from kernel monotonic time to Unix time for the \"time\" field;"
                    + " measured at start unless given (replay gives the recording's)"));
    static final Option<String> OUTPUT = OPTIONS.add(OutputTarget.OPTION.shortForm(ShortForm.value("--output", "FILE",
            "file for the json sink: same as --sink json:output=FILE (fills in every json sink that names no file)")));
    static final Option<Boolean> SUMMARY = OPTIONS.add(Option.flag("summary", false,
            "end with one {\"type\":\"summary\"} object holding the run's counters"));

    @Override
    public String type() {
        return "json";
    }

    @Override
    public String description() {
        return "JSON Lines: one object per event (schema v" + JsonLines.VERSION + ", docs/json-schema.md), flushed per batch";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public JsonConfig configure(Options options) throws ConfigException {
        return new JsonConfig(OutputTarget.parse("sink json", options.get(OUTPUT)), options.get(SUMMARY),
                options.get(CLOCK_OFFSET));
    }

    @Override
    public Sink create(JsonConfig config) {
        return new JsonSink(config);
    }
}
