package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;

/**
 * The tuple of one packet: family, protocol, addresses, and either TCP/UDP ports or ICMP type, echo
 * id and sequence. Used to notice that a packet id (a reused skb address) now carries another packet,
 * and to find the request a reply answers.
 *
 * @param a TCP/UDP source port, ICMP echo id, else 0 (-1 for ICMP other than echo)
 * @param b TCP/UDP destination port, ICMP echo sequence, else 0 (-1 for ICMP other than echo)
 */
record FlowKey(int family, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int icmpType, int a, int b) {

    /** The event's tuple, or null when it has no IP header. */
    static FlowKey of(PacketEvent e) {
        if (e.family() != PacketEvent.FAMILY_IPV4 && e.family() != PacketEvent.FAMILY_IPV6) {
            return null;
        }
        return new FlowKey(e.family(), e.protocol(), word(e.srcBytes(), 0), word(e.srcBytes(), 8),
                word(e.dstBytes(), 0), word(e.dstBytes(), 8), icmpType(e), first(e), second(e));
    }

    /** True when the event carries this tuple; compares without allocating. */
    boolean matches(PacketEvent e) {
        return e.family() == family && e.protocol() == proto && word(e.srcBytes(), 0) == srcHi
                && word(e.srcBytes(), 8) == srcLo && word(e.dstBytes(), 0) == dstHi && word(e.dstBytes(), 8) == dstLo
                && icmpType(e) == icmpType && first(e) == a && second(e) == b;
    }

    private static boolean isIcmp(int proto) {
        return proto == PacketEvent.PROTO_ICMP || proto == PacketEvent.PROTO_ICMPV6;
    }

    private static boolean hasPorts(int proto) {
        return proto == PacketEvent.PROTO_TCP || proto == PacketEvent.PROTO_UDP;
    }

    private static int icmpType(PacketEvent e) {
        return isIcmp(e.protocol()) ? e.icmpType() : -1;
    }

    private static int first(PacketEvent e) {
        return hasPorts(e.protocol()) ? e.srcPort() : isIcmp(e.protocol()) ? e.icmpId() : 0;
    }

    private static int second(PacketEvent e) {
        return hasPorts(e.protocol()) ? e.dstPort() : isIcmp(e.protocol()) ? e.icmpSeq() : 0;
    }

    private static long word(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    boolean hasPorts() {
        return hasPorts(proto);
    }

    /**
     * True when this tuple goes back towards where {@code before} came from (its destination is the
     * other's source, or its source the other's destination): a reply, an ICMP error or a reset, never
     * the same packet after NAT or encapsulation.
     */
    boolean headsBackTo(FlowKey before) {
        return family == before.family && ((dstHi == before.srcHi && dstLo == before.srcLo)
                || (srcHi == before.dstHi && srcLo == before.dstLo));
    }

    /**
     * True when NAT could have turned {@code before} into this: same family, protocol and ICMP type;
     * an echo keeps its sequence (masquerade may change the id).
     */
    boolean sameKindAs(FlowKey before) {
        if (family != before.family || proto != before.proto || icmpType != before.icmpType) {
            return false;
        }
        return !(isEchoRequest() || isEchoReply()) || b == before.b;
    }

    /**
     * True for the protocols that carry tunnelled packets: UDP (VXLAN, Geneve, FOU, WireGuard), IPIP,
     * IPv6-in-IP, GRE, ESP, EtherIP, L2TP, MPLS-in-IP.
     */
    boolean isTunnel() {
        return switch (proto) {
            case PacketEvent.PROTO_UDP, 4, 41, 47, 50, 97, 115, 137 -> true;
            default -> false;
        };
    }

    boolean isEchoRequest() {
        return (proto == PacketEvent.PROTO_ICMP && icmpType == 8) || (proto == PacketEvent.PROTO_ICMPV6 && icmpType == 128);
    }

    boolean isEchoReply() {
        return (proto == PacketEvent.PROTO_ICMP && icmpType == 0) || (proto == PacketEvent.PROTO_ICMPV6 && icmpType == 129);
    }

    /**
     * The key of the request this packet would answer: addresses reversed; for an echo reply the echo
     * request type with the same id and sequence, for TCP/UDP the ports reversed. Null when the
     * protocol has no notion of a reply.
     */
    FlowKey requestKey() {
        if (isEchoReply()) {
            return new FlowKey(family, proto, dstHi, dstLo, srcHi, srcLo, proto == PacketEvent.PROTO_ICMP ? 8 : 128, a, b);
        }
        if (hasPorts()) {
            return new FlowKey(family, proto, dstHi, dstLo, srcHi, srcLo, icmpType, b, a);
        }
        return null;
    }
}
