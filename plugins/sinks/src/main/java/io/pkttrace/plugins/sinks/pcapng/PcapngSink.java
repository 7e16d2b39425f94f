package io.pkttrace.plugins.sinks.pcapng;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.jsonl.JsonlEventWriter;
import io.pkttrace.plugins.sinks.SinkOutput;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes every event as one packet of a pcapng capture (Wireshark, tshark): its first bytes from the
 * network header (LINKTYPE_RAW, so IPv4 and IPv6 alike), the packet's length as the kernel saw it, a
 * nanosecond wall-clock timestamp (the kernel's monotonic time plus the run's offset, the one the json
 * sink uses), inbound or outbound where the hook says so, and a comment ({@link PacketComment}).
 * An event without bytes (the probe could not read them, a recording made without them, a function
 * event) is still written, with no captured bytes and "no packet bytes" in its comment, so the capture
 * holds exactly the events the json sink would. Asks the engine for {@code snaplen} bytes per packet.
 */
public final class PcapngSink implements Sink {
    private static final String APPLICATION = "pkttrace";
    private static final byte[] NO_BYTES = new byte[0];

    private final PcapngConfig config;
    private final PacketComment comment = new PacketComment();
    private final SinkOutput output;
    private OutputStream out;
    private PcapngWriter writer;
    private Interfaces interfaces;
    private SinkOutput.Write flushWrite;
    private long offsetNs;

    /** @param stream where to write instead of the configured output (tests, benchmarks), or null */
    public PcapngSink(PcapngConfig config, OutputStream stream) {
        this.config = config;
        this.output = new SinkOutput(config.output(), stream);
    }

    @Override
    public int packetBytes() {
        return config.snapLength();
    }

    @Override
    public void start() throws PkttraceException {
        out = output.open(); // the writer buffers
        writer = new PcapngWriter(out, config.snapLength());
        flushWrite = writer::flush;
        interfaces = new Interfaces(writer, config.snapLength());
        offsetNs = config.clockOffsetNs() != null ? config.clockOffsetNs() : JsonlEventWriter.runClockOffsetNs();
        try {
            writer.sectionHeader(APPLICATION);
        } catch (IOException e) {
            throw new PkttraceException("sink pcapng: cannot write to " + config.output().describe() + " ("
                    + e.getMessage() + ")", "check the path and its permissions");
        }
    }

    @Override
    public void accept(PacketEvent e) {
        if (output.failed()) {
            return;
        }
        try {
            int id = interfaces.of(e);
            int captured = Math.min(e.packetBytesLength(), config.snapLength());
            int original = Math.max(ipLength(e.packetBytes(), captured, e.length()), captured);
            int commentLength = comment.of(e);
            writer.packet(id, e.timestampNs() + offsetNs, captured > 0 ? e.packetBytes() : NO_BYTES, 0, captured, original,
                    direction(e.hook()), comment.bytes(), commentLength);
        } catch (IOException ex) {
            throw output.fail(ex); // a half-written block: write nothing more
        }
    }

    /**
     * The packet's length on the wire from its IP header (IPv4 total length, IPv6 payload length + 40):
     * the record's length counts from skb->data, which holds the link-layer header at transmit.
     * Without the header, the record's length.
     */
    static int ipLength(byte[] b, int captured, int recordLength) {
        if (captured >= 4 && (b[0] & 0xf0) == 0x40) {
            int total = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            return total > 0 ? total : recordLength; // 0: a GSO packet's length is in the buffer only
        }
        if (captured >= 6 && (b[0] & 0xf0) == 0x60) {
            int payload = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
            return payload > 0 ? payload + 40 : recordLength; // 0: a jumbogram
        }
        return recordLength;
    }

    /** Transmit and the output side of netfilter are outbound, receive and the input side inbound; others unknown. */
    static int direction(String hook) {
        if (hook == null) {
            return 0;
        }
        return switch (hook) {
            case "tx", "output", "postrouting" -> PcapngWriter.OUTBOUND;
            case "rx", "prerouting", "input" -> PcapngWriter.INBOUND;
            default -> 0;
        };
    }

    @Override
    public void flush() {
        output.run(flushWrite); // null before start
    }

    @Override
    public void finish(RunStats stats) {
        flush();
    }

    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            if (!output.failed()) {
                writer.flush(); // blocks still buffered when the run ended without finish
            }
            out.close(); // closes a file, only flushes standard output
        } catch (IOException ex) {
            // reported by flush/finish, or nothing was left
        }
        out = null;
    }
}
