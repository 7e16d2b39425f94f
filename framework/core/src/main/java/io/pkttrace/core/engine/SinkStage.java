package io.pkttrace.core.engine;

import io.pkttrace.api.Sink;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sink, its {@link Guard}, and who may call it. The consumer thread checks a sink out for each
 * batch it hands over (one compare-and-set per batch, not per event) and returns it afterwards; the
 * thread that ends the run finishes a sink only by moving it from idle to finished. So
 * {@link Sink#finish} never runs while the same sink's {@link Sink#accept} does, and a sink that
 * blocks in accept is recognised (it stays checked out) and left alone, while the others finish.
 */
final class SinkStage {
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int FINISHED = 2;

    final Sink sink;
    final Guard guard;
    /** Set by the thread that starts the pipeline, before the consumer exists. */
    boolean startAttempted;
    boolean started;
    private final AtomicInteger state = new AtomicInteger(IDLE);

    SinkStage(Sink sink, Guard guard) {
        this.sink = sink;
        this.guard = guard;
    }

    /** Consumer: true if the sink may be called now (then {@link #release()} after). */
    boolean checkout() {
        return !guard.disabled() && state.compareAndSet(IDLE, BUSY);
    }

    /** Consumer: done calling it for now. */
    void release() {
        state.lazySet(IDLE);
    }

    /** Ending thread: true if the sink was idle and is now reserved for finish (never true twice). */
    boolean claimForFinish() {
        return state.compareAndSet(IDLE, FINISHED);
    }

    /** True while the consumer is inside one of its methods. */
    boolean busy() {
        return state.get() == BUSY;
    }
}
