package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.PacketEvent;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the calls sink writes one call: the packet as the function saw it (interface, the Ethernet or
 * ARP view before classification, the five-tuple, the tunnel's outer header), and the return.
 */
final class CallText {
    private CallText() {
    }

    /** "from vif 5 (tapc2234cd0-55)  eth 02:.. > 02:.. vlan 3  icmp 1.1.1.3 -> 1.1.1.5 id 4145 seq 0  over mpls-udp ...". */
    static String view(PacketEvent e) {
        StringBuilder sb = new StringBuilder();
        int vif = e.attrIndex("vif");
        if (vif >= 0) { // vp_if: the interface the packet came in on
            sb.append("from vif ").append(e.formatAttr(vif));
            if (e.ifname() != null) {
                sb.append(" (").append(e.ifname()).append(')');
            }
        }
        int src = e.attrIndex("eth_src");
        if (src >= 0) {
            gap(sb).append("eth ").append(e.formatAttr(src)).append(" > ").append(e.formatAttr(e.attrIndex("eth_dst")));
            int vlan = e.attrIndex("vlan");
            if (vlan >= 0) {
                sb.append(" vlan ").append(e.formatAttr(vlan));
            }
        }
        int op = e.attrIndex("arp_op");
        if (op >= 0) {
            long o = e.attrValue(op);
            gap(sb).append(o == 1 ? "arp who-has " + attr(e, "arp_tpa") + " tell " + attr(e, "arp_spa")
                    : o == 2 ? "arp reply " + attr(e, "arp_spa") + " is-at " + attr(e, "arp_sha")
                    : "arp op " + o + " " + attr(e, "arp_spa") + " -> " + attr(e, "arp_tpa"));
        }
        String tuple = tuple(e);
        if (!tuple.isEmpty()) {
            gap(sb).append(tuple);
        }
        if (e.outerFamily() != PacketEvent.FAMILY_NONE) {
            gap(sb).append("over ").append(e.encap() == null ? "ip" : e.encap()).append(' ')
                    .append(endpoints(e.outerFamily(), e.outerSrcBytes(), e.outerDstBytes(), ports(e.outerProtocol()),
                            e.outerSrcPort(), e.outerDstPort()));
            int label = e.attrIndex(e.encap() != null && e.encap().equals("vxlan") ? "vni" : "label");
            if (label >= 0) {
                sb.append(' ').append(e.attrName(label)).append(' ').append(e.formatAttr(label));
            }
        }
        return sb.toString();
    }

    /** "icmp 1.1.1.3 -> 1.1.1.5 id 4145 seq 0", "udp 1.1.1.3:10000 -> 1.1.1.5:80", or "". */
    static String tuple(PacketEvent e) {
        if (e.family() == PacketEvent.FAMILY_NONE) {
            return "";
        }
        String name = switch (e.protocol()) {
            case PacketEvent.PROTO_ICMP -> "icmp";
            case PacketEvent.PROTO_ICMPV6 -> "icmp6";
            case PacketEvent.PROTO_TCP -> "tcp";
            case PacketEvent.PROTO_UDP -> "udp";
            default -> "proto " + e.protocol();
        };
        String s = name + " " + endpoints(e.family(), e.srcBytes(), e.dstBytes(), ports(e.protocol()), e.srcPort(), e.dstPort());
        if (e.icmpId() >= 0) {
            s += " id " + e.icmpId() + " seq " + e.icmpSeq();
        } else if (e.icmpType() >= 0) {
            s += " type " + e.icmpType() + "/" + e.icmpCode();
        }
        return s;
    }

    /** "= 0 FLOW_FORWARD" (with values), then the duration; "return not seen" for a missed return. */
    static String ret(PacketEvent e, boolean values) {
        if (e.call() == PacketEvent.CALL_RETURN_MISSED) {
            return "return not seen";
        }
        StringBuilder sb = new StringBuilder();
        if (values && e.hasReturnValue()) {
            sb.append("= ").append(e.returnValue());
            if (e.returnValueName() != null) {
                sb.append(' ').append(e.returnValueName());
            }
            sb.append("  ");
        }
        return sb.append(micros(e.durationNs())).toString();
    }

    /** Appends one call line after its indentation: "fn {  view" (view when it changed) or "} ret  fn". */
    static void call(StringBuilder line, PacketEvent e, boolean values, java.util.Map<Long, String> lastView) {
        if (e.call() == PacketEvent.CALL_ENTRY) {
            line.append(e.hook()).append(" {");
            String view = view(e);
            if (!view.equals(lastView.get(e.packetId()))) {
                line.append("  ").append(view);
                lastView.put(e.packetId(), view);
            }
        } else {
            line.append("} ").append(ret(e, values));
            if (values || e.call() == PacketEvent.CALL_RETURN_MISSED) {
                line.append("  ").append(e.hook());
            }
        }
    }

    static String micros(long ns) {
        return String.format(Locale.ROOT, "%.1f µs", ns / 1000.0);
    }

    private static boolean ports(int proto) {
        return proto == PacketEvent.PROTO_TCP || proto == PacketEvent.PROTO_UDP;
    }

    private static String endpoints(int family, byte[] src, byte[] dst, boolean ports, int sport, int dport) {
        int n = family == PacketEvent.FAMILY_IPV4 ? 4 : 16;
        return endpoint(Arrays.copyOf(src, n), ports, sport) + " -> " + endpoint(Arrays.copyOf(dst, n), ports, dport);
    }

    private static String endpoint(byte[] a, boolean port, int p) {
        String host;
        try {
            host = java.net.InetAddress.getByAddress(a).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            host = "?";
        }
        if (!port) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + p;
    }

    private static String attr(PacketEvent e, String name) {
        int i = e.attrIndex(name);
        return i < 0 ? "?" : e.formatAttr(i);
    }

    private static StringBuilder gap(StringBuilder sb) {
        return sb.length() > 0 ? sb.append("  ") : sb;
    }
}
