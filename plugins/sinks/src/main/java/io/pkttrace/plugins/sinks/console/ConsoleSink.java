package io.pkttrace.plugins.sinks.console;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.Sink;
import io.pkttrace.plugins.sinks.EventText;
import java.io.PrintStream;

/**
 * Prints one aligned row per event, tracepkt-style (with its IPTABLES column: {@code table.CHAIN
 * :VERDICT} for netfilter verdicts), flushed once per batch.
 */
public final class ConsoleSink implements Sink {
    static final String FORMAT = "%-34s %-10s %-11s %-8s %-40s %-30s %s";
    private final ConsoleConfig config;
    private final PrintStream out;
    private final StringBuilder line = new StringBuilder(160);
    private boolean headerDone;
    private long firstNs = -1;

    public ConsoleSink(ConsoleConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    private void header() {
        String h = String.format(FORMAT, "NETWORK NS", "INTERFACE", "HOOK", "TYPE", "ADDRESSES", "IPTABLES", "INFO").stripTrailing();
        out.println(config.timestamps() ? String.format("%10s  %s", "TIME(ms)", h) : h);
        headerDone = true;
    }

    @Override
    public void accept(PacketEvent e) {
        if (!headerDone) {
            header();
        }
        line.setLength(0);
        if (config.timestamps()) {
            if (firstNs < 0) {
                firstNs = e.timestampNs();
            }
            line.append(String.format("%10.3f  ", (e.timestampNs() - firstNs) / 1e6));
        }
        line.append(String.format(FORMAT, "[" + EventText.netns(e) + "]", e.ifname() == null ? "-" : e.ifname(),
                e.hook() == null ? "-" : e.hook(), EventText.type(e), EventText.addresses(e), EventText.iptables(e), EventText.info(e)).stripTrailing());
        EventText.makePrintable(line, 0);
        out.println(line);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
