package io.pkttrace.plugins.sinks;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.jsonl.AddressChars;
import java.net.InetAddress;

/** Human-readable pieces of an event shared by the text sinks. */
public final class EventText {
    private EventText() {
    }

    /**
     * Replaces control characters from {@code from} on with '?' (line breaks excepted): names and rule
     * texts come from the traced host or from a recording made elsewhere, and an escape sequence in
     * one must not reach the user's terminal.
     */
    public static void makePrintable(StringBuilder text, int from) {
        for (int i = from, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (!printable(c)) {
                text.setCharAt(i, '?');
            }
        }
    }

    /** {@link #makePrintable(StringBuilder, int)} on {@code chars[from, to)}. */
    public static void makePrintable(char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!printable(chars[i])) {
                chars[i] = '?';
            }
        }
    }

    /** False for what {@link #makePrintable(StringBuilder, int)} replaces. */
    static boolean printable(char c) {
        if (c >= 0x20 && c < 0x7f) {
            return true; // printable ASCII, nearly all of it: no character table lookups
        }
        if (c >= 0xa0 && c <= 0xff) {
            return c != 0xad; // the rest of Latin-1 ("µs"), but the soft hyphen, a format character
        }
        return c == '\n' || !(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
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
        TextBuffer text = new TextBuffer(32);
        appendAddresses(e, text, new char[AddressChars.MAX]);
        return text.toString();
    }

    /**
     * {@link #addresses} appended to {@code out} without building a string on the way (the flow sink
     * prints every packet); {@code scratch} has at least {@link AddressChars#MAX} chars.
     */
    public static void appendAddresses(PacketEvent e, TextBuffer out, char[] scratch) {
        if (e.family() == PacketEvent.FAMILY_NONE) {
            return;
        }
        boolean ports = e.protocol() == PacketEvent.PROTO_TCP || e.protocol() == PacketEvent.PROTO_UDP;
        endpoint(out, AddressChars.format(e.srcBytes(), e.family(), scratch), scratch, ports, e.srcPort());
        out.append(" -> ");
        endpoint(out, AddressChars.format(e.dstBytes(), e.family(), scratch), scratch, ports, e.dstPort());
    }

    /** The address text in {@code host[0, length)}, bracketed when it is IPv6 and a port follows. */
    private static void endpoint(TextBuffer out, int length, char[] host, boolean withPort, int port) {
        if (!withPort) {
            out.append(host, 0, length);
            return;
        }
        boolean v6 = false;
        for (int i = 0; i < length && !v6; i++) {
            v6 = host[i] == ':';
        }
        if (v6) {
            out.append('[').append(host, 0, length).append(']');
        } else {
            out.append(host, 0, length);
        }
        out.append(':').append(port);
    }

    /** RFC 5952 text: IPv6 with the longest run of zero groups compressed ("2001:db8::2"). */
    public static String address(InetAddress a) {
        return address(a.getAddress());
    }

    /** Like {@link #address(InetAddress)} from raw bytes: 4 bytes IPv4, 16 bytes IPv6 (IPv4-mapped stays IPv6). */
    public static String address(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        if (isV4Mapped(b)) { // RFC 5952 section 5: the IPv4 part in dotted decimal
            return "::ffff:" + address(java.util.Arrays.copyOfRange(b, 12, 16));
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

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static String endpoint(byte[] a, boolean withPort, int port) {
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

    /**
     * tracepkt's IPTABLES column: {@code filter.OUTPUT :ACCEPT}, {@code filter.FORWARD :JUMP PTCHK};
     * empty when the event carries no netfilter verdict.
     */
    public static String iptables(PacketEvent e) {
        if (e.nfTable() == null) {
            return "";
        }
        String s = e.nfTable() + "." + e.nfChain() + " :" + e.nfVerdict();
        return e.nfTarget() == null ? s : s + " " + e.nfTarget();
    }

    /**
     * The rule that gave a netfilter verdict, as nft prints it: {@code ip rule 5: meta l4proto icmp
     * counter accept}; {@code ip policy} when no rule decided; a text that may not be the rule's any
     * more is marked stale. Empty without a verdict.
     */
    public static String rule(PacketEvent e) {
        if (e.nfTable() == null) {
            return "";
        }
        String family = e.nfFamily() == null ? "" : e.nfFamily() + " ";
        if (e.nfPolicy()) {
            return family + "policy";
        }
        if (e.nfRuleHandle() < 0) {
            return "RETURN".equals(e.nfVerdict()) ? family + "end of chain" : family.strip();
        }
        String head = family + "rule " + e.nfRuleHandle();
        if (e.nfRule() == null) {
            return head + " (text unknown: the ruleset changed before it was listed)";
        }
        return head + (e.nfRuleStale() ? " (stale)" : "") + ": " + e.nfRule();
    }

    /**
     * Extra details: drop reason, the call (or return value), ICMP sequence, outer header, attributes,
     * and last (it is the longest) the netfilter rule.
     */
    public static String info(PacketEvent e) {
        StringBuilder sb = new StringBuilder();
        if (e.dropReason() >= 0) {
            sb.append("drop reason ").append(e.dropReasonName());
        }
        append(sb, call(e));
        if (e.icmpSeq() >= 0) {
            append(sb, "id " + e.icmpId() + " seq " + e.icmpSeq());
        }
        append(sb, outer(e));
        append(sb, attrs(e));
        append(sb, rule(e));
        return sb.toString();
    }

    /**
     * A function-call event's side: "return 0 FLOW_FORWARD after 1.2 µs", "return not seen", "entry";
     * or "ret N" for a return value outside a call; "" otherwise.
     */
    public static String call(PacketEvent e) {
        String ret = e.hasReturnValue() ? "ret " + e.returnValue() + (e.returnValueName() != null ? " " + e.returnValueName() : "") : "";
        switch (e.call()) {
            case PacketEvent.CALL_ENTRY: return "entry";
            case PacketEvent.CALL_RETURN:
                return (ret.isEmpty() ? "return" : ret) + " after " + String.format(java.util.Locale.ROOT, "%.1f µs", e.durationNs() / 1000.0);
            case PacketEvent.CALL_RETURN_MISSED: return "return not seen";
            default: return ret;
        }
    }

    /** The outer header of an encapsulated packet: "outer udp 8.0.0.2:53363 -> 8.0.0.3:6635 mpls-udp", or "". */
    public static String outer(PacketEvent e) {
        if (e.outerFamily() != PacketEvent.FAMILY_IPV4 && e.outerFamily() != PacketEvent.FAMILY_IPV6) {
            return e.encap() == null ? "" : e.encap();
        }
        int len = e.outerFamily() == PacketEvent.FAMILY_IPV4 ? 4 : 16;
        boolean ports = e.outerProtocol() == PacketEvent.PROTO_TCP || e.outerProtocol() == PacketEvent.PROTO_UDP;
        String proto = e.outerProtocol() == PacketEvent.PROTO_UDP ? "udp" : e.outerProtocol() == 47 ? "gre"
                : "proto " + e.outerProtocol();
        return "outer " + proto + " " + endpoint(java.util.Arrays.copyOf(e.outerSrcBytes(), len), ports, e.outerSrcPort())
                + " -> " + endpoint(java.util.Arrays.copyOf(e.outerDstBytes(), len), ports, e.outerDstPort())
                + (e.encap() != null ? " " + e.encap() : "");
    }

    /** Probe-specific attributes as "name value" pairs: "vif 5, vp_type IP"; "" when there are none. */
    public static String attrs(PacketEvent e) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < e.attrCount(); i++) {
            append(sb, e.attrName(i) + " " + e.formatAttr(i));
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String s) {
        if (s.isEmpty()) {
            return;
        }
        if (sb.length() > 0) {
            sb.append(", ");
        }
        sb.append(s);
    }
}
