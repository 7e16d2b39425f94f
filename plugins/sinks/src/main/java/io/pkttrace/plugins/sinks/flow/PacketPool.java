package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;

/**
 * The flow sink's recycled objects: tracked packets and the event copies some of their hops keep
 * ({@link HopList}), and the events that ended them. Following
 * packets then allocates nothing once the pools hold what the traffic needs. A finished packet goes
 * back when nothing refers to it any more: the reply matcher pins the requests it keeps as candidates
 * (see {@link ReplyMatcher}), and those return when the matcher lets them go. What the pools keep is
 * bounded: at most {@code limit} free packets and {@code limit} free events; beyond, the garbage
 * collector takes them, so a burst does not hold memory for the rest of the run.
 */
final class PacketPool {
    private final TrackedPacket[] packets;
    private int freePackets;
    private final PacketEvent[] events;
    private int freeEvents;

    PacketPool(int limit) {
        this.packets = new TrackedPacket[limit];
        this.events = new PacketEvent[limit];
    }

    /** A packet to follow, reset to number {@code number} and id {@code packetId}. */
    TrackedPacket take(long number, long packetId) {
        TrackedPacket p = freePackets > 0 ? packets[--freePackets] : new TrackedPacket();
        packets[freePackets] = null;
        return p.reset(number, packetId);
    }

    /** A copy of {@code e} that the caller owns until it gives it back. */
    PacketEvent copy(PacketEvent e) {
        PacketEvent c = freeEvents > 0 ? events[--freeEvents] : new PacketEvent();
        events[freeEvents] = null;
        return c.copyFrom(e);
    }

    void give(PacketEvent e) {
        if (freeEvents < events.length) {
            events[freeEvents++] = e;
        }
    }

    /** The packet was printed: its events come back now, the packet itself once it is not pinned. */
    void finished(TrackedPacket p) {
        p.release(this);
        if (!p.pinned()) {
            recycle(p);
        }
    }

    /** The reply matcher keeps {@code p} as a candidate. */
    void pin(TrackedPacket p) {
        p.pins(+1);
    }

    /** The reply matcher let {@code p} go: back to the pool if it was printed already. */
    void unpin(TrackedPacket p) {
        p.pins(-1);
        if (!p.pinned() && p.released()) {
            recycle(p);
        }
    }

    private void recycle(TrackedPacket p) {
        p.recycled();
        if (freePackets < packets.length) {
            packets[freePackets++] = p;
        }
    }
}
