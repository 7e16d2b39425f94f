package io.pkttrace.plugins.sinks.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * Writes each event as one JSON object on its own line (JSON Lines), schema version {@value #VERSION}
 * as documented in docs/json-schema.md. Output is flushed once per batch ({@link #flush()}), so
 * {@code pkttrace ... | jq} shows events live.
 *
 * <p>The hot path does not allocate: a Jackson generator writes straight into its own buffer, field
 * names are pre-encoded, and addresses, times and packet ids are formatted into a reused char array.
 *
 * <p>Wall-clock time: the kernel stamps events with CLOCK_MONOTONIC ({@code bpf_ktime_get_ns}).
 * Java has no direct CLOCK_MONOTONIC call, but on Linux {@link System#nanoTime()} reads exactly that
 * clock, so {@code epoch - nanoTime()} measured once at start converts every {@code ts_ns}. The
 * offset is not re-measured: times stay consistent with {@code ts_ns} even if the wall clock steps.
 */
public final class JsonSink implements Sink {
    /** Schema version, written as {@code "v"} in every object. */
    public static final int VERSION = 1;

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    // Field names, pre-encoded once. Changing any of them is a schema change: bump VERSION.
    static final SerializableString V = name("v");
    static final SerializableString TYPE = name("type");
    static final SerializableString TS_NS = name("ts_ns");
    static final SerializableString TIME = name("time");
    static final SerializableString CPU = name("cpu");
    static final SerializableString PROBE = name("probe");
    static final SerializableString HOOK = name("hook");
    static final SerializableString PACKET_ID = name("packet_id");
    static final SerializableString NETNS = name("netns");
    static final SerializableString NETNS_NAME = name("netns_name");
    static final SerializableString IFINDEX = name("ifindex");
    static final SerializableString IFNAME = name("ifname");
    static final SerializableString PID = name("pid");
    static final SerializableString LEN = name("len");
    static final SerializableString SOCK_INO = name("sock_ino");
    static final SerializableString FAMILY = name("family");
    static final SerializableString SRC = name("src");
    static final SerializableString DST = name("dst");
    static final SerializableString PROTO = name("proto");
    static final SerializableString SPORT = name("sport");
    static final SerializableString DPORT = name("dport");
    static final SerializableString ICMP_TYPE = name("icmp_type");
    static final SerializableString ICMP_CODE = name("icmp_code");
    static final SerializableString ICMP_ID = name("icmp_id");
    static final SerializableString ICMP_SEQ = name("icmp_seq");
    static final SerializableString RET = name("ret");
    static final SerializableString NF_TABLE = name("nf_table");
    static final SerializableString NF_CHAIN = name("nf_chain");
    static final SerializableString NF_VERDICT = name("nf_verdict");
    static final SerializableString DROP_REASON = name("drop_reason");
    static final SerializableString DROP_REASON_NAME = name("drop_reason_name");
    static final SerializableString RET_NAME = name("ret_name");
    static final SerializableString CALL = name("call");
    static final SerializableString DEPTH = name("depth");
    static final SerializableString DURATION_NS = name("duration_ns");
    static final SerializableString PARENT_PACKET_ID = name("parent_packet_id");
    static final SerializableString OUTER_FAMILY = name("outer_family");
    static final SerializableString OUTER_SRC = name("outer_src");
    static final SerializableString OUTER_DST = name("outer_dst");
    static final SerializableString OUTER_PROTO = name("outer_proto");
    static final SerializableString OUTER_SPORT = name("outer_sport");
    static final SerializableString OUTER_DPORT = name("outer_dport");
    static final SerializableString ENCAP = name("encap");
    static final SerializableString ATTRS = name("attrs");
    /** Values of "call", indexed by PacketEvent.CALL_*. */
    static final String[] CALL_NAMES = {null, "entry", "return", "return-missed"};

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final JsonConfig config;
    private final OutputStream injected;
    private final char[] chars = new char[64];
    private final IsoTime isoTime = new IsoTime();
    private JsonGenerator gen;
    private long offsetNs;
    private boolean failed;

    /** A sink writing to the configured output, opened by {@link #start()}. */
    public JsonSink(JsonConfig config) {
        this(config, null);
    }

    /** A sink writing to {@code out} instead of the configured output (tests, embedding). */
    public JsonSink(JsonConfig config, OutputStream out) {
        this.config = config;
        this.injected = out;
    }

    private static SerializableString name(String s) {
        return new SerializedString(s);
    }

    /**
     * Nanoseconds to add to CLOCK_MONOTONIC to get Unix-epoch time, now. {@link Instant#now()} has
     * microsecond resolution on Linux (currentTimeMillis only milliseconds); the monotonic reading is
     * the midpoint of two around it.
     */
    static long measureClockOffsetNs() {
        long before = System.nanoTime();
        Instant now = Instant.now();
        long after = System.nanoTime();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - (before + (after - before) / 2);
    }

    /** The offset in use (after {@link #start()}). */
    long clockOffsetNs() {
        return offsetNs;
    }

    @Override
    public void start() throws PkttraceException {
        OutputStream out = injected != null ? injected : config.output().open();
        try {
            gen = FACTORY.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new PkttraceException("sink json: cannot write to " + config.output().describe() + " (" + e.getMessage() + ")", null);
        }
        // Objects are separated by our own '\n', not by Jackson's default root separator (a space).
        gen.setRootValueSeparator(null);
        offsetNs = config.clockOffsetNs() != null ? config.clockOffsetNs() : measureClockOffsetNs();
    }

    @Override
    public void accept(PacketEvent e) {
        if (failed) {
            return;
        }
        try {
            write(e);
        } catch (IOException ex) {
            throw fail(ex);
        }
    }

    private void write(PacketEvent e) throws IOException {
        JsonGenerator g = gen;
        g.writeStartObject();
        g.writeFieldName(V);
        g.writeNumber(VERSION);
        g.writeFieldName(TS_NS);
        g.writeNumber(e.timestampNs());
        g.writeFieldName(TIME);
        g.writeString(chars, 0, isoTime.format(e.timestampNs() + offsetNs, chars));
        g.writeFieldName(CPU);
        g.writeNumber(e.cpu());
        string(g, PROBE, e.probe());
        string(g, HOOK, e.hook());
        if (e.packetId() != 0) {
            g.writeFieldName(PACKET_ID);
            g.writeString(chars, 0, hex(e.packetId()));
        }
        if (e.netnsInode() != 0) {
            g.writeFieldName(NETNS);
            g.writeNumber(e.netnsInode());
        }
        string(g, NETNS_NAME, e.netnsName());
        if (e.ifindex() != 0) {
            g.writeFieldName(IFINDEX);
            g.writeNumber(e.ifindex());
        }
        string(g, IFNAME, e.ifname());
        g.writeFieldName(PID);
        g.writeNumber(e.pid());
        g.writeFieldName(LEN);
        g.writeNumber(e.length());
        if (e.socketInode() != 0) {
            g.writeFieldName(SOCK_INO);
            g.writeNumber(e.socketInode());
        }
        if (e.family() == PacketEvent.FAMILY_IPV4 || e.family() == PacketEvent.FAMILY_IPV6) {
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
        if (e.hasReturnValue()) {
            g.writeFieldName(RET);
            g.writeNumber(e.returnValue());
        }
        string(g, NF_TABLE, e.nfTable());
        string(g, NF_CHAIN, e.nfChain());
        string(g, NF_VERDICT, e.nfVerdict());
        if (e.dropReason() >= 0) {
            g.writeFieldName(DROP_REASON);
            g.writeNumber(e.dropReason());
            string(g, DROP_REASON_NAME, e.dropReasonName());
        }
        writeCall(g, e);
        writeOuter(g, e);
        writeAttrs(g, e);
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** Function-call probes: which side of the call, its depth, duration, the return value's name, the parent packet. */
    private void writeCall(JsonGenerator g, PacketEvent e) throws IOException {
        string(g, RET_NAME, e.returnValueName());
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
    private void writeOuter(JsonGenerator g, PacketEvent e) throws IOException {
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
        string(g, ENCAP, e.encap());
    }

    /** Probe-specific attributes as one object; addresses and hex values as canonical strings. */
    private void writeAttrs(JsonGenerator g, PacketEvent e) throws IOException {
        int n = e.attrCount();
        if (n == 0) {
            return;
        }
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

    private static void string(JsonGenerator g, SerializableString field, String value) throws IOException {
        if (value != null) {
            g.writeFieldName(field);
            g.writeString(value); // Jackson escapes quotes, backslashes and control characters
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

    @Override
    public void flush() {
        if (failed || gen == null) {
            return;
        }
        try {
            gen.flush();
        } catch (IOException ex) {
            throw fail(ex);
        }
    }

    private RuntimeException fail(IOException ex) {
        failed = true; // the generator's state is unknown now: write nothing more
        return config.output().writeFailed(ex);
    }

    /** Writes nothing unless {@code summary=true}: the stream stays pure events by default. */
    @Override
    public void finish(RunStats stats) {
        if (failed || gen == null) {
            return;
        }
        try {
            if (config.summary()) {
                JsonGenerator g = gen;
                g.writeStartObject();
                g.writeFieldName(V);
                g.writeNumber(VERSION);
                g.writeFieldName(TYPE);
                g.writeString("summary");
                g.writeFieldName(TIME);
                Instant now = Instant.now(); // when the run ended here, not derived from ts_ns (replay)
                g.writeString(chars, 0, isoTime.format(now.getEpochSecond() * 1_000_000_000L + now.getNano(), chars));
                g.writeNumberField("produced", stats.produced());
                g.writeNumberField("delivered", stats.delivered());
                g.writeNumberField("lost_in_kernel", stats.lostInKernel());
                g.writeNumberField("filtered_in_kernel", stats.filteredInKernel());
                g.writeNumberField("filtered_in_java", stats.filteredInJava());
                g.writeNumberField("emitted", stats.emitted());
                g.writeEndObject();
                g.writeRaw('\n');
            }
            gen.flush();
        } catch (IOException ex) {
            throw fail(ex);
        }
    }

    @Override
    public void close() {
        if (gen == null) {
            return;
        }
        try {
            gen.close(); // flushes; closes a file, only flushes standard output
        } catch (IOException ex) {
            // nothing more can be done: the error was or will be reported by flush/finish
        }
        gen = null;
    }
}
