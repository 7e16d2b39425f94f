package io.pkttrace.core.engine;

import io.pkttrace.api.EventSource;
import io.pkttrace.api.PacketEvent;
import java.util.function.Consumer;

/**
 * An {@link EventSource} polled on the consumer thread, isolated by a {@link Guard}: each event it
 * hands over is copied into a pooled event. Its produced count is delivered + {@link EventSource#lost()}.
 */
final class UserSource extends GuardedSource {
    private final EventSource source;
    private final Consumer<PacketEvent> out = this::accept;
    private Intake intake;
    private long delivered;
    private long lastTs;
    private long lost;

    UserSource(EventSource source, Guard guard) {
        super(guard);
        this.source = source;
    }

    @Override
    public int poll(int max, Intake in) {
        if (guard.disabled() || in.stopNow()) {
            return 0;
        }
        intake = in;
        try {
            return source.poll(out);
        } catch (Throwable t) {
            guard.failed("poll", t);
            return 0;
        }
    }

    private void accept(PacketEvent given) {
        delivered++;
        PacketEvent e = intake.take().copyFrom(given);
        lastTs = e.timestampNs();
        if (!intake.offer(e)) {
            intake.discard(e);
        }
    }

    /** A live source hands over everything pending in each poll; a finite one is at its last event. */
    @Override
    public long watermark(long roundStartNs) {
        if (source instanceof FiniteEventSource f) {
            return f.exhausted() || guard.disabled() ? Long.MAX_VALUE : lastTs;
        }
        return roundStartNs;
    }

    /** A finite source ends at its last event, or when it failed too often; a live one never ends by itself. */
    @Override
    public boolean exhausted() {
        return source instanceof FiniteEventSource f && (guard.disabled() || f.exhausted());
    }

    @Override
    public SourceCounts counts() {
        try {
            lost = Math.max(lost, source.lost());
        } catch (Throwable t) {
            guard.failed("lost", t);
        }
        return new SourceCounts(delivered + lost, delivered, lost, 0, 0);
    }
}
