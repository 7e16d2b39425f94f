package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One packet being followed: its hops (copies of the events, at most max-hops) with how its tuple
 * changed at each, its first and current tuple, what {@link Continuity} needs to know about its path
 * so far, and its request/reply partner. After it is printed, {@link #release()} drops the hops; the
 * small rest may stay referenced by the reply matcher.
 */
final class TrackedPacket {
    private final long number;
    private final long packetId;
    private List<PacketEvent> hops = new ArrayList<>(8);
    private List<TupleChange> changes = new ArrayList<>(8);
    private int omittedHops;
    private int hopCount;
    private int crossings;
    private int rootDepth = -1;
    private FlowKey key;
    private FlowKey currentKey;
    private PacketEvent tupleEvent;
    private PacketEvent lastCrossing;
    private long owner;
    private boolean unownedCrossing;
    private boolean rewritten;
    private long firstTs = Long.MAX_VALUE;
    private long lastTs = Long.MIN_VALUE;
    private long replyTo;
    private long replyToFirstTs;
    private long answeredBy;
    private PacketEnd end;
    private PacketEvent endEvent;

    TrackedPacket(long number, long packetId) {
        this.number = number;
        this.packetId = packetId;
    }

    /**
     * Adds a hop whose tuple changed as {@link Continuity} judged; past {@code maxHops} only counts it.
     *
     * @return true when the packet has a tuple it did not have before (its first, or a rewrite)
     */
    boolean add(PacketEvent e, TupleChange change, int maxHops) {
        PacketEvent copy = null;
        hopCount++;
        if (e.call() != PacketEvent.CALL_NONE && (rootDepth < 0 || e.callDepth() < rootDepth)) {
            rootDepth = e.callDepth();
        }
        boolean crossing = Continuity.isCrossing(e);
        if (hops.size() < maxHops) {
            copy = e.copy();
            hops.add(copy);
            changes.add(change);
        } else {
            omittedHops++;
        }
        if (crossing) {
            crossings++;
            lastCrossing = copy != null ? copy : e.copy();
            if (e.socketInode() == 0) {
                unownedCrossing = true;
            } else if (owner == 0) {
                owner = e.socketInode();
            }
        }
        boolean newTuple = false;
        if (key == null) {
            key = FlowKey.of(e);
            if (key != null) {
                currentKey = key;
                tupleEvent = copy != null ? copy : e.copy();
                newTuple = true;
            }
        } else if (change != TupleChange.NONE) {
            currentKey = FlowKey.of(e);
            rewritten = true;
            newTuple = true;
        }
        firstTs = Math.min(firstTs, e.timestampNs());
        lastTs = Math.max(lastTs, e.timestampNs());
        return newTuple;
    }

    /**
     * True when {@code e} crosses a device this packet already crossed in the same direction (hook
     * {@code tx} or {@code rx}, same namespace and interface). A packet does not do that (short of a
     * routing loop), but a freed buffer reused for the next packet of the same connection does, with
     * the same tuple: TCP frees coalesced segments without a consume event.
     */
    boolean crossesAgain(PacketEvent e) {
        if (!Continuity.isCrossing(e)) {
            return false;
        }
        for (PacketEvent h : hops) {
            if (h.ifindex() == e.ifindex() && h.netnsInode() == e.netnsInode() && e.hook().equals(h.hook())) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code e} is the return of this packet's outermost traced call (function-call probes):
     * the packet has left the traced code.
     */
    boolean outermostReturn(PacketEvent e) {
        return (e.call() == PacketEvent.CALL_RETURN || e.call() == PacketEvent.CALL_RETURN_MISSED)
                && e.callDepth() <= rootDepth;
    }

    /** Marks the packet finished; {@code endEvent} is the drop/consume event, if any. */
    void end(PacketEnd why, PacketEvent endEvent) {
        this.end = why;
        this.endEvent = endEvent == null ? null : endEvent.copy();
    }

    /** A kept hop and how the packet's tuple changed there. */
    record Hop(PacketEvent event, TupleChange change) {
    }

    /**
     * The kept hops in time order. One packet's events come from one ring in the order they happened;
     * sorting (stable: ties keep arrival order) only matters when several probes' events are merged.
     */
    List<Hop> hopsInOrder() {
        List<Hop> sorted = new ArrayList<>(hops.size());
        for (int i = 0; i < hops.size(); i++) {
            sorted.add(new Hop(hops.get(i), changes.get(i)));
        }
        sorted.sort(Comparator.comparingLong(h -> h.event().timestampNs()));
        return sorted;
    }

    /** Frees the hops once printed. */
    void release() {
        hops = List.of();
        changes = List.of();
        tupleEvent = null;
        endEvent = null;
        lastCrossing = null;
    }

    /** Pairs this packet, as the reply, with {@code request}. */
    void replyTo(TrackedPacket request) {
        this.replyTo = request.number;
        this.replyToFirstTs = request.firstTs;
        if (request.answeredBy == 0) {
            request.answeredBy = number;
        }
    }

    long number() {
        return number;
    }

    long packetId() {
        return packetId;
    }

    /** The first tuple the packet had. */
    FlowKey key() {
        return key;
    }

    /** The tuple it has now (after NAT, encapsulation or decapsulation), or null without any. */
    FlowKey currentKey() {
        return currentKey;
    }

    /** True when its tuple changed on the way. */
    boolean rewritten() {
        return rewritten;
    }

    /** The latest device crossing (tx or rx), or null. */
    PacketEvent lastCrossing() {
        return lastCrossing;
    }

    /** The first owning socket seen at a crossing (inode), or 0. */
    long owner() {
        return owner;
    }

    /** True when some crossing had no owning socket (the packet was received, or made by the kernel). */
    boolean hadUnownedCrossing() {
        return unownedCrossing;
    }

    /** The first hop that had an IP header (for the printed tuple), or null. */
    PacketEvent tupleEvent() {
        return tupleEvent;
    }

    /** Hops seen, kept or not; still valid after {@link #release()}. */
    int hopCount() {
        return hopCount;
    }

    /** Device crossings (hooks tx and rx) seen: how far the packet got. */
    int crossings() {
        return crossings;
    }

    int omittedHops() {
        return omittedHops;
    }

    long firstTs() {
        return firstTs;
    }

    long lastTs() {
        return lastTs;
    }

    /** Number of the request this packet answers, or 0. */
    long replyTo() {
        return replyTo;
    }

    /** First timestamp of the request this packet answers (valid when {@link #replyTo()} is set). */
    long replyToFirstTs() {
        return replyToFirstTs;
    }

    /** Number of the packet that answered this one, or 0. */
    long answeredBy() {
        return answeredBy;
    }

    PacketEnd end() {
        return end;
    }

    PacketEvent endEvent() {
        return endEvent;
    }
}
