package io.pkttrace.api;

/**
 * Receives the events that passed filters and enrichers. The engine calls {@link #accept} for each
 * event of a batch, then {@link #flush()} once per batch, and {@link #finish(RunStats)} once at the end.
 */
public interface Sink extends Component {
    /** Consumes one event; the instance is reused afterwards, so copy it to keep it. */
    void accept(PacketEvent event);

    /** End of a batch: write buffered output. */
    default void flush() {
    }

    /** End of the run, before {@link #close()}: final output and the run's counters. */
    default void finish(RunStats stats) {
    }
}
