package io.pkttrace.plugins.sinks.console;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** {@code --sink console[:timestamps=true]}: tracepkt's columns on standard output. */
@Extension
public final class ConsoleSinkFactory implements SinkFactory<ConsoleConfig> {
    @Override
    public String type() {
        return "console";
    }

    @Override
    public String description() {
        return "one row per event: NETWORK NS, INTERFACE, HOOK, TYPE, ADDRESSES, INFO";
    }

    @Override
    public Map<String, String> optionHelp() {
        return Map.of("timestamps", "true to add a first column with milliseconds since the first event");
    }

    @Override
    public ConsoleConfig configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("timestamps"));
        return new ConsoleConfig(options.flag("timestamps", false));
    }

    @Override
    public Sink create(ConsoleConfig config) {
        return new ConsoleSink(config, new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false));
    }
}
