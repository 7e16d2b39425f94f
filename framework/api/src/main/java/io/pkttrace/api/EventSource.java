package io.pkttrace.api;

import java.util.function.Consumer;

/**
 * Events a probe produces in user space, for example from netlink messages (nf_tables traces), fed
 * into the same pipeline as ring-buffer records. A probe registers it with
 * {@link ProbeContext#consume(EventSource)} while it starts. The engine calls every method on its
 * consumer thread; nothing else calls them, so an implementation needs no locking.
 *
 * <p>Timestamps: events from several sources reach sinks in timestamp order, so each event carries
 * its observation time on the kernel monotonic clock ({@code System.nanoTime()} on Linux), and the
 * source hands it over within the engine's reorder window (a few milliseconds, see README) of the
 * moment it could first have been read; a later one is still delivered, out of order, and counted.
 */
public interface EventSource {
    /** A short name for messages, e.g. {@code nftrace}. */
    String name();

    /**
     * Hands each pending event to {@code out} and returns how many. Never blocks: returns 0 when
     * nothing is pending. The event passed to {@code out} may be reused by the source afterwards.
     *
     * <p>In each round the engine reads the probes' ring buffers before these sources. After the run's
     * probes stopped, it keeps polling until two rounds in a row bring nothing, so a source that
     * learns of the stop in one poll (on another thread) can wait for the next, whose rings were read
     * wholly after the stop, before it gives up waiting for records it correlates with.
     */
    int poll(Consumer<PacketEvent> out);

    /**
     * Events lost before user space could read them (e.g. netlink ENOBUFS), counted in the run
     * report as lost: for a source, produced = delivered + lost.
     */
    default long lost() {
        return 0;
    }
}
