package io.pkttrace.jsonl;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes events as JSON Lines, one object per line, schema {@link JsonLines#VERSION}.
 *
 * <p>The hot path does not allocate and does little: every value is written as UTF-8 straight into
 * one reused buffer ({@link JsonBytes}), drained to the stream when full and on {@link #flush()} (the
 * json sink flushes once per ring batch), the common fields at a local position inside one room check
 * per event; field names are pre-encoded with their quotes and commas and copied a word at a time,
 * the probe/hook and namespace/interface runs are cached as bytes per context ({@link ContextRuns}),
 * and addresses are formatted into a reused char array. The bytes are those
 * Jackson's generator wrote before (JsonBytesTest compares them).
 * Not thread-safe.
 *
 * <p>Wall-clock time: the kernel stamps events with CLOCK_MONOTONIC ({@code bpf_ktime_get_ns}).
 * Java has no direct CLOCK_MONOTONIC call, but on Linux {@link System#nanoTime()} reads exactly that
 * clock, so {@code epoch - nanoTime()} measured once ({@link #measureClockOffsetNs()}) converts every
 * {@code ts_ns}; the caller keeps one offset per run so times stay consistent with {@code ts_ns} even
 * if the wall clock steps.
 */
public final class JsonlEventWriter implements AutoCloseable {
    private static final byte[] V = JsonBytes.fieldPrefix(JsonLines.V, true);
    private static final byte[] TYPE = name(JsonLines.TYPE);
    private static final byte[] TS_NS = name(JsonLines.TS_NS);
    private static final byte[] TIME = name(JsonLines.TIME);
    private static final byte[] CPU = name(JsonLines.CPU);
    private static final byte[] PACKET_ID = name(JsonLines.PACKET_ID);
    private static final byte[] PID = name(JsonLines.PID);
    private static final byte[] LEN = name(JsonLines.LEN);
    private static final byte[] SOCK_INO = name(JsonLines.SOCK_INO);
    private static final byte[] FAMILY = name(JsonLines.FAMILY);
    private static final byte[] SRC = name(JsonLines.SRC);
    private static final byte[] DST = name(JsonLines.DST);
    private static final byte[] PROTO = name(JsonLines.PROTO);
    private static final byte[] SPORT = name(JsonLines.SPORT);
    private static final byte[] DPORT = name(JsonLines.DPORT);
    private static final byte[] ICMP_TYPE = name(JsonLines.ICMP_TYPE);
    private static final byte[] ICMP_CODE = name(JsonLines.ICMP_CODE);
    private static final byte[] ICMP_ID = name(JsonLines.ICMP_ID);
    private static final byte[] ICMP_SEQ = name(JsonLines.ICMP_SEQ);
    private static final byte[] RET = name(JsonLines.RET);
    private static final byte[] NF_TABLE = name(JsonLines.NF_TABLE);
    private static final byte[] NF_CHAIN = name(JsonLines.NF_CHAIN);
    private static final byte[] NF_VERDICT = name(JsonLines.NF_VERDICT);
    private static final byte[] NF_FAMILY = name(JsonLines.NF_FAMILY);
    private static final byte[] NF_TARGET = name(JsonLines.NF_TARGET);
    private static final byte[] NF_POLICY = name(JsonLines.NF_POLICY);
    private static final byte[] NF_RULE_HANDLE = name(JsonLines.NF_RULE_HANDLE);
    private static final byte[] NF_RULE = name(JsonLines.NF_RULE);
    private static final byte[] NF_RULE_STALE = name(JsonLines.NF_RULE_STALE);
    private static final byte[] DROP_REASON = name(JsonLines.DROP_REASON);
    private static final byte[] DROP_REASON_NAME = name(JsonLines.DROP_REASON_NAME);
    private static final byte[] RET_NAME = name(JsonLines.RET_NAME);
    private static final byte[] CALL = name(JsonLines.CALL);
    private static final byte[] DEPTH = name(JsonLines.DEPTH);
    private static final byte[] DURATION_NS = name(JsonLines.DURATION_NS);
    private static final byte[] PARENT_PACKET_ID = name(JsonLines.PARENT_PACKET_ID);
    private static final byte[] OUTER_FAMILY = name(JsonLines.OUTER_FAMILY);
    private static final byte[] OUTER_SRC = name(JsonLines.OUTER_SRC);
    private static final byte[] OUTER_DST = name(JsonLines.OUTER_DST);
    private static final byte[] OUTER_PROTO = name(JsonLines.OUTER_PROTO);
    private static final byte[] OUTER_SPORT = name(JsonLines.OUTER_SPORT);
    private static final byte[] OUTER_DPORT = name(JsonLines.OUTER_DPORT);
    private static final byte[] ENCAP = name(JsonLines.ENCAP);
    private static final byte[] ATTRS = name(JsonLines.ATTRS);
    private static final byte[] BYTES = name(JsonLines.BYTES);
    private static final byte[][] CALL_NAMES = JsonLines.CALL_VALUES.stream()
            .map(v -> v == null ? null : JsonBytes.quoted(v)).toArray(byte[][]::new);
    private static final byte[] SUMMARY_TYPE = JsonBytes.quoted(JsonLines.SUMMARY);
    private static final byte[] OBJECT_START = {'{'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] OBJECT_END = {'}', '\n'};
    /** Constant runs around the first values of every event: {"v":1,"ts_ns": ... ,"time":" ... ","cpu": */
    private static final byte[] EVENT_START = concat(OBJECT_START, V,
            Integer.toString(JsonLines.VERSION).getBytes(StandardCharsets.US_ASCII), TS_NS);
    private static final byte[] QUOTE = {'"'};
    private static final byte[] TIME_OPEN = concat(TIME, QUOTE);
    private static final byte[] TIME_CLOSE_CPU = concat(QUOTE, CPU);
    /** Output buffer: many events between two flushes, few writes to the stream. */
    private static final int BUFFER = 1 << 16;

    private final JsonBytes g;
    private final char[] chars = new char[64];
    private final IsoTime isoTime = new IsoTime();
    private final ContextRuns context;

    /** A writer into {@code out}; {@link #close()} closes it. */
    public JsonlEventWriter(OutputStream out) throws IOException {
        g = new JsonBytes(out, BUFFER);
        context = new ContextRuns(g);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] name(String s) {
        return JsonBytes.fieldPrefix(s, false);
    }

    private static volatile Long runOffset;

    /**
     * The offset of this run: {@link #measureClockOffsetNs()} once per process, so that every sink of a
     * run (json, pcapng) converts the kernel's times identically and a recording's times replay
     * exactly to what the other sinks of the same run wrote.
     */
    public static long runClockOffsetNs() {
        Long o = runOffset;
        if (o == null) {
            synchronized (JsonlEventWriter.class) {
                if (runOffset == null) {
                    runOffset = measureClockOffsetNs();
                }
                o = runOffset;
            }
        }
        return o;
    }

    /**
     * Nanoseconds to add to CLOCK_MONOTONIC to get Unix-epoch time, now. {@link Instant#now()} has
     * microsecond resolution on Linux (currentTimeMillis only milliseconds); the monotonic reading is
     * the midpoint of two around it.
     */
    public static long measureClockOffsetNs() {
        long before = System.nanoTime();
        Instant now = Instant.now();
        long after = System.nanoTime();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - (before + (after - before) / 2);
    }

    /** One event object and its newline; {@code time} is {@code ts_ns + clockOffsetNs}. */
    public void write(PacketEvent e, long clockOffsetNs) throws IOException {
        try {
            writeEvent(e, clockOffsetNs);
        } catch (JsonBytes.Unwritable u) {
            throw u.getCause(); // the stream's own exception, as the caller expects
        }
    }

    /**
     * The common fields (up to {@code ret}) are written at a local position inside one
     * {@link JsonBytes#reserve()} per event, without a bounds check per value; the rarer ones after
     * them check their own room.
     */
    private void writeEvent(PacketEvent e, long clockOffsetNs) {
        byte[] b = g.buffer();
        int p = g.reserve();
        long ts = e.timestampNs();
        p = JsonBytes.put(EVENT_START, b, p);
        p = JsonBytes.number(ts, b, p);
        p = JsonBytes.put(TIME_OPEN, b, p);
        p = isoTime.format(ts + clockOffsetNs, b, p);
        p = JsonBytes.put(TIME_CLOSE_CPU, b, p);
        p = JsonBytes.number(e.cpu(), b, p);
        p = context.names(e.probe(), e.hook(), b, p);
        if (e.packetId() != 0) {
            p = JsonBytes.hex(e.packetId(), b, JsonBytes.put(PACKET_ID, b, p));
        }
        p = context.place(e.netnsInode(), e.netnsName(), e.ifindex(), e.ifname(), b, p);
        p = JsonBytes.number(e.pid(), b, JsonBytes.put(PID, b, p));
        p = JsonBytes.number(e.length(), b, JsonBytes.put(LEN, b, p));
        p = positive(SOCK_INO, e.socketInode(), b, p);
        if (e.family() == PacketEvent.FAMILY_IPV4 || e.family() == PacketEvent.FAMILY_IPV6) {
            p = writeIp(e, b, p);
        }
        if (e.hasReturnValue()) {
            p = JsonBytes.number(e.returnValue(), b, JsonBytes.put(RET, b, p));
        }
        g.position(p);
        string(NF_TABLE, e.nfTable());
        string(NF_CHAIN, e.nfChain());
        string(NF_VERDICT, e.nfVerdict());
        string(NF_FAMILY, e.nfFamily());
        string(NF_TARGET, e.nfTarget());
        if (e.nfPolicy()) {
            g.raw(NF_POLICY);
            g.raw(TRUE);
        }
        if (e.nfRuleHandle() >= 0) {
            g.raw(NF_RULE_HANDLE);
            g.number(e.nfRuleHandle());
        }
        string(NF_RULE, e.nfRule());
        if (e.nfRuleStale()) {
            g.raw(NF_RULE_STALE);
            g.raw(TRUE);
        }
        if (e.dropReason() >= 0) {
            g.raw(DROP_REASON);
            g.number(e.dropReason());
            string(DROP_REASON_NAME, e.dropReasonName());
        }
        writeCall(e);
        writeOuter(e);
        writeAttrs(e);
        if (e.packetBytesLength() > 0) {
            g.raw(BYTES);
            g.base64(e.packetBytes(), 0, e.packetBytesLength());
        }
        g.raw(OBJECT_END);
    }

    /** Function-call probes: which side of the call, its depth, duration, the return value's name, the parent packet. */
    private void writeCall(PacketEvent e) {
        string(RET_NAME, e.returnValueName());
        if (e.call() > 0 && e.call() < CALL_NAMES.length) {
            g.raw(CALL);
            g.raw(CALL_NAMES[e.call()]);
            g.raw(DEPTH);
            g.number(e.callDepth());
            if (e.call() == PacketEvent.CALL_RETURN) {
                g.raw(DURATION_NS);
                g.number(e.durationNs());
            }
        }
        if (e.parentPacketId() != 0) {
            g.raw(PARENT_PACKET_ID);
            g.hex(e.parentPacketId());
        }
    }

    /** The outer header of an encapsulated packet (the main fields hold the inner one). */
    private void writeOuter(PacketEvent e) {
        if (e.outerFamily() == PacketEvent.FAMILY_IPV4 || e.outerFamily() == PacketEvent.FAMILY_IPV6) {
            g.raw(OUTER_FAMILY);
            g.number(e.outerFamily());
            g.raw(OUTER_SRC);
            g.asciiString(chars, AddressChars.format(e.outerSrcBytes(), e.outerFamily(), chars));
            g.raw(OUTER_DST);
            g.asciiString(chars, AddressChars.format(e.outerDstBytes(), e.outerFamily(), chars));
            g.raw(OUTER_PROTO);
            g.number(e.outerProtocol());
            if (e.outerSrcPort() != 0 || e.outerDstPort() != 0) {
                g.raw(OUTER_SPORT);
                g.number(e.outerSrcPort());
                g.raw(OUTER_DPORT);
                g.number(e.outerDstPort());
            }
        }
        string(ENCAP, e.encap());
    }

    /** Probe-specific attributes as one object; addresses and hex values as canonical strings the reader recognizes. */
    private void writeAttrs(PacketEvent e) {
        int n = e.attrCount();
        if (n == 0) {
            return;
        }
        g.raw(ATTRS);
        g.raw((byte) '{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                g.raw((byte) ',');
            }
            g.string(e.attrName(i));
            g.raw((byte) ':');
            long v = e.attrValue(i);
            switch (e.attrKind(i)) {
                case NUMBER -> g.number(v);
                case HEX -> g.hex(v);
                case MAC -> g.asciiString(chars, AddressChars.mac(v, chars));
                case IPV4 -> g.asciiString(chars, AddressChars.ipv4(v, chars));
                default -> g.string(e.attrText(i) == null ? "" : e.attrText(i));
            }
        }
        g.raw((byte) '}');
    }

    private int writeIp(PacketEvent e, byte[] b, int p) {
        p = JsonBytes.number(e.family(), b, JsonBytes.put(FAMILY, b, p));
        p = JsonBytes.put(SRC, b, p);
        p = JsonBytes.asciiString(chars, AddressChars.format(e.srcBytes(), e.family(), chars), b, p);
        p = JsonBytes.put(DST, b, p);
        p = JsonBytes.asciiString(chars, AddressChars.format(e.dstBytes(), e.family(), chars), b, p);
        p = JsonBytes.number(e.protocol(), b, JsonBytes.put(PROTO, b, p));
        boolean ports = e.protocol() == PacketEvent.PROTO_TCP || e.protocol() == PacketEvent.PROTO_UDP;
        // Both 0: the transport header was not read (a non-first fragment), not port 0.
        if (ports && (e.srcPort() != 0 || e.dstPort() != 0)) {
            p = JsonBytes.number(e.srcPort(), b, JsonBytes.put(SPORT, b, p));
            p = JsonBytes.number(e.dstPort(), b, JsonBytes.put(DPORT, b, p));
        }
        boolean icmp = e.protocol() == PacketEvent.PROTO_ICMP || e.protocol() == PacketEvent.PROTO_ICMPV6;
        if (icmp && e.icmpType() >= 0) {
            p = JsonBytes.number(e.icmpType(), b, JsonBytes.put(ICMP_TYPE, b, p));
            p = JsonBytes.number(e.icmpCode(), b, JsonBytes.put(ICMP_CODE, b, p));
            if (e.icmpId() >= 0) {
                p = JsonBytes.number(e.icmpId(), b, JsonBytes.put(ICMP_ID, b, p));
                p = JsonBytes.number(e.icmpSeq(), b, JsonBytes.put(ICMP_SEQ, b, p));
            }
        }
        return p;
    }

    /**
     * The optional last object: {@code {"v":1,"type":"summary","time":...}} with the run's counters.
     *
     * @param endEpochNanos when the run ended, as nanoseconds since the Unix epoch
     */
    public void writeSummary(RunStats stats, long endEpochNanos) throws IOException {
        JsonBytes.rethrowing(() -> summary(stats, endEpochNanos)); // once per run: a lambda is fine here
    }

    private void summary(RunStats stats, long endEpochNanos) {
        startObject();
        g.raw(TYPE);
        g.raw(SUMMARY_TYPE);
        g.time(TIME_OPEN, isoTime, endEpochNanos, QUOTE);
        g.raw(name(JsonLines.PRODUCED));
        g.number(stats.produced());
        g.raw(name(JsonLines.DELIVERED));
        g.number(stats.delivered());
        g.raw(name(JsonLines.LOST_IN_KERNEL));
        g.number(stats.lostInKernel());
        g.raw(name(JsonLines.LEFT_UNREAD));
        g.number(stats.leftUnread());
        g.raw(name(JsonLines.FILTERED_IN_KERNEL));
        g.number(stats.filteredInKernel());
        g.raw(name(JsonLines.FILTERED_IN_JAVA));
        g.number(stats.filteredInJava());
        g.raw(name(JsonLines.EMITTED));
        g.number(stats.emitted());
        g.raw(OBJECT_END);
    }

    /** Every object starts with the schema version. */
    private void startObject() {
        g.raw(OBJECT_START);
        g.raw(V);
        g.number(JsonLines.VERSION);
    }

    private void string(byte[] field, String value) {
        if (value != null) {
            g.raw(field);
            g.string(value); // escapes quotes, backslashes and control characters
        }
    }

    private static int positive(byte[] field, long value, byte[] b, int p) {
        return value == 0 ? p : JsonBytes.number(value, b, JsonBytes.put(field, b, p));
    }

    /** Writes what is buffered to the stream and flushes it. */
    public void flush() throws IOException {
        g.flush();
    }

    /** Flushes and closes the stream. */
    @Override
    public void close() throws IOException {
        g.close();
    }
}
