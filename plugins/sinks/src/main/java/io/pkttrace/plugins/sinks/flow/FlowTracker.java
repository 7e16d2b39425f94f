package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * Groups events into packets by packet id (the kernel's skb address: one buffer crosses veth pairs
 * and routing, so one id covers a packet's path within a host) and hands each finished packet to
 * {@code done}.
 *
 * <p>Ids are reused after the buffer is freed, so a packet ends at hook {@code drop} or
 * {@code consume}, when its id shows a different tuple or crosses a device it already crossed in
 * the same direction (a reused buffer whose free was not traced), or when idle for longer than
 * idle-ms. Time is event time: the newest {@code ts_ns} seen. That makes a replayed recording group
 * exactly as it did live, and costs nothing live, where the engine calls sinks only when events
 * arrive anyway.
 *
 * <p>At most max-packets are open; the least recently active one is evicted (finished as incomplete
 * and counted) to make room. Packets are kept in access order, so both the idle check and eviction
 * look at the head only.
 */
final class FlowTracker {
    private static final String HOOK_DROP = "drop";
    private static final String HOOK_CONSUME = "consume";

    private final long idleNs;
    private final int maxPackets;
    private final int maxHops;
    private final Consumer<TrackedPacket> done;
    private final LinkedHashMap<Long, TrackedPacket> open;
    private final ReplyMatcher matcher;
    private long now = Long.MIN_VALUE;
    private long nextNumber = 1;
    private long evicted;

    FlowTracker(long idleNs, int maxPackets, int maxHops, Consumer<TrackedPacket> done) {
        this.idleNs = idleNs;
        this.maxPackets = maxPackets;
        this.maxHops = maxHops;
        this.done = done;
        this.open = new LinkedHashMap<>(Math.min(maxPackets, 1 << 16) * 4 / 3 + 1, 0.75f, true);
        this.matcher = new ReplyMatcher(maxPackets);
    }

    void accept(PacketEvent e) {
        if (e.timestampNs() > now) {
            now = e.timestampNs();
        }
        expireIdle();
        long id = e.packetId();
        if (id == 0) {
            TrackedPacket p = newPacket(0);
            add(p, e);
            finish(p, PacketEnd.NO_ID, null);
            return;
        }
        TrackedPacket p = open.get(id); // moves it to the young end
        boolean ends = HOOK_DROP.equals(e.hook()) || HOOK_CONSUME.equals(e.hook());
        // A free always belongs to the buffer's current packet (reuse needs a free first), whatever
        // tuple it shows: at consume time the headers may already be gone (seen: 0.0.0.0, proto 0).
        boolean otherTuple = !ends && p != null && p.key() != null && hasIp(e) && !p.key().matches(e);
        // Function-call probes give each packet an id of its own, never reused: no reuse to detect
        // (and their tuple may change along the path, e.g. by NAT).
        boolean reused = e.call() == PacketEvent.CALL_NONE && p != null && (otherTuple || p.crossesAgain(e));
        if (reused) {
            open.remove(id);
            finish(p, PacketEnd.REUSED, null);
            p = null;
        }
        if (p == null) {
            if (open.size() >= maxPackets) {
                evictOldest();
            }
            p = newPacket(id);
            open.put(id, p);
        }
        add(p, e);
        if (ends) {
            open.remove(id);
            finish(p, HOOK_DROP.equals(e.hook()) ? PacketEnd.DROPPED : PacketEnd.CONSUMED, e);
        } else if (p.outermostReturn(e)) {
            open.remove(id);
            finish(p, PacketEnd.RETURNED, e);
        }
    }

    private static boolean hasIp(PacketEvent e) {
        return e.family() == PacketEvent.FAMILY_IPV4 || e.family() == PacketEvent.FAMILY_IPV6;
    }

    private TrackedPacket newPacket(long id) {
        return new TrackedPacket(nextNumber++, id);
    }

    private void add(TrackedPacket p, PacketEvent e) {
        boolean hadKey = p.key() != null;
        p.add(e, maxHops);
        if (!hadKey && p.key() != null) {
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
        Iterator<TrackedPacket> it = open.values().iterator();
        while (it.hasNext()) {
            TrackedPacket p = it.next();
            if (now - p.lastTs() <= idleNs) {
                return;
            }
            it.remove();
            finish(p, PacketEnd.IDLE, null);
        }
    }

    private void evictOldest() {
        Iterator<TrackedPacket> it = open.values().iterator();
        TrackedPacket p = it.next();
        it.remove();
        evicted++;
        finish(p, PacketEnd.EVICTED, null);
    }

    /** Finishes every open packet, oldest first (end of the run). */
    void finishAll() {
        List<TrackedPacket> rest = new ArrayList<>(open.values());
        open.clear();
        rest.sort(Comparator.comparingLong(TrackedPacket::number));
        for (TrackedPacket p : rest) {
            finish(p, PacketEnd.AT_EXIT, null);
        }
    }

    private void finish(TrackedPacket p, PacketEnd why, PacketEvent endEvent) {
        p.end(why, endEvent);
        done.accept(p);
        p.release();
    }

    /** Packets seen so far. */
    long packets() {
        return nextNumber - 1;
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
