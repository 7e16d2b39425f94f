package io.pkttrace.plugins.netfilter.trace;

import io.pkttrace.api.PacketEvent;

/**
 * Fills an event's addresses, protocol, ports and ICMP fields from raw network and transport header
 * bytes, as an nftrace message or the BPF hook record carries them.
 */
public final class PacketHeaders {
    private PacketHeaders() {
    }

    private static final byte[] ZERO = new byte[16];

    /**
     * @param l4proto the transport protocol when known from elsewhere (after IPv6 extension headers),
     *                or -1 to take it from the network header
     * @return false when the bytes are not an IPv4 or IPv6 header
     */
    public static boolean fill(PacketEvent e, byte[] nh, int nhLen, byte[] th, int thLen, int l4proto) {
        if (nhLen < 20) {
            return false;
        }
        int version = (nh[0] & 0xff) >>> 4;
        int proto;
        if (version == 4) {
            e.family(PacketEvent.FAMILY_IPV4).src(ZERO).dst(ZERO);
            System.arraycopy(nh, 12, e.srcBytes(), 0, 4);
            System.arraycopy(nh, 16, e.dstBytes(), 0, 4);
            proto = nh[9] & 0xff;
            if ((((nh[6] & 0x1f) << 8) | (nh[7] & 0xff)) != 0) {
                thLen = 0; // a later fragment has no transport header
            }
        } else if (version == 6 && nhLen >= 40) {
            e.family(PacketEvent.FAMILY_IPV6);
            System.arraycopy(nh, 8, e.srcBytes(), 0, 16);
            System.arraycopy(nh, 24, e.dstBytes(), 0, 16);
            proto = nh[6] & 0xff;
        } else {
            return false;
        }
        if (l4proto >= 0) {
            proto = l4proto;
        }
        e.protocol(proto);
        if ((proto == PacketEvent.PROTO_TCP || proto == PacketEvent.PROTO_UDP) && thLen >= 4) {
            e.srcPort(u16(th, 0)).dstPort(u16(th, 2));
        } else if ((proto == PacketEvent.PROTO_ICMP || proto == PacketEvent.PROTO_ICMPV6) && thLen >= 2) {
            e.icmpType(th[0] & 0xff).icmpCode(th[1] & 0xff);
            if (thLen >= 8 && (e.isEchoRequest() || e.isEchoReply())) {
                e.icmpId(u16(th, 4)).icmpSeq(u16(th, 6));
            }
        }
        return true;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
