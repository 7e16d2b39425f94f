package com.example.pkttrace;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.util.HashMap;
import java.util.Map;
import org.pf4j.Extension;

/** {@code --sink count[:top=N]}: counts events per interface and prints the busiest at the end. */
@Extension
public final class CountSinkFactory implements SinkFactory<CountSinkFactory.Config> {
    /** Typed, validated config. */
    public record Config(int top) {
    }

    // Each option is declared once: key, range, default, help. pkttrace checks the user's options
    // against it (unknown keys, bad values: one clear line) and shows it in `pkttrace plugins`.
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> TOP = OPTIONS.add(Option.number("top", 1, 1000, 10L, "how many interfaces to print"));

    @Override
    public String type() {
        return "count";
    }

    @Override
    public String description() {
        return "counts events per interface and prints the busiest at the end";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public Config configure(Options options) throws ConfigException {
        return new Config(options.get(TOP).intValue());  // checked against the declaration already
    }

    @Override
    public Sink create(Config config) {
        Map<String, Long> counts = new HashMap<>();
        return new Sink() {
            @Override
            public void accept(PacketEvent e) {   // consumer thread; e is reused afterwards
                counts.merge(e.netnsInode() + "/" + (e.ifname() == null ? "-" : e.ifname()), 1L, Long::sum);
            }

            @Override
            public void finish(RunStats stats) {
                counts.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .limit(config.top())
                        .forEach(c -> System.out.printf("%-28s %d%n", c.getKey(), c.getValue()));
            }
        };
    }
}
