package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.sinks.EventText;
import java.util.List;

/**
 * Formats a finished packet: a header line with its first tuple, then one line per hop in time order
 * with the time since the previous hop, the namespace, the interface, the hook and hook details,
 * among them the new tuple where NAT or a tunnel changed it.
 *
 * <pre>
 * #1 request 198.18.1.2 -&gt; 198.18.2.2 id 7 seq 1: 4 hops in 41.9 µs, idle, end not seen; answered by #2
 *      +0.0 µs  [4026532281 (client)]  eth0  tx
 *     +14.2 µs  [4026532350 (router)]  r0    rx
 *      +9.1 µs  [4026532350 (router)]  r1    tx  NAT: request 198.18.2.1 -&gt; 198.18.2.2 id 3 seq 1
 * </pre>
 */
final class PathPrinter {
    private PathPrinter() {
    }

    /** Appends the packet's lines, each ending with '\n'. */
    static void print(TrackedPacket p, StringBuilder out) {
        List<TrackedPacket.Hop> hops = p.hopsInOrder();
        out.append('#').append(p.number()).append(' ').append(what(p.tupleEvent())).append(": ");
        int n = p.hopCount();
        out.append(n).append(n == 1 ? " hop" : " hops");
        if (n > 1) {
            out.append(" in ").append(micros(p.lastTs() - p.firstTs()));
        }
        out.append(", ").append(p.end().text());
        PacketEvent end = p.endEvent();
        if (p.end() == PacketEnd.DROPPED && end != null) {
            out.append(' ').append(end.dropReasonName() != null ? end.dropReasonName()
                    : end.dropReason() >= 0 ? "reason " + end.dropReason() : "");
        }
        if (p.replyTo() != 0) {
            out.append("; reply to #").append(p.replyTo()).append(" after ").append(micros(p.firstTs() - p.replyToFirstTs()));
        }
        if (p.answeredBy() != 0) {
            out.append("; answered by #").append(p.answeredBy());
        }
        trimTrailingSpace(out);
        out.append('\n');

        int nsWidth = 0;
        int ifWidth = 0;
        int hookWidth = 0;
        for (TrackedPacket.Hop hop : hops) {
            PacketEvent h = hop.event();
            nsWidth = Math.max(nsWidth, netns(h).length());
            ifWidth = Math.max(ifWidth, ifname(h).length());
            hookWidth = Math.max(hookWidth, hook(h).length());
        }
        long previous = hops.isEmpty() ? 0 : hops.get(0).event().timestampNs();
        for (TrackedPacket.Hop hop : hops) {
            PacketEvent h = hop.event();
            String delta = "+" + micros(h.timestampNs() - previous);
            previous = h.timestampNs();
            int start = out.length();
            out.append("  ");
            pad(out, delta, 10, true);
            out.append("  ");
            pad(out, netns(h), nsWidth, false);
            out.append("  ");
            pad(out, ifname(h), ifWidth, false);
            out.append("  ");
            pad(out, hook(h), hookWidth, false);
            out.append("  ").append(details(h, hop.change()));
            trimTrailingSpace(out, start);
            out.append('\n');
        }
        if (p.omittedHops() > 0) {
            out.append("  ... ").append(p.omittedHops()).append(" more hops not kept (max-hops)\n");
        }
    }

    /** "request 198.18.1.2 -> 198.18.2.2 id 7 seq 1", "tcp 10.0.0.1:5 -> 10.0.0.2:80", "non-IP packet". */
    static String what(PacketEvent e) {
        if (e == null) {
            return "non-IP packet";
        }
        String s = EventText.type(e) + " " + EventText.addresses(e);
        if (e.icmpId() >= 0) {
            s += " id " + e.icmpId() + " seq " + e.icmpSeq();
        }
        return s;
    }

    private static String netns(PacketEvent h) {
        return "[" + EventText.netns(h) + "]";
    }

    private static String hook(PacketEvent h) {
        return h.hook() == null ? "-" : h.hook();
    }

    private static String ifname(PacketEvent h) {
        return h.ifname() == null ? "-" : h.ifname();
    }

    /** New tuple, drop reason, netfilter verdict and rule, the call or return value: what the hook reported beyond its place. */
    private static String details(PacketEvent h, TupleChange change) {
        StringBuilder sb = new StringBuilder();
        if (change != TupleChange.NONE) {
            sb.append(change.text()).append(": ").append(what(h));
        }
        if (h.dropReason() >= 0) {
            sb.append(sb.length() > 0 ? ", " : "");
            sb.append("reason ").append(h.dropReasonName() != null ? h.dropReasonName() : Integer.toString(h.dropReason()));
        }
        if (h.nfTable() != null) {
            sb.append(sb.length() > 0 ? ", " : "").append(EventText.iptables(h)).append("  ").append(EventText.rule(h));
        }
        String call = EventText.call(h);
        if (!call.isEmpty()) {
            sb.append(sb.length() > 0 ? ", " : "").append(call);
        }
        return sb.toString();
    }

    /**
     * Microseconds with one decimal, "12.3 µs", rounded half up as {@code %.1f} would (always a decimal
     * point). Integer arithmetic: String.format cost more than the rest of printing a packet.
     */
    static String micros(long ns) {
        long tenths = (Math.abs(ns) + 50) / 100;
        return (ns < 0 ? "-" : "") + tenths / 10 + "." + tenths % 10 + " µs";
    }

    private static void pad(StringBuilder out, String s, int width, boolean right) {
        if (right) {
            out.append(" ".repeat(Math.max(0, width - s.length()))).append(s);
        } else {
            out.append(s).append(" ".repeat(Math.max(0, width - s.length())));
        }
    }

    private static void trimTrailingSpace(StringBuilder out) {
        trimTrailingSpace(out, 0);
    }

    private static void trimTrailingSpace(StringBuilder out, int from) {
        int end = out.length();
        while (end > from && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
    }
}
