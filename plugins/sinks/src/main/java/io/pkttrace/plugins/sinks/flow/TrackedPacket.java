package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One packet being followed: its hops (at most max-hops, in a {@link HopList}: what the printout shows,
 * whole events only where it needs them or when every event is to be kept) with how its tuple changed
 * at each, its first and current tuple, what {@link Continuity} needs to know about its path so far,
 * and its request/reply partner. Recycled through a {@link PacketPool}: after it is printed,
 * {@link #release} gives its event copies back; the small rest stays valid while the reply matcher
 * pins it, and is reset when the pool hands the object out again ({@link #reset}).
 */
final class TrackedPacket extends ActivityList.Node<TrackedPacket> {
    private long number;
    private long packetId;
    private final HopList hops = new HopList();
    private int omittedHops;
    private int hopCount;
    private int crossings;
    private int rootDepth;
    private final FlowKey key = new FlowKey();
    private final FlowKey currentKey = new FlowKey();
    private boolean hasKey;
    private final PacketTuple tuple = new PacketTuple();
    /** The first hop with an IP header as a whole event, when every event is kept. */
    private PacketEvent tupleEvent;
    private boolean ownTupleEvent;
    /** Hook (null: none yet) and namespace of the latest device crossing. */
    private String lastCrossingHook;
    private long lastCrossingNetns;
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
        omittedHops = hopCount = crossings = pins = 0;
        rootDepth = -1;
        hasKey = ownTupleEvent = unownedCrossing = rewritten = released = false;
        tupleEvent = endEvent = null;
        lastCrossingHook = null;
        end = null;
        owner = replyTo = replyToFirstTs = answeredBy = lastCrossingNetns = 0;
        firstTs = Long.MAX_VALUE;
        lastTs = Long.MIN_VALUE;
        older = younger = null;
        return this;
    }

    /**
     * Adds a hop whose tuple changed as {@link Continuity} judged; past {@code maxHops} only counts it.
     * Copies of events come from {@code pool}: of every kept hop when {@code keepEvents}, else only of
     * those whose printout needs more than their place ({@link #needsEvent}).
     *
     * @return true when the packet has a tuple it did not have before (its first, or a rewrite)
     */
    boolean add(PacketEvent e, TupleChange change, int maxHops, boolean keepEvents, PacketPool pool) {
        PacketEvent copy = null;
        hopCount++;
        if (e.call() != PacketEvent.CALL_NONE && (rootDepth < 0 || e.callDepth() < rootDepth)) {
            rootDepth = e.callDepth();
        }
        if (hops.size() < maxHops) {
            copy = keepEvents || needsEvent(e, change) ? pool.copy(e) : null;
            hops.add(e, change, copy, maxHops);
        } else {
            omittedHops++;
        }
        if (Continuity.isCrossing(e)) {
            crossings++;
            lastCrossingHook = e.hook();
            lastCrossingNetns = e.netnsInode();
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
                tuple.set(e);
                if (keepEvents) {
                    tupleEvent = copy != null ? copy : pool.copy(e);
                    ownTupleEvent = copy == null;
                }
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

    /**
     * True when the printout of the hop shows more than its place: a new tuple, a drop reason, a
     * netfilter verdict, a call or a return value ({@link PathPrinter}'s details).
     */
    static boolean needsEvent(PacketEvent e, TupleChange change) {
        return change != TupleChange.NONE || e.dropReason() >= 0 || e.nfTable() != null
                || e.call() != PacketEvent.CALL_NONE || e.hasReturnValue();
    }

    /**
     * True when {@code e} crosses a device this packet already crossed in the same direction (hook
     * {@code tx} or {@code rx}, same namespace and interface). A packet does not do that (short of a
     * routing loop), but a freed buffer reused for the next packet of the same connection does, with
     * the same tuple: TCP frees coalesced segments without a consume event.
     */
    boolean crossesAgain(PacketEvent e) {
        return Continuity.isCrossing(e) && hops.has(e.hook(), e.ifindex(), e.netnsInode());
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

    /** Puts the kept hops in time order (stable). */
    void sortHops() {
        hops.sortByTime();
    }

    /** The kept hops in time order, when every event is kept (a new list; printing reads {@link #hops()}). */
    List<Hop> hopsInOrder() {
        sortHops();
        List<Hop> sorted = new ArrayList<>(hops.size());
        for (int i = 0; i < hops.size(); i++) {
            sorted.add(new Hop(hops.event(i), hops.change(i)));
        }
        return sorted;
    }

    /** The kept hops (at most max-hops; in time order after {@link #sortHops()}). */
    HopList hops() {
        return hops;
    }

    /** Gives the event copies back to {@code pool} once printed. */
    void release(PacketPool pool) {
        hops.clear(pool);
        if (ownTupleEvent) {
            pool.give(tupleEvent);
        }
        if (endEvent != null) {
            pool.give(endEvent);
        }
        tupleEvent = null;
        ownTupleEvent = false;
        endEvent = null;
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

    /** The hook of the latest device crossing (tx or rx), or null before any. */
    String lastCrossingHook() {
        return lastCrossingHook;
    }

    /** The namespace of the latest device crossing (valid when {@link #lastCrossingHook()} is set). */
    long lastCrossingNetns() {
        return lastCrossingNetns;
    }

    /** The first owning socket seen at a crossing (inode), or 0. */
    long owner() {
        return owner;
    }

    /** True when some crossing had no owning socket (the packet was received, or made by the kernel). */
    boolean hadUnownedCrossing() {
        return unownedCrossing;
    }

    /** The first hop that had an IP header as a whole event (when every event is kept), or null. */
    PacketEvent tupleEvent() {
        return tupleEvent;
    }

    /**
     * The header fields of the first hop that had an IP header, written into {@code into} (the printed
     * tuple), or null without any.
     */
    PacketEvent tuple(PacketEvent into) {
        return hasKey ? tuple.writeTo(into) : null;
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
