package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.function.Consumer;

/**
 * The flow sink's grouping of events into packets and its reply pairing, for other sinks: a thin
 * public face of {@link FlowTracker} that hands out each finished packet as a {@link PacketPath}.
 * Not thread-safe: call it from the sink's thread only, as the engine does.
 */
public final class PacketGrouper {
    private final FlowTracker tracker;

    /**
     * @param idleNs     a packet without events for this long (event time) is finished
     * @param maxPackets packets followed at once; beyond, the least recently active is evicted
     * @param maxHops    hops kept per packet; further hops are only counted
     * @param done       receives every finished packet, once
     */
    public PacketGrouper(long idleNs, int maxPackets, int maxHops, Consumer<PacketPath> done) {
        this.tracker = new FlowTracker(idleNs, maxPackets, maxHops, p -> done.accept(PacketPath.of(p)));
    }

    /** Adds one event (copied: the caller may reuse it). */
    public void accept(PacketEvent e) {
        tracker.accept(e);
    }

    /** Moves the clock forward without an event (the live engine's idle tick), then finishes idle packets. */
    public void tick(long monotonicNowNs) {
        tracker.advanceClock(monotonicNowNs);
        tracker.expireIdle();
    }

    /** Finishes packets idle for longer than the idle time. */
    public void expireIdle() {
        tracker.expireIdle();
    }

    /** Finishes every open packet, oldest first (end of the run). */
    public void finishAll() {
        tracker.finishAll();
    }

    /** Packets seen so far. */
    public long packets() {
        return tracker.packets();
    }

    /** Replies paired with their request so far. */
    public long paired() {
        return tracker.paired();
    }

    /** Packets finished early by the max-packets cap. */
    public long evicted() {
        return tracker.evicted();
    }
}
