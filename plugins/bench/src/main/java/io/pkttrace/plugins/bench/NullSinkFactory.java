package io.pkttrace.plugins.bench;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import org.pf4j.Extension;

/** {@code --sink null[:report=false]}: reads every field of every event, writes nothing (benchmarks). */
@Extension
public final class NullSinkFactory implements SinkFactory<Boolean> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Boolean> REPORT = OPTIONS.add(Option.flag("report", true,
            "print the number of events read on stderr at the end"));

    @Override
    public String type() {
        return "null";
    }

    @Override
    public String description() {
        return "benchmark sink: reads every field of every event and discards it";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public Boolean configure(Options options) throws ConfigException {
        return options.get(REPORT);
    }

    @Override
    public Sink create(Boolean report) {
        return new NullSink(report, System.err);
    }
}
