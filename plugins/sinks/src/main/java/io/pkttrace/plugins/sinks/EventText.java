package io.pkttrace.plugins.sinks;

import io.pkttrace.api.PacketEvent;
import java.net.InetAddress;

/** Human-readable pieces of an event shared by the text sinks. */
public final class EventText {
    private EventText() {
    }

    /** request / reply for ICMP echo, otherwise the protocol's name. */
    public static String type(PacketEvent e) {
        if (e.isEchoRequest()) {
            return "request";
        }
        if (e.isEchoReply()) {
            return "reply";
        }
        switch (e.protocol()) {
            case PacketEvent.PROTO_ICMP: return "icmp" + (e.icmpType() >= 0 ? " " + e.icmpType() + "/" + e.icmpCode() : "");
            case PacketEvent.PROTO_ICMPV6: return "icmp6" + (e.icmpType() >= 0 ? " " + e.icmpType() + "/" + e.icmpCode() : "");
            case PacketEvent.PROTO_TCP: return "tcp";
            case PacketEvent.PROTO_UDP: return "udp";
            case 0: return e.family() == PacketEvent.FAMILY_NONE ? "-" : "ip";
            default: return "proto " + e.protocol();
        }
    }

    /** "src -> dst", with ports for TCP and UDP. */
    public static String addresses(PacketEvent e) {
        if (e.family() == PacketEvent.FAMILY_NONE) {
            return "";
        }
        boolean ports = e.protocol() == PacketEvent.PROTO_TCP || e.protocol() == PacketEvent.PROTO_UDP;
        return endpoint(e.srcAddress(), ports, e.srcPort()) + " -> " + endpoint(e.dstAddress(), ports, e.dstPort());
    }

    /** RFC 5952 text: IPv6 with the longest run of zero groups compressed ("2001:db8::2"). */
    public static String address(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return a.getHostAddress();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static String endpoint(InetAddress a, boolean withPort, int port) {
        String host = address(a);
        if (!withPort) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** "4026532281 (name)" or the inode alone; 0 shows as 0. */
    public static String netns(PacketEvent e) {
        return e.netnsName() == null ? Long.toString(e.netnsInode()) : e.netnsInode() + " (" + e.netnsName() + ")";
    }

    /** Extra details: drop reason, return value, netfilter verdict, ICMP sequence. */
    public static String info(PacketEvent e) {
        StringBuilder sb = new StringBuilder();
        if (e.dropReason() >= 0) {
            sb.append("drop reason ").append(e.dropReasonName());
        }
        if (e.nfTable() != null) {
            append(sb, e.nfTable() + "." + e.nfChain() + ":" + e.nfVerdict());
        }
        if (e.hasReturnValue()) {
            append(sb, "ret " + e.returnValue());
        }
        if (e.icmpSeq() >= 0) {
            append(sb, "id " + e.icmpId() + " seq " + e.icmpSeq());
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String s) {
        if (sb.length() > 0) {
            sb.append(", ");
        }
        sb.append(s);
    }
}
