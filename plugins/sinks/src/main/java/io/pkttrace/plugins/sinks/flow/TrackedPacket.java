package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One packet being followed: its hops (copies of the events, at most max-hops), its tuple, and its
 * request/reply partner. After it is printed, {@link #release()} drops the hops; the small rest may
 * stay referenced by the reply matcher.
 */
final class TrackedPacket {
    private final long number;
    private final long packetId;
    private List<PacketEvent> hops = new ArrayList<>(8);
    private int omittedHops;
    private int hopCount;
    private int crossings;
    private int rootDepth = -1;
    private FlowKey key;
    private PacketEvent tupleEvent;
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

    /** Adds a hop; past {@code maxHops} only counts it. */
    void add(PacketEvent e, int maxHops) {
        PacketEvent copy = null;
        hopCount++;
        if (e.call() != PacketEvent.CALL_NONE && (rootDepth < 0 || e.callDepth() < rootDepth)) {
            rootDepth = e.callDepth();
        }
        if (isCrossing(e)) {
            crossings++;
        }
        if (hops.size() < maxHops) {
            copy = e.copy();
            hops.add(copy);
        } else {
            omittedHops++;
        }
        if (key == null) {
            key = FlowKey.of(e);
            if (key != null) {
                tupleEvent = copy != null ? copy : e.copy();
            }
        }
        firstTs = Math.min(firstTs, e.timestampNs());
        lastTs = Math.max(lastTs, e.timestampNs());
    }

    /**
     * True when {@code e} crosses a device this packet already crossed in the same direction (hook
     * {@code tx} or {@code rx}, same namespace and interface). A packet does not do that (short of a
     * routing loop), but a freed buffer reused for the next packet of the same connection does, with
     * the same tuple: TCP frees coalesced segments without a consume event.
     */
    boolean crossesAgain(PacketEvent e) {
        if (!isCrossing(e)) {
            return false;
        }
        for (PacketEvent h : hops) {
            if (h.ifindex() == e.ifindex() && h.netnsInode() == e.netnsInode() && e.hook().equals(h.hook())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCrossing(PacketEvent e) {
        return e.ifindex() != 0 && ("tx".equals(e.hook()) || "rx".equals(e.hook()));
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

    /** The hops in time order (events of several CPUs can arrive slightly out of order). */
    List<PacketEvent> hopsInOrder() {
        List<PacketEvent> sorted = new ArrayList<>(hops);
        sorted.sort(Comparator.comparingLong(PacketEvent::timestampNs)); // stable: ties keep arrival order
        return sorted;
    }

    /** Frees the hops once printed. */
    void release() {
        hops = List.of();
        tupleEvent = null;
        endEvent = null;
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

    FlowKey key() {
        return key;
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
