package io.pkttrace.plugins.sinks;

import io.pkttrace.api.PacketEvent;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds events like the netpath probe produces, for sink tests. */
public final class TestEvents {
    private TestEvents() {
    }

    public static byte[] ip(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An event at a device: time, packet id, namespace (inode and name), interface, hook. */
    public static PacketEvent at(long tsNs, long packetId, long netns, String netnsName, String ifname, String hook) {
        return new PacketEvent().timestampNs(tsNs).packetId(packetId).netnsInode(netns).netnsName(netnsName)
                .ifindex(ifname == null ? 0 : 2).ifname(ifname).hook(hook).probe("netpath").length(84);
    }

    /** Makes {@code e} an ICMP (v4) or ICMPv6 echo request or reply. */
    public static PacketEvent echo(PacketEvent e, String src, String dst, boolean request, int id, int seq) {
        boolean v6 = src.indexOf(':') >= 0;
        int type = v6 ? (request ? 128 : 129) : (request ? 8 : 0);
        return e.family(v6 ? 6 : 4).src(ip(src)).dst(ip(dst)).protocol(v6 ? PacketEvent.PROTO_ICMPV6 : PacketEvent.PROTO_ICMP)
                .icmpType(type).icmpCode(0).icmpId(id).icmpSeq(seq);
    }

    /** Makes {@code e} a TCP (6) or UDP (17) packet. */
    public static PacketEvent ports(PacketEvent e, int proto, String src, int sport, String dst, int dport) {
        return e.family(src.indexOf(':') >= 0 ? 6 : 4).src(ip(src)).dst(ip(dst)).protocol(proto).srcPort(sport).dstPort(dport);
    }
}
