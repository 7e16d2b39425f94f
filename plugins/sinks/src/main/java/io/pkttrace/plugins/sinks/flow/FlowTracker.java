package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Groups events into packets by packet id (the kernel's skb address: one buffer crosses veth pairs,
 * routing, NAT and tunnels, so one id covers a packet's path within a host) and hands each finished
 * packet to {@code done}.
 *
 * <p>A packet is its buffer, not its tuple: NAT and encapsulation change the tuple on the way, and the
 * path shows where. Ids are reused after the buffer is freed, so a packet ends at hook {@code drop} or
 * {@code consume}, when an event with its id could not belong to it ({@link Continuity}: a device
 * crossed again, a hop that cannot follow the last one, another owner, headers no stack rewrite
 * explains; the buffer was freed unseen and reused), or when idle for longer than idle-ms. Time is
 * event time: the newest {@code ts_ns} seen. That makes a replayed recording group exactly as it did
 * live, and costs nothing live, where the engine calls sinks only when events arrive anyway.
 *
 * <p>At most max-packets are open; the least recently active one is evicted (finished as incomplete
 * and counted) to make room. Packets are kept in access order, so both the idle check and eviction
 * look at the head only ({@link OpenPackets}). Packets and their event copies are recycled
 * ({@link PacketPool}): following packets allocates nothing in the steady state, and memory is
 * bounded by max-packets open packets (with at most max-hops hops each: compact, or whole event
 * copies when asked to keep events) plus what the reply matcher pins.
 */
final class FlowTracker {
    /** Free packets and event copies kept for reuse; a burst beyond is left to the garbage collector. */
    private static final int POOL_LIMIT = 4096;
    private final long idleNs;
    private final int maxPackets;
    private final int maxHops;
    private final boolean keepEvents;
    private final Consumer<TrackedPacket> done;
    private final OpenPackets open = new OpenPackets();
    private final PacketPool pool;
    private final ReplyMatcher matcher;
    private final FlowKey scratch = new FlowKey();
    private long now = Long.MIN_VALUE;
    private long nextNumber = 1;
    private long evicted;
    private long reused;

    /** A tracker that keeps a whole copy of every kept hop's event ({@link TrackedPacket#hopsInOrder()}). */
    FlowTracker(long idleNs, int maxPackets, int maxHops, Consumer<TrackedPacket> done) {
        this(idleNs, maxPackets, maxHops, true, done);
    }

    /**
     * @param keepEvents true to keep a whole copy of every kept hop's event; false to keep only what the
     *                   path printout needs ({@link HopList}), which is what makes the flow sink cheap
     */
    FlowTracker(long idleNs, int maxPackets, int maxHops, boolean keepEvents, Consumer<TrackedPacket> done) {
        this.idleNs = idleNs;
        this.maxPackets = maxPackets;
        this.maxHops = maxHops;
        this.keepEvents = keepEvents;
        this.done = done;
        this.pool = new PacketPool(POOL_LIMIT);
        this.matcher = new ReplyMatcher(maxPackets, pool);
    }

    void accept(PacketEvent e) {
        if (e.timestampNs() > now) {
            now = e.timestampNs();
        }
        expireIdle();
        long id = e.packetId();
        if (id == 0) {
            TrackedPacket p = newPacket(0);
            add(p, e, TupleChange.NONE);
            finish(p, PacketEnd.NO_ID, null);
            return;
        }
        TrackedPacket p = open.get(id); // moves it to the young end
        TupleChange change = TupleChange.NONE;
        // Function-call probes give each packet an id of its own, never reused: no reuse to detect, and
        // their path is the calls, whatever headers each function saw.
        if (p != null && e.call() == PacketEvent.CALL_NONE) {
            change = Continuity.judge(p, e, scratch);
            if (change == null) {
                open.remove(p);
                reused++;
                finish(p, PacketEnd.REUSED, null);
                p = null;
                change = TupleChange.NONE;
            }
        }
        if (p == null) {
            if (open.size() >= maxPackets) {
                evictOldest();
            }
            p = newPacket(id);
            open.put(p);
        }
        add(p, e, change);
        if (Continuity.isEnd(e)) {
            open.remove(p);
            finish(p, Continuity.DROP.equals(e.hook()) ? PacketEnd.DROPPED : PacketEnd.CONSUMED, e);
        } else if (p.outermostReturn(e)) {
            open.remove(p);
            finish(p, PacketEnd.RETURNED, e);
        }
    }

    private TrackedPacket newPacket(long id) {
        return pool.take(nextNumber++, id);
    }

    private void add(TrackedPacket p, PacketEvent e, TupleChange change) {
        if (p.add(e, change, maxHops, keepEvents, pool)) {
            matcher.classify(p);
        }
    }

    /** Moves the clock forward (never back) without an event: the live engine's idle tick. */
    void advanceClock(long nowNs) {
        if (nowNs > now) {
            now = nowNs;
        }
    }

    /** Finishes packets idle for longer than idle-ms. Cheap when none is: one look at the head. */
    void expireIdle() {
        for (TrackedPacket p = open.oldest(); p != null && now - p.lastTs() > idleNs; p = open.oldest()) {
            open.remove(p);
            finish(p, PacketEnd.IDLE, null);
        }
    }

    private void evictOldest() {
        TrackedPacket p = open.oldest();
        open.remove(p);
        evicted++;
        finish(p, PacketEnd.EVICTED, null);
    }

    /** Finishes every open packet, oldest first (end of the run). */
    void finishAll() {
        List<TrackedPacket> rest = open.removeAll();
        rest.sort(Comparator.comparingLong(TrackedPacket::number));
        for (TrackedPacket p : rest) {
            finish(p, PacketEnd.AT_EXIT, null);
        }
    }

    private void finish(TrackedPacket p, PacketEnd why, PacketEvent endEvent) {
        p.end(why, endEvent, pool);
        done.accept(p);
        pool.finished(p);
    }

    /** Packets seen so far. */
    long packets() {
        return nextNumber - 1;
    }

    /** Packets ended because their buffer was seen carrying another packet. */
    long reused() {
        return reused;
    }

    /** Packets finished early by the max-packets cap. */
    long evicted() {
        return evicted;
    }

    /** Replies paired with their request. */
    long paired() {
        return matcher.paired();
    }

    /** Packets currently followed. */
    int openCount() {
        return open.size();
    }
}
