package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.List;

/**
 * A finished packet as {@link PacketGrouper} hands it to other sinks: an immutable snapshot that is
 * safe to keep after the callback.
 *
 * @param number         the packet's number in order of first appearance (1, 2, ...)
 * @param hops           the kept hops (copies) in time order, at most max-hops; each carries the tuple
 *                       the packet had there (NAT and tunnels change it on the way)
 * @param hopCount       hops seen, kept or not
 * @param end            why the packet is considered finished
 * @param endEvent       the drop or consume event that ended it, or null
 * @param tupleEvent     the first hop with an IP header (what the packet is), or null
 * @param replyTo        number of the request this packet answers, or 0
 * @param replyToFirstTs first timestamp of that request (valid when {@code replyTo} is set)
 * @param answeredBy     number of the first reply to this packet seen before it finished, or 0
 */
public record PacketPath(long number, List<PacketEvent> hops, int hopCount, PacketEnd end, PacketEvent endEvent,
                         PacketEvent tupleEvent, long replyTo, long replyToFirstTs, long answeredBy) {
    public PacketPath {
        hops = List.copyOf(hops);
    }

    /** A snapshot of {@code p}: its events are copied, since the tracker recycles its own. */
    static PacketPath of(TrackedPacket p) {
        List<PacketEvent> hops = p.hopsInOrder().stream().map(h -> h.event().copy()).toList();
        return new PacketPath(p.number(), hops, p.hopCount(), p.end(), copy(p.endEvent()), copy(p.tupleEvent()),
                p.replyTo(), p.replyToFirstTs(), p.answeredBy());
    }

    private static PacketEvent copy(PacketEvent e) {
        return e == null ? null : e.copy();
    }

    /** Hops seen but not kept (beyond max-hops). */
    public int omittedHops() {
        return hopCount - hops.size();
    }

    /** Time from the first to the last kept hop, in ns (0 for a single hop). */
    public long spanNs() {
        return hops.isEmpty() ? 0 : hops.get(hops.size() - 1).timestampNs() - hops.get(0).timestampNs();
    }
}
