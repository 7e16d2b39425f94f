package io.pkttrace.core.engine;

import io.pkttrace.api.Sink;

/**
 * A sink, its {@link Guard}, and whether its start was attempted and succeeded. Who may call it is the
 * {@link Pipeline}'s rule: the consumer checks the run's phase before every sink call, and the thread
 * that ends the run finishes a sink only after the consumer ended or, when it is stuck, when it is not
 * inside that sink.
 */
final class SinkStage {
    final Sink sink;
    final Guard guard;
    /** Set by the thread that starts the pipeline, before the consumer exists. */
    boolean startAttempted;
    boolean started;

    SinkStage(Sink sink, Guard guard) {
        this.sink = sink;
        this.guard = guard;
    }
}
