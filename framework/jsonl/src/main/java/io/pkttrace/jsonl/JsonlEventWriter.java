package io.pkttrace.jsonl;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * Writes events as JSON Lines, one object per line, schema {@link JsonLines#VERSION}.
 *
 * <p>The hot path does not allocate: a Jackson generator writes straight into its own buffer, field
 * names are pre-encoded, and addresses, times and packet ids are formatted into a reused char array.
 * Not thread-safe.
 *
 * <p>Wall-clock time: the kernel stamps events with CLOCK_MONOTONIC ({@code bpf_ktime_get_ns}).
 * Java has no direct CLOCK_MONOTONIC call, but on Linux {@link System#nanoTime()} reads exactly that
 * clock, so {@code epoch - nanoTime()} measured once ({@link #measureClockOffsetNs()}) converts every
 * {@code ts_ns}; the caller keeps one offset per run so times stay consistent with {@code ts_ns} even
 * if the wall clock steps.
 */
public final class JsonlEventWriter implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final SerializableString V = name(JsonLines.V);
    private static final SerializableString TYPE = name(JsonLines.TYPE);
    private static final SerializableString TS_NS = name(JsonLines.TS_NS);
    private static final SerializableString TIME = name(JsonLines.TIME);
    private static final SerializableString CPU = name(JsonLines.CPU);
    private static final SerializableString PROBE = name(JsonLines.PROBE);
    private static final SerializableString HOOK = name(JsonLines.HOOK);
    private static final SerializableString PACKET_ID = name(JsonLines.PACKET_ID);
    private static final SerializableString NETNS = name(JsonLines.NETNS);
    private static final SerializableString NETNS_NAME = name(JsonLines.NETNS_NAME);
    private static final SerializableString IFINDEX = name(JsonLines.IFINDEX);
    private static final SerializableString IFNAME = name(JsonLines.IFNAME);
    private static final SerializableString PID = name(JsonLines.PID);
    private static final SerializableString LEN = name(JsonLines.LEN);
    private static final SerializableString SOCK_INO = name(JsonLines.SOCK_INO);
    private static final SerializableString FAMILY = name(JsonLines.FAMILY);
    private static final SerializableString SRC = name(JsonLines.SRC);
    private static final SerializableString DST = name(JsonLines.DST);
    private static final SerializableString PROTO = name(JsonLines.PROTO);
    private static final SerializableString SPORT = name(JsonLines.SPORT);
    private static final SerializableString DPORT = name(JsonLines.DPORT);
    private static final SerializableString ICMP_TYPE = name(JsonLines.ICMP_TYPE);
    private static final SerializableString ICMP_CODE = name(JsonLines.ICMP_CODE);
    private static final SerializableString ICMP_ID = name(JsonLines.ICMP_ID);
    private static final SerializableString ICMP_SEQ = name(JsonLines.ICMP_SEQ);
    private static final SerializableString RET = name(JsonLines.RET);
    private static final SerializableString NF_TABLE = name(JsonLines.NF_TABLE);
    private static final SerializableString NF_CHAIN = name(JsonLines.NF_CHAIN);
    private static final SerializableString NF_VERDICT = name(JsonLines.NF_VERDICT);
    private static final SerializableString NF_FAMILY = name(JsonLines.NF_FAMILY);
    private static final SerializableString NF_TARGET = name(JsonLines.NF_TARGET);
    private static final SerializableString NF_POLICY = name(JsonLines.NF_POLICY);
    private static final SerializableString NF_RULE_HANDLE = name(JsonLines.NF_RULE_HANDLE);
    private static final SerializableString NF_RULE = name(JsonLines.NF_RULE);
    private static final SerializableString NF_RULE_STALE = name(JsonLines.NF_RULE_STALE);
    private static final SerializableString DROP_REASON = name(JsonLines.DROP_REASON);
    private static final SerializableString DROP_REASON_NAME = name(JsonLines.DROP_REASON_NAME);
    private static final SerializableString RET_NAME = name(JsonLines.RET_NAME);
    private static final SerializableString CALL = name(JsonLines.CALL);
    private static final SerializableString DEPTH = name(JsonLines.DEPTH);
    private static final SerializableString DURATION_NS = name(JsonLines.DURATION_NS);
    private static final SerializableString PARENT_PACKET_ID = name(JsonLines.PARENT_PACKET_ID);
    private static final SerializableString OUTER_FAMILY = name(JsonLines.OUTER_FAMILY);
    private static final SerializableString OUTER_SRC = name(JsonLines.OUTER_SRC);
    private static final SerializableString OUTER_DST = name(JsonLines.OUTER_DST);
    private static final SerializableString OUTER_PROTO = name(JsonLines.OUTER_PROTO);
    private static final SerializableString OUTER_SPORT = name(JsonLines.OUTER_SPORT);
    private static final SerializableString OUTER_DPORT = name(JsonLines.OUTER_DPORT);
    private static final SerializableString ENCAP = name(JsonLines.ENCAP);
    private static final SerializableString ATTRS = name(JsonLines.ATTRS);
    private static final SerializableString BYTES = name(JsonLines.BYTES);
    private static final SerializableString[] CALL_NAMES = JsonLines.CALL_VALUES.stream()
            .map(v -> v == null ? null : name(v)).toArray(SerializableString[]::new);

    private final JsonGenerator gen;
    private final char[] chars = new char[64];
    private final IsoTime isoTime = new IsoTime();

    /** A writer into {@code out}; {@link #close()} closes it. */
    public JsonlEventWriter(OutputStream out) throws IOException {
        gen = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        // Objects are separated by our own '\n', not by Jackson's default root separator (a space).
        gen.setRootValueSeparator(null);
    }

    private static SerializableString name(String s) {
        return new SerializedString(s);
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
        JsonGenerator g = startObject();
        g.writeFieldName(TS_NS);
        g.writeNumber(e.timestampNs());
        g.writeFieldName(TIME);
        g.writeString(chars, 0, isoTime.format(e.timestampNs() + clockOffsetNs, chars));
        g.writeFieldName(CPU);
        g.writeNumber(e.cpu());
        string(PROBE, e.probe());
        string(HOOK, e.hook());
        if (e.packetId() != 0) {
            g.writeFieldName(PACKET_ID);
            g.writeString(chars, 0, hex(e.packetId()));
        }
        positive(NETNS, e.netnsInode());
        string(NETNS_NAME, e.netnsName());
        positive(IFINDEX, e.ifindex());
        string(IFNAME, e.ifname());
        g.writeFieldName(PID);
        g.writeNumber(e.pid());
        g.writeFieldName(LEN);
        g.writeNumber(e.length());
        positive(SOCK_INO, e.socketInode());
        if (e.family() == PacketEvent.FAMILY_IPV4 || e.family() == PacketEvent.FAMILY_IPV6) {
            writeIp(e);
        }
        if (e.hasReturnValue()) {
            g.writeFieldName(RET);
            g.writeNumber(e.returnValue());
        }
        string(NF_TABLE, e.nfTable());
        string(NF_CHAIN, e.nfChain());
        string(NF_VERDICT, e.nfVerdict());
        string(NF_FAMILY, e.nfFamily());
        string(NF_TARGET, e.nfTarget());
        if (e.nfPolicy()) {
            g.writeFieldName(NF_POLICY);
            g.writeBoolean(true);
        }
        if (e.nfRuleHandle() >= 0) {
            g.writeFieldName(NF_RULE_HANDLE);
            g.writeNumber(e.nfRuleHandle());
        }
        string(NF_RULE, e.nfRule());
        if (e.nfRuleStale()) {
            g.writeFieldName(NF_RULE_STALE);
            g.writeBoolean(true);
        }
        if (e.dropReason() >= 0) {
            g.writeFieldName(DROP_REASON);
            g.writeNumber(e.dropReason());
            string(DROP_REASON_NAME, e.dropReasonName());
        }
        writeCall(e);
        writeOuter(e);
        writeAttrs(e);
        if (e.packetBytesLength() > 0) {
            g.writeFieldName(BYTES);
            g.writeBinary(e.packetBytes(), 0, e.packetBytesLength()); // base64 straight into the output buffer
        }
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** Function-call probes: which side of the call, its depth, duration, the return value's name, the parent packet. */
    private void writeCall(PacketEvent e) throws IOException {
        JsonGenerator g = gen;
        string(RET_NAME, e.returnValueName());
        if (e.call() > 0 && e.call() < CALL_NAMES.length) {
            g.writeFieldName(CALL);
            g.writeString(CALL_NAMES[e.call()]);
            g.writeFieldName(DEPTH);
            g.writeNumber(e.callDepth());
            if (e.call() == PacketEvent.CALL_RETURN) {
                g.writeFieldName(DURATION_NS);
                g.writeNumber(e.durationNs());
            }
        }
        if (e.parentPacketId() != 0) {
            g.writeFieldName(PARENT_PACKET_ID);
            g.writeString(chars, 0, hex(e.parentPacketId()));
        }
    }

    /** The outer header of an encapsulated packet (the main fields hold the inner one). */
    private void writeOuter(PacketEvent e) throws IOException {
        JsonGenerator g = gen;
        if (e.outerFamily() == PacketEvent.FAMILY_IPV4 || e.outerFamily() == PacketEvent.FAMILY_IPV6) {
            g.writeFieldName(OUTER_FAMILY);
            g.writeNumber(e.outerFamily());
            g.writeFieldName(OUTER_SRC);
            g.writeString(chars, 0, AddressChars.format(e.outerSrcBytes(), e.outerFamily(), chars));
            g.writeFieldName(OUTER_DST);
            g.writeString(chars, 0, AddressChars.format(e.outerDstBytes(), e.outerFamily(), chars));
            g.writeFieldName(OUTER_PROTO);
            g.writeNumber(e.outerProtocol());
            if (e.outerSrcPort() != 0 || e.outerDstPort() != 0) {
                g.writeFieldName(OUTER_SPORT);
                g.writeNumber(e.outerSrcPort());
                g.writeFieldName(OUTER_DPORT);
                g.writeNumber(e.outerDstPort());
            }
        }
        string(ENCAP, e.encap());
    }

    /** Probe-specific attributes as one object; addresses and hex values as canonical strings the reader recognizes. */
    private void writeAttrs(PacketEvent e) throws IOException {
        int n = e.attrCount();
        if (n == 0) {
            return;
        }
        JsonGenerator g = gen;
        g.writeFieldName(ATTRS);
        g.writeStartObject();
        for (int i = 0; i < n; i++) {
            g.writeFieldName(e.attrName(i));
            long v = e.attrValue(i);
            switch (e.attrKind(i)) {
                case NUMBER -> g.writeNumber(v);
                case HEX -> g.writeString(chars, 0, hex(v));
                case MAC -> g.writeString(chars, 0, AddressChars.mac(v, chars));
                case IPV4 -> g.writeString(chars, 0, AddressChars.ipv4(v, chars));
                default -> g.writeString(e.attrText(i) == null ? "" : e.attrText(i));
            }
        }
        g.writeEndObject();
    }

    private void writeIp(PacketEvent e) throws IOException {
        JsonGenerator g = gen;
        g.writeFieldName(FAMILY);
        g.writeNumber(e.family());
        g.writeFieldName(SRC);
        g.writeString(chars, 0, AddressChars.format(e.srcBytes(), e.family(), chars));
        g.writeFieldName(DST);
        g.writeString(chars, 0, AddressChars.format(e.dstBytes(), e.family(), chars));
        g.writeFieldName(PROTO);
        g.writeNumber(e.protocol());
        boolean ports = e.protocol() == PacketEvent.PROTO_TCP || e.protocol() == PacketEvent.PROTO_UDP;
        // Both 0: the transport header was not read (a non-first fragment), not port 0.
        if (ports && (e.srcPort() != 0 || e.dstPort() != 0)) {
            g.writeFieldName(SPORT);
            g.writeNumber(e.srcPort());
            g.writeFieldName(DPORT);
            g.writeNumber(e.dstPort());
        }
        boolean icmp = e.protocol() == PacketEvent.PROTO_ICMP || e.protocol() == PacketEvent.PROTO_ICMPV6;
        if (icmp && e.icmpType() >= 0) {
            g.writeFieldName(ICMP_TYPE);
            g.writeNumber(e.icmpType());
            g.writeFieldName(ICMP_CODE);
            g.writeNumber(e.icmpCode());
            if (e.icmpId() >= 0) {
                g.writeFieldName(ICMP_ID);
                g.writeNumber(e.icmpId());
                g.writeFieldName(ICMP_SEQ);
                g.writeNumber(e.icmpSeq());
            }
        }
    }

    /**
     * The optional last object: {@code {"v":1,"type":"summary","time":...}} with the run's counters.
     *
     * @param endEpochNanos when the run ended, as nanoseconds since the Unix epoch
     */
    public void writeSummary(RunStats stats, long endEpochNanos) throws IOException {
        JsonGenerator g = startObject();
        g.writeFieldName(TYPE);
        g.writeString(JsonLines.SUMMARY);
        g.writeFieldName(TIME);
        g.writeString(chars, 0, isoTime.format(endEpochNanos, chars));
        g.writeNumberField(JsonLines.PRODUCED, stats.produced());
        g.writeNumberField(JsonLines.DELIVERED, stats.delivered());
        g.writeNumberField(JsonLines.LOST_IN_KERNEL, stats.lostInKernel());
        g.writeNumberField(JsonLines.LEFT_UNREAD, stats.leftUnread());
        g.writeNumberField(JsonLines.FILTERED_IN_KERNEL, stats.filteredInKernel());
        g.writeNumberField(JsonLines.FILTERED_IN_JAVA, stats.filteredInJava());
        g.writeNumberField(JsonLines.EMITTED, stats.emitted());
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** Every object starts with the schema version. */
    private JsonGenerator startObject() throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(V);
        gen.writeNumber(JsonLines.VERSION);
        return gen;
    }

    private void string(SerializableString field, String value) throws IOException {
        if (value != null) {
            gen.writeFieldName(field);
            gen.writeString(value); // Jackson escapes quotes, backslashes and control characters
        }
    }

    private void positive(SerializableString field, long value) throws IOException {
        if (value != 0) {
            gen.writeFieldName(field);
            gen.writeNumber(value);
        }
    }

    /** "0x" and the unsigned hex digits of {@code v} into {@link #chars}; returns the length. */
    private int hex(long v) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        chars[0] = '0';
        chars[1] = 'x';
        for (int i = digits - 1, shift = 0; i >= 0; i--, shift += 4) {
            chars[2 + i] = HEX[(int) (v >>> shift) & 0xf];
        }
        return 2 + digits;
    }

    /** Writes what is buffered to the stream and flushes it. */
    public void flush() throws IOException {
        gen.flush();
    }

    /** Flushes and closes the stream. */
    @Override
    public void close() throws IOException {
        gen.close();
    }
}
