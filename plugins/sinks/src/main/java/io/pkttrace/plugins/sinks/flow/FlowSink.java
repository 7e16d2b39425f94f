package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.plugins.sinks.TextBuffer;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.IOException;
import java.io.Writer;

/**
 * Prints each packet's path as soon as the packet is finished (see {@link FlowTracker} for when that
 * is), and at the end whatever is still in flight plus a summary line with the number of packets,
 * paired replies and evictions.
 *
 * <p>Sinks are called from the engine's single consumer thread only, so there is no timer: idle
 * packets are checked on every event, at every {@link #flush()} (a look at the oldest packet), and
 * at the live engine's idle {@link #tick(long)}, which advances the clock while no events arrive.
 */
public final class FlowSink implements Sink {
    private final FlowConfig config;
    private final FlowTracker tracker;
    private final TextBuffer text = new TextBuffer(1024);
    private final PathPrinter printer = new PathPrinter();
    private Writer out;
    private boolean failed;

    /** A sink writing to the configured output, opened by {@link #start()}. */
    public FlowSink(FlowConfig config) {
        this(config, null);
    }

    /** A sink writing to {@code out} instead of the configured output (tests, embedding). */
    public FlowSink(FlowConfig config, Writer out) {
        this.config = config;
        this.out = out;
        this.tracker = new FlowTracker(config.idleMs() * 1_000_000L, config.maxPackets(), config.maxHops(),
                p -> printer.print(p, text));
    }

    @Override
    public void start() throws PkttraceException {
        if (out == null) {
            out = config.output().openWriter();
        }
    }

    @Override
    public void accept(PacketEvent e) {
        if (failed) {
            return;
        }
        tracker.accept(e);
        write(false);
    }

    @Override
    public void flush() {
        if (failed) {
            return;
        }
        tracker.expireIdle();
        write(true);
    }

    @Override
    public void tick(long monotonicNowNs) {
        if (failed) {
            return;
        }
        tracker.advanceClock(monotonicNowNs);
        tracker.expireIdle();
        write(true);
    }

    @Override
    public void finish(RunStats stats) {
        if (failed || out == null) {
            return;
        }
        tracker.finishAll();
        text.append("flow: ").append(tracker.packets()).append(tracker.packets() == 1 ? " packet, " : " packets, ")
                .append(tracker.paired()).append(tracker.paired() == 1 ? " reply" : " replies")
                .append(" paired with a request, ").append(tracker.evicted()).append(" evicted\n");
        if (tracker.evicted() > 0) {
            text.append("flow: WARNING: ").append(tracker.evicted()).append(" packets were evicted before they ended (max-packets=")
                    .append(config.maxPackets()).append("): their paths are incomplete; raise max-packets or lower idle-ms\n");
        }
        write(true);
    }

    private void write(boolean flush) {
        try {
            if (text.length() > 0) {
                text.writeTo(out);
            }
            if (flush) {
                out.flush();
            }
        } catch (IOException ex) {
            failed = true;
            throw config.output().writeFailed(ex);
        }
    }

    @Override
    public void close() {
        OutputTarget.closeQuietly(out);
        out = null;
    }

    /** Packets evicted so far (for tests and reports). */
    public long evicted() {
        return tracker.evicted();
    }
}
