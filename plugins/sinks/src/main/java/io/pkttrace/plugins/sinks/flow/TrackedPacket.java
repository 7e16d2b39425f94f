package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One packet being followed: its hops (copies of the events, at most max-hops) with how its tuple
 * changed at each, its first and current tuple, what {@link Continuity} needs to know about its path
 * so far, and its request/reply partner. Recycled through a {@link PacketPool}: after it is printed,
 * {@link #release} gives its event copies back; the small rest stays valid while the reply matcher
 * pins it, and is reset when the pool hands the object out again ({@link #reset}).
 */
final class TrackedPacket extends ActivityList.Node<TrackedPacket> {
    private static final PacketEvent[] NO_EVENTS = new PacketEvent[0];
    private static final TupleChange[] NO_CHANGES = new TupleChange[0];

    private long number;
    private long packetId;
    private PacketEvent[] hops = NO_EVENTS;
    private TupleChange[] changes = NO_CHANGES;
    private int kept;
    private int omittedHops;
    private int hopCount;
    private int crossings;
    private int rootDepth;
    private final FlowKey key = new FlowKey();
    private final FlowKey currentKey = new FlowKey();
    private boolean hasKey;
    private PacketEvent tupleEvent;
    private boolean ownTupleEvent;
    private PacketEvent lastCrossing;
    private boolean ownLastCrossing;
    private long owner;
    private boolean unownedCrossing;
    private boolean rewritten;
    private long firstTs;
    private long lastTs;
    private long replyTo;
    private long replyToFirstTs;
    private long answeredBy;
    private PacketEnd end;
    private PacketEvent endEvent;
    private boolean released;
    private int pins;

    /** Makes this object the packet {@code number} with id {@code packetId}, as new (the pool's). */
    TrackedPacket reset(long number, long packetId) {
        this.number = number;
        this.packetId = packetId;
        kept = omittedHops = hopCount = crossings = pins = 0;
        rootDepth = -1;
        hasKey = ownTupleEvent = ownLastCrossing = unownedCrossing = rewritten = released = false;
        tupleEvent = lastCrossing = endEvent = null;
        end = null;
        owner = replyTo = replyToFirstTs = answeredBy = 0;
        firstTs = Long.MAX_VALUE;
        lastTs = Long.MIN_VALUE;
        older = younger = null;
        return this;
    }

    /**
     * Adds a hop whose tuple changed as {@link Continuity} judged; past {@code maxHops} only counts it.
     * Copies come from {@code pool}.
     *
     * @return true when the packet has a tuple it did not have before (its first, or a rewrite)
     */
    boolean add(PacketEvent e, TupleChange change, int maxHops, PacketPool pool) {
        PacketEvent copy = null;
        hopCount++;
        if (e.call() != PacketEvent.CALL_NONE && (rootDepth < 0 || e.callDepth() < rootDepth)) {
            rootDepth = e.callDepth();
        }
        boolean crossing = Continuity.isCrossing(e);
        if (kept < maxHops) {
            copy = pool.copy(e);
            keep(copy, change, maxHops);
        } else {
            omittedHops++;
        }
        if (crossing) {
            crossings++;
            lastCrossing = own(lastCrossing, ownLastCrossing, copy, e, pool);
            ownLastCrossing = copy == null;
            if (e.socketInode() == 0) {
                unownedCrossing = true;
            } else if (owner == 0) {
                owner = e.socketInode();
            }
        }
        boolean newTuple = false;
        if (!hasKey) {
            if (key.set(e)) {
                hasKey = true;
                currentKey.set(key);
                tupleEvent = copy != null ? copy : pool.copy(e);
                ownTupleEvent = copy == null;
                newTuple = true;
            }
        } else if (change != TupleChange.NONE) {
            currentKey.set(e);
            rewritten = true;
            newTuple = true;
        }
        firstTs = Math.min(firstTs, e.timestampNs());
        lastTs = Math.max(lastTs, e.timestampNs());
        return newTuple;
    }

    private void keep(PacketEvent copy, TupleChange change, int maxHops) {
        if (kept == hops.length) {
            int n = Math.min(Math.max(4, kept * 2), maxHops);
            hops = java.util.Arrays.copyOf(hops, n);
            changes = java.util.Arrays.copyOf(changes, n);
        }
        hops[kept] = copy;
        changes[kept] = change;
        kept++;
    }

    /** {@code kept} when the hop was kept, else a copy of {@code e} of the packet's own (the previous one reused). */
    private static PacketEvent own(PacketEvent previous, boolean previousOwn, PacketEvent kept, PacketEvent e,
                                   PacketPool pool) {
        if (kept != null) {
            if (previousOwn) {
                pool.give(previous);
            }
            return kept;
        }
        return previousOwn ? previous.copyFrom(e) : pool.copy(e);
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
        for (int i = 0; i < kept; i++) {
            PacketEvent h = hops[i];
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

    /** Marks the packet finished; {@code endEvent} is the drop/consume event, if any (copied from {@code pool}). */
    void end(PacketEnd why, PacketEvent endEvent, PacketPool pool) {
        this.end = why;
        this.endEvent = endEvent == null ? null : pool.copy(endEvent);
    }

    /** A kept hop and how the packet's tuple changed there. */
    record Hop(PacketEvent event, TupleChange change) {
    }

    /**
     * Puts the kept hops in time order. One packet's events come from one ring in the order they
     * happened; sorting (stable: ties keep arrival order) only matters when several probes' events are
     * merged, so an insertion sort in place, which does not allocate and is linear on sorted hops.
     */
    void sortHops() {
        for (int i = 1; i < kept; i++) {
            PacketEvent h = hops[i];
            TupleChange c = changes[i];
            long ts = h.timestampNs();
            int j = i - 1;
            while (j >= 0 && hops[j].timestampNs() > ts) {
                hops[j + 1] = hops[j];
                changes[j + 1] = changes[j];
                j--;
            }
            hops[j + 1] = h;
            changes[j + 1] = c;
        }
    }

    /** The kept hops in time order (a new list; printing reads {@link #hop}/{@link #change} instead). */
    List<Hop> hopsInOrder() {
        sortHops();
        List<Hop> sorted = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            sorted.add(new Hop(hops[i], changes[i]));
        }
        return sorted;
    }

    /** Hops kept (at most max-hops). */
    int keptHops() {
        return kept;
    }

    /** Kept hop {@code i} (in time order after {@link #sortHops()}). */
    PacketEvent hop(int i) {
        return hops[i];
    }

    /** How the tuple changed at kept hop {@code i}. */
    TupleChange change(int i) {
        return changes[i];
    }

    /** Gives the event copies back to {@code pool} once printed. */
    void release(PacketPool pool) {
        for (int i = 0; i < kept; i++) {
            pool.give(hops[i]);
            hops[i] = null;
            changes[i] = null;
        }
        kept = 0;
        if (ownTupleEvent) {
            pool.give(tupleEvent);
        }
        if (ownLastCrossing) {
            pool.give(lastCrossing);
        }
        if (endEvent != null) {
            pool.give(endEvent);
        }
        tupleEvent = null;
        ownTupleEvent = false;
        endEvent = null;
        lastCrossing = null;
        ownLastCrossing = false;
        released = true;
    }

    boolean released() {
        return released;
    }

    boolean pinned() {
        return pins > 0;
    }

    void pins(int delta) {
        pins += delta;
    }

    /** Back in the pool: no number, so that a stale reference is recognisable. */
    void recycled() {
        number = 0;
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

    /** The first tuple the packet had, or null without any. */
    FlowKey key() {
        return hasKey ? key : null;
    }

    /** The tuple it has now (after NAT, encapsulation or decapsulation), or null without any. */
    FlowKey currentKey() {
        return hasKey ? currentKey : null;
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
