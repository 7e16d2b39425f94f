package io.pkttrace.plugins.sinks.html;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.plugins.sinks.OutputTarget;
import io.pkttrace.plugins.sinks.flow.FlowConfig;
import io.pkttrace.plugins.sinks.flow.PacketGrouper;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;

/**
 * Draws the trace as one HTML page, written when the run ends ({@link #finish}: also on Ctrl-C and
 * SIGTERM, where the engine finishes sinks from its shutdown hook). Events are grouped into packets
 * and replies paired with requests by the flow sink's {@link PacketGrouper}; the output file is
 * opened (created or truncated) at start, so an unwritable one fails before tracing begins.
 *
 * <p>Memory is bounded: the grouper follows at most {@link FlowConfig#DEFAULT_MAX_PACKETS} packets at
 * once, and at most max-packets finished packets (plus the first reply of each) are kept for the
 * page; the others are counted and the page says how many were not drawn.
 */
public final class HtmlSink implements Sink {
    private final HtmlConfig config;
    private final PacketGrouper grouper;
    private final PacketSelection selection;
    private Writer out;
    private long events;
    private boolean written;

    /** A sink writing to the configured output, opened by {@link #start()}. */
    public HtmlSink(HtmlConfig config) {
        this.config = config;
        this.selection = new PacketSelection(config.maxPackets());
        this.grouper = new PacketGrouper(FlowConfig.DEFAULT_IDLE_MS * 1_000_000L, FlowConfig.DEFAULT_MAX_PACKETS,
                config.maxHops(), selection::offer);
    }

    @Override
    public void start() throws PkttraceException {
        out = config.output().openWriter();
    }

    @Override
    public void accept(PacketEvent e) {
        events++;
        grouper.accept(e);
    }

    @Override
    public void flush() {
        grouper.expireIdle();
    }

    @Override
    public void tick(long monotonicNowNs) {
        grouper.tick(monotonicNowNs);
    }

    @Override
    public void finish(RunStats stats) {
        if (out == null || written) {
            return;
        }
        written = true;
        grouper.finishAll();
        PageModel model = PageModel.of(selection, events, grouper.paired(), grouper.evicted());
        try {
            out.write(PageWriter.render(model, stats, Instant.now()));
            out.flush();
        } catch (IOException ex) {
            throw config.output().writeFailed(ex);
        }
    }

    @Override
    public void close() {
        OutputTarget.closeQuietly(out);
        out = null;
    }
}
