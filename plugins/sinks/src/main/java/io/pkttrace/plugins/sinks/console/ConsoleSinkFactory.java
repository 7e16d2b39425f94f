package io.pkttrace.plugins.sinks.console;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.DefaultUse;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.io.PrintStream;
import org.pf4j.Extension;

/** {@code --sink console[:timestamps=true]}: tracepkt's columns on standard output; the default sink. */
@Extension
public final class ConsoleSinkFactory implements SinkFactory<ConsoleConfig> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Boolean> TIMESTAMPS = OPTIONS.add(Option.flag("timestamps", false,
            "add a first column with milliseconds since the first event"));

    @Override
    public String type() {
        return "console";
    }

    @Override
    public String description() {
        return "one row per event: NETWORK NS, INTERFACE, HOOK, TYPE, ADDRESSES, INFO";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public DefaultUse defaultUse() {
        return DefaultUse.whenNoneChosen("trace", "ping", "replay");
    }

    @Override
    public ConsoleConfig configure(Options options) throws ConfigException {
        return new ConsoleConfig(options.get(TIMESTAMPS));
    }

    @Override
    public Sink create(ConsoleConfig config) {
        return new ConsoleSink(config, new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false));
    }
}
