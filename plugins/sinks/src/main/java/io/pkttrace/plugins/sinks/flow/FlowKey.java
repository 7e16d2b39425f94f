package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;

/**
 * The tuple of one packet: family, protocol, addresses, and either TCP/UDP ports or ICMP type, echo
 * id and sequence. Used to notice that a packet id (a reused skb address) now carries another packet,
 * and to find the request a reply answers.
 *
 * <p>Mutable and owned: each tracked packet keeps its two keys, the reply matcher its table's, and
 * they are overwritten in place ({@link #set}), so following a packet allocates no key.
 * {@code a}: TCP/UDP source port, ICMP echo id, else 0 (-1 for ICMP other than echo);
 * {@code b}: TCP/UDP destination port, ICMP echo sequence, else 0 (-1 for ICMP other than echo).
 */
final class FlowKey {
    private int family;
    private int proto;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int icmpType;
    private int a;
    private int b;

    /** Sets this key to the event's tuple; false (the key unchanged) when the event has no IP header. */
    boolean set(PacketEvent e) {
        if (!Continuity.hasIp(e)) {
            return false;
        }
        family = e.family();
        proto = e.protocol();
        srcHi = word(e.srcBytes(), 0);
        srcLo = word(e.srcBytes(), 8);
        dstHi = word(e.dstBytes(), 0);
        dstLo = word(e.dstBytes(), 8);
        icmpType = icmpType(e);
        a = first(e);
        b = second(e);
        return true;
    }

    /** Sets this key to {@code o}'s tuple. */
    void set(FlowKey o) {
        family = o.family;
        proto = o.proto;
        srcHi = o.srcHi;
        srcLo = o.srcLo;
        dstHi = o.dstHi;
        dstLo = o.dstLo;
        icmpType = o.icmpType;
        a = o.a;
        b = o.b;
    }

    /** True when the event carries this tuple; compares without allocating. */
    boolean matches(PacketEvent e) {
        return e.family() == family && e.protocol() == proto && word(e.srcBytes(), 0) == srcHi
                && word(e.srcBytes(), 8) == srcLo && word(e.dstBytes(), 0) == dstHi && word(e.dstBytes(), 8) == dstLo
                && icmpType(e) == icmpType && first(e) == a && second(e) == b;
    }

    /** Same tuple as {@code o}. */
    boolean sameAs(FlowKey o) {
        return family == o.family && proto == o.proto && srcHi == o.srcHi && srcLo == o.srcLo && dstHi == o.dstHi
                && dstLo == o.dstLo && icmpType == o.icmpType && a == o.a && b == o.b;
    }

    /** A hash of the whole tuple, well mixed in its low bits (open addressing). */
    int hash() {
        long h = family * 31L + proto;
        h = h * 0x9E3779B97F4A7C15L + srcHi;
        h = h * 0x9E3779B97F4A7C15L + srcLo;
        h = h * 0x9E3779B97F4A7C15L + dstHi;
        h = h * 0x9E3779B97F4A7C15L + dstLo;
        h = h * 0x9E3779B97F4A7C15L + ((long) icmpType << 40 ^ (long) a << 20 ^ b);
        h *= 0x9E3779B97F4A7C15L;
        return (int) (h ^ h >>> 29 ^ h >>> 47);
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
     * Sets {@code into} to the key of the request this packet would answer: addresses reversed; for an
     * echo reply the echo request type with the same id and sequence, for TCP/UDP the ports reversed.
     * False (nothing set) when the protocol has no notion of a reply.
     */
    boolean requestKey(FlowKey into) {
        if (isEchoReply()) {
            into.reversed(this, proto == PacketEvent.PROTO_ICMP ? 8 : 128, a, b);
            return true;
        }
        if (hasPorts()) {
            into.reversed(this, icmpType, b, a);
            return true;
        }
        return false;
    }

    private void reversed(FlowKey o, int type, int first, int second) {
        family = o.family;
        proto = o.proto;
        srcHi = o.dstHi;
        srcLo = o.dstLo;
        dstHi = o.srcHi;
        dstLo = o.srcLo;
        icmpType = type;
        a = first;
        b = second;
    }
}
