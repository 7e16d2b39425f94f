package io.pkttrace.api;

/**
 * Receives the events that passed filters and enrichers. The engine calls {@link #accept} for each
 * event as soon as the enrichers are done with it, {@link #flush()} when it goes idle and at most once
 * per poll interval while it stays busy (so output lags by about that much), and
 * {@link #finish(RunStats)} once at the end.
 */
public interface Sink extends Component {
    /**
     * How many of each packet's first bytes (from the network header) this sink needs, 0 for none (the
     * default). The engine asks every sink before the probes load and has probes copy the largest
     * number asked for (at most {@link PacketEvent#MAX_PACKET_BYTES}) into {@link PacketEvent#packetBytes()};
     * when no sink asks, probes copy nothing and pay nothing.
     */
    default int packetBytes() {
        return 0;
    }

    /** Consumes one event; the instance is reused afterwards, so copy it to keep it. */
    void accept(PacketEvent event);

    /** Write buffered output (the engine is idle, or a poll interval passed). */
    default void flush() {
    }

    /**
     * Called by the live engine while no events arrive (about every 100 ms), with the current time on
     * the events' clock (kernel monotonic = {@code System.nanoTime()} on Linux), so that sinks holding
     * state can time it out. Never called when replaying a recording: there, event time is the clock.
     */
    default void tick(long monotonicNowNs) {
    }

    /** End of the run, before {@link #close()}: final output and the run's counters. */
    default void finish(RunStats stats) {
    }
}
