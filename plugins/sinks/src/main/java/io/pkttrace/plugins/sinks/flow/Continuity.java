package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;

/**
 * Decides whether an event with a packet's id continues that packet or shows its buffer reused by
 * another one, whose free was not traced (the consume hook is off by default, and TCP frees coalesced
 * segments without it). A packet is its buffer: the tuple may change on the way (NAT, tunnels), and
 * only what one buffer cannot do means reuse. On one packet's path, in time order:
 * <ul>
 *   <li>a device is not crossed twice in the same direction (short of a routing loop);</li>
 *   <li>after a receive, the packet is handled in that namespace: a transmit in another namespace
 *       cannot follow (a receive elsewhere can: a stacked or tunnel device on top);</li>
 *   <li>a transmit owned by a socket does not follow a hop without an owner (a received packet, once
 *       orphaned by IP, is never owned again) nor a hop owned by another socket;</li>
 *   <li>the headers change only as a stack rewrites them: NAT (same protocol, between a receive and a
 *       transmit in one namespace), encapsulation (a transmit followed by a transmit with new outer
 *       headers of a tunnel protocol, or such headers on a routed packet), decapsulation (a receive of a
 *       tunnel protocol followed by a receive of the inner packet); a packet never turns back to where
 *       it came from (that is a reply).</li>
 * </ul>
 * Frees ({@code drop}, {@code consume}) show whatever headers are left and always end the current
 * packet, unless they plainly belong to another one (a reply's headers). Hooks of other probes
 * (functions, netfilter verdicts) are not device crossings and only have their headers checked.
 */
final class Continuity {
    static final String TX = "tx";
    static final String RX = "rx";
    static final String DROP = "drop";
    static final String CONSUME = "consume";

    private Continuity() {
    }

    /**
     * How {@code e}'s tuple relates to {@code p}'s current one, or null when {@code e} cannot belong
     * to {@code p} (its buffer now carries another packet). {@code scratch} is overwritten (no key is allocated).
     */
    static TupleChange judge(TrackedPacket p, PacketEvent e, FlowKey scratch) {
        boolean ends = isEnd(e);
        if (isCrossing(e)) {
            if (p.crossesAgain(e) || !followsLastCrossing(p, e)) {
                return null;
            }
            if (TX.equals(e.hook()) && e.socketInode() != 0
                    && (p.hadUnownedCrossing() || (p.owner() != 0 && p.owner() != e.socketInode()))) {
                return null;
            }
        }
        FlowKey k = p.currentKey();
        if (k == null || !hasIp(e) || k.matches(e)) {
            return TupleChange.NONE;
        }
        if (ends && !hasAddresses(e)) {
            return TupleChange.NONE; // a buffer freed after its headers were consumed (seen: 0.0.0.0)
        }
        FlowKey now = scratch;
        now.set(e);
        if (now.headsBackTo(k)) {
            return null; // a reply, an ICMP error or a reset for it: another packet
        }
        String prev = p.lastCrossingHook();
        if (isCrossing(e)) {
            if (TX.equals(e.hook()) && TX.equals(prev)) {
                return now.isTunnel() ? TupleChange.ENCAP : null; // a tunnel device's transmit, then its underlay's
            }
            if (RX.equals(e.hook()) && RX.equals(prev)) {
                return k.isTunnel() ? TupleChange.DECAP : null; // the underlay's receive, then the tunnel device's
            }
            if (TX.equals(e.hook()) && RX.equals(prev)) {
                return now.sameKindAs(k) ? TupleChange.NAT : now.isTunnel() ? TupleChange.ENCAP : null;
            }
            return null; // a transmit and the next receive see the same headers
        }
        // A free or another probe's hook: any rewrite a stack could have done since the last crossing.
        if (now.sameKindAs(k)) {
            return TupleChange.NAT;
        }
        if (now.isTunnel()) {
            return TupleChange.ENCAP;
        }
        if (k.isTunnel()) {
            return TupleChange.DECAP;
        }
        return null;
    }

    /** Transmit after a receive stays in the receiving namespace; everything else may follow anything. */
    private static boolean followsLastCrossing(TrackedPacket p, PacketEvent e) {
        return !(RX.equals(p.lastCrossingHook()) && TX.equals(e.hook()) && p.lastCrossingNetns() != e.netnsInode());
    }

    static boolean isCrossing(PacketEvent e) {
        return e.ifindex() != 0 && (TX.equals(e.hook()) || RX.equals(e.hook()));
    }

    static boolean isEnd(PacketEvent e) {
        return DROP.equals(e.hook()) || CONSUME.equals(e.hook());
    }

    static boolean hasIp(PacketEvent e) {
        return e.family() == PacketEvent.FAMILY_IPV4 || e.family() == PacketEvent.FAMILY_IPV6;
    }

    /** Neither address is all zeros. */
    private static boolean hasAddresses(PacketEvent e) {
        int n = e.family() == PacketEvent.FAMILY_IPV4 ? 4 : 16;
        return !allZero(e.srcBytes(), n) && !allZero(e.dstBytes(), n);
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
