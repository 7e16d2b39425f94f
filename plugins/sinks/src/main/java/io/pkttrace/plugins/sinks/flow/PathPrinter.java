package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.sinks.EventText;
import io.pkttrace.plugins.sinks.TextBuffer;
import io.pkttrace.jsonl.AddressChars;

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
    /** Width of the time column (right-aligned). */
    private static final int DELTA_WIDTH = 10;
    private static final byte[] MICROS_UNIT = encoded(" µs");
    private static final byte[] NON_IP = encoded("non-IP packet");
    private static final byte[] COLON = encoded(": ");
    private static final byte[] COMMA = encoded(", ");
    private static final byte[] HOP = encoded(" hop");
    private static final byte[] HOPS = encoded(" hops");
    /** {@link PacketEnd#text()} of each end, by ordinal. */
    private static final byte[][] END_TEXTS = new byte[PacketEnd.values().length][];
    /** The time column of a hop less than 0.05 µs after the previous one: every packet's first hop. */
    private static final byte[] ZERO_DELTA;

    static {
        for (PacketEnd end : PacketEnd.values()) {
            END_TEXTS[end.ordinal()] = encoded(end.text());
        }
        TextBuffer zero = new TextBuffer(32);
        deltaColumn(0, zero);
        ZERO_DELTA = encoded(zero.toString());
    }

    /** Address text, {@link AddressChars} writes it here before it is appended. */
    private final char[] address = new char[AddressChars.MAX];
    private final NetnsColumn namespaces = new NetnsColumn();
    private final PlaceColumns places = new PlaceColumns();
    /** The packet's header fields, put back into an event for {@link #what}. */
    private final PacketEvent tuple = new PacketEvent();

    /**
     * Appends the packet's lines, each ending with '\n', straight into {@code out}: no text is built
     * on the way (column widths are computed from lengths), so printing a packet does not allocate
     * unless it carries netfilter or function-call details.
     */
    void print(TrackedPacket p, TextBuffer out) {
        p.sortHops();
        out.append('#').append(p.number()).append(' ');
        what(p.tuple(tuple), out);
        out.appendUtf8(COLON);
        int n = p.hopCount();
        out.append(n).appendUtf8(n == 1 ? HOP : HOPS);
        if (n > 1) {
            out.append(" in ");
            micros(p.lastTs() - p.firstTs(), out);
        }
        out.appendUtf8(COMMA).appendUtf8(END_TEXTS[p.end().ordinal()]);
        PacketEvent end = p.endEvent();
        if (p.end() == PacketEnd.DROPPED && end != null) {
            out.append(' ');
            if (end.dropReasonName() != null) {
                out.append(end.dropReasonName());
            } else if (end.dropReason() >= 0) {
                out.append("reason ").append(end.dropReason());
            }
        }
        if (p.replyTo() != 0) {
            out.append("; reply to #").append(p.replyTo()).append(" after ");
            micros(p.firstTs() - p.replyToFirstTs(), out);
        }
        if (p.answeredBy() != 0) {
            out.append("; answered by #").append(p.answeredBy());
        }
        out.trimTrailingSpace(0);
        out.append('\n');

        HopList hops = p.hops();
        int kept = hops.size();
        int nsWidth = 0;
        int ifWidth = 0;
        int hookWidth = 0;
        for (int i = 0; i < kept; i++) {
            nsWidth = Math.max(nsWidth, namespaces.of(hops.netnsInode(i), hops.netnsName(i)).chars());
            ifWidth = Math.max(ifWidth, orDash(hops.ifname(i)).length());
            hookWidth = Math.max(hookWidth, orDash(hops.hook(i)).length());
        }
        long previous = kept == 0 ? 0 : hops.timestampNs(0);
        for (int i = 0; i < kept; i++) {
            int start = out.length();
            long delta = hops.timestampNs(i) - previous;
            previous = hops.timestampNs(i);
            if (delta >= 0 && delta < 50) {
                out.appendUtf8(ZERO_DELTA);
            } else {
                deltaColumn(delta, out);
            }
            // Kept whole where there is more to show (TrackedPacket.needsEvent); else the line ends with
            // the place, trimmed there (it starts with the namespace's '[', so the time column is not).
            PacketEvent h = hops.event(i);
            places.append(namespaces, hops.netnsInode(i), hops.netnsName(i), orDash(hops.ifname(i)),
                    orDash(hops.hook(i)), nsWidth, ifWidth, hookWidth, h == null, out);
            if (h != null) {
                details(h, hops.change(i), out);
                out.trimTrailingSpace(start);
            }
            out.append('\n');
        }
        if (p.omittedHops() > 0) {
            out.append("  ... ").append(p.omittedHops()).append(" more hops not kept (max-hops)\n");
        }
    }

    /** "request 198.18.1.2 -> 198.18.2.2 id 7 seq 1", "tcp 10.0.0.1:5 -> 10.0.0.2:80", "non-IP packet". */
    private void what(PacketEvent e, TextBuffer out) {
        if (e == null) {
            out.appendUtf8(NON_IP);
            return;
        }
        out.append(EventText.type(e)).append(' ');
        EventText.appendAddresses(e, out, address);
        if (e.icmpId() >= 0) {
            out.append(" id ").append(e.icmpId()).append(" seq ").append(e.icmpSeq());
        }
    }

    /**
     * The time column and the two spaces after it: right-aligned by the length the text will have,
     * known beforehand, so nothing is moved.
     */
    private static void deltaColumn(long delta, TextBuffer out) {
        long tenths = tenths(delta);
        out.append("  ").repeat(' ', DELTA_WIDTH - 1 - microsLength(delta < 0, tenths)).append('+');
        appendMicros(delta < 0, tenths, out);
        out.append("  ");
    }

    /** {@code text} as {@link TextBuffer} encodes it, to be appended with {@link TextBuffer#appendUtf8}. */
    private static byte[] encoded(String text) {
        return new TextBuffer(text.length() * 3).append(text).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String orDash(String name) {
        return name == null ? "-" : name;
    }

    /** New tuple, drop reason, netfilter verdict and rule, the call or return value: what the hook reported beyond its place. */
    private void details(PacketEvent h, TupleChange change, TextBuffer out) {
        int start = out.length();
        if (change != TupleChange.NONE) {
            out.append(change.text()).append(": ");
            what(h, out);
        }
        if (h.dropReason() >= 0) {
            out.append(out.length() > start ? ", " : "").append("reason ");
            if (h.dropReasonName() != null) {
                out.append(h.dropReasonName());
            } else {
                out.append(h.dropReason());
            }
        }
        if (h.nfTable() != null) {
            out.append(out.length() > start ? ", " : "").append(EventText.iptables(h)).append("  ").append(EventText.rule(h));
        }
        String call = EventText.call(h);
        if (!call.isEmpty()) {
            out.append(out.length() > start ? ", " : "").append(call);
        }
    }

    /**
     * Microseconds with one decimal, "12.3 µs", rounded half up as {@code %.1f} would (always a decimal
     * point). Integer arithmetic: String.format cost more than the rest of printing a packet.
     */
    static String micros(long ns) {
        TextBuffer text = new TextBuffer(16);
        micros(ns, text);
        return text.toString();
    }

    private static void micros(long ns, TextBuffer out) {
        appendMicros(ns < 0, tenths(ns), out);
    }

    /** Tenths of a µs in {@code |ns|}, rounded half up; int arithmetic where it fits (long division is slower). */
    private static long tenths(long ns) {
        long abs = Math.abs(ns);
        return abs < Integer.MAX_VALUE - 50 ? ((int) abs + 50) / 100 : (abs + 50) / 100;
    }

    private static void appendMicros(boolean negative, long tenths, TextBuffer out) {
        if (negative) {
            out.append('-');
        }
        if (tenths <= Integer.MAX_VALUE) {
            int t = (int) tenths;
            int whole = t / 10;
            out.append(whole).append('.').append((char) ('0' + t - whole * 10));
        } else {
            out.append(tenths / 10).append('.').append((char) ('0' + tenths % 10));
        }
        out.appendUtf8(MICROS_UNIT);
    }

    /** Chars {@link #micros(long)} has. */
    static int microsLength(long ns) {
        return microsLength(ns < 0, tenths(ns));
    }

    /** Chars {@link #appendMicros} appends: sign, whole µs (at least "0"), ".d", " µs". */
    private static int microsLength(boolean negative, long tenths) {
        return (negative ? 1 : 0) + Math.max(1, TextBuffer.decimalDigits(tenths) - 1) + 2 + 3;
    }
}
