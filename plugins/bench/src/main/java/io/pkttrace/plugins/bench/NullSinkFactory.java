package io.pkttrace.plugins.bench;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** {@code --sink null[:report=false]}: reads every field of every event, writes nothing (benchmarks). */
@Extension
public final class NullSinkFactory implements SinkFactory<Boolean> {
    @Override
    public String type() {
        return "null";
    }

    @Override
    public String description() {
        return "benchmark sink: reads every field of every event and discards it";
    }

    @Override
    public Map<String, String> optionHelp() {
        return Map.of("report", "true (default) to print the number of events read on stderr at the end");
    }

    @Override
    public Boolean configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("report"));
        return options.flag("report", true);
    }

    @Override
    public Sink create(Boolean report) {
        return new NullSink(report, System.err);
    }
}
