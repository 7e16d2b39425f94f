package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.plugins.sinks.TextBuffer;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.IOException;
import java.io.OutputStream;
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
    /** Chars of text that go to the stream before the batch ends (about 32 KiB of output). */
    private static final int STREAM_CHUNK = 1 << 15;
    private final FlowConfig config;
    private final FlowTracker tracker;
    private final TextBuffer text = new TextBuffer(1024);
    private final PathPrinter printer = new PathPrinter();
    /** Where the text goes: a writer given (tests, embedding), or a stream that gets it as UTF-8 bytes. */
    private Writer out;
    private OutputStream stream;
    private boolean failed;

    /** A sink writing to the configured output, opened by {@link #start()}. */
    public FlowSink(FlowConfig config) {
        this(config, (OutputStream) null);
    }

    /** A sink writing to {@code out} instead of the configured output (tests, embedding). */
    public FlowSink(FlowConfig config, Writer out) {
        this(config, out, null);
    }

    /** A sink writing UTF-8 to {@code stream} (null: the configured output) as it does to a file (benchmarks). */
    public FlowSink(FlowConfig config, OutputStream stream) {
        this(config, null, stream);
    }

    private FlowSink(FlowConfig config, Writer out, OutputStream stream) {
        this.config = config;
        this.out = out;
        this.stream = stream;
        this.tracker = new FlowTracker(config.idleMs() * 1_000_000L, config.maxPackets(), config.maxHops(), false,
                p -> printer.print(p, text));
    }

    @Override
    public void start() throws PkttraceException {
        if (out == null && stream == null) {
            stream = config.output().open(); // the text is encoded by TextBuffer, into one reused array
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
        if (failed || (out == null && stream == null)) {
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

    /**
     * Hands the text on: to a given writer at once (it buffers), to the stream as UTF-8 at the end of
     * a batch ({@code flush}) or when a chunk has piled up, so a file gets one write per batch.
     */
    private void write(boolean flush) {
        try {
            if (out != null) {
                if (text.length() > 0) {
                    text.writeTo(out);
                }
                if (flush) {
                    out.flush();
                }
            } else if (flush || text.length() >= STREAM_CHUNK) {
                if (text.length() > 0) {
                    text.writeTo(stream);
                }
                if (flush) {
                    stream.flush();
                }
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
        if (stream != null) {
            try {
                stream.close(); // a file is closed, standard output only flushed
            } catch (IOException ex) {
                // reported by the writes before, or nothing was left
            }
            stream = null;
        }
    }

    /** Packets evicted so far (for tests and reports). */
    public long evicted() {
        return tracker.evicted();
    }
}
