package io.pkttrace.plugins.sinks.pcapng;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the pcapng format (IETF draft-ietf-opsawg-pcapng) that Wireshark and tshark read: one
 * section, interface description blocks, and enhanced packet blocks with nanosecond timestamps and a
 * comment. Little-endian, every block padded to 32 bits. Blocks are built in one reused buffer, which
 * is handed to the stream only when it holds {@value #DRAIN_AT} bytes or on {@link #flush()}: writing a
 * packet neither allocates nor calls the stream.
 */
final class PcapngWriter {
    /** Raw IPv4 or IPv6, the version nibble tells which: what pkttrace captures starts at the network header. */
    static final int LINKTYPE_RAW = 101;
    /** The longest comment a packet block carries, in bytes (longer ones are cut). */
    static final int MAX_COMMENT = 1024;

    private static final int DRAIN_AT = 1 << 16;
    private static final int SHB = 0x0A0D0D0A;
    private static final int IDB = 0x00000001;
    private static final int EPB = 0x00000006;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int OPT_END = 0;
    private static final int OPT_COMMENT = 1;
    private static final int SHB_USERAPPL = 4;
    private static final int IF_NAME = 2;
    private static final int IF_DESCRIPTION = 3;
    private static final int IF_TSRESOL = 9;
    private static final int EPB_FLAGS = 2;
    /** epb_flags direction bits: 1 inbound, 2 outbound. */
    static final int INBOUND = 1;
    static final int OUTBOUND = 2;

    private final OutputStream out;
    private final ByteBuffer buf;
    private int block;

    /** @param maxPacket the largest captured length a packet block will carry */
    PcapngWriter(OutputStream out, int maxPacket) {
        this.out = out;
        this.buf = ByteBuffer.allocate(DRAIN_AT + 64 + align(maxPacket) + align(MAX_COMMENT) + 4 * 1024)
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    /** The section header: must come first. */
    void sectionHeader(String application) throws IOException {
        begin(SHB);
        buf.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L); // length unknown
        option(SHB_USERAPPL, application);
        end();
    }

    /** An interface; its index (0, 1, ...) is the order of these calls. */
    void interfaceDescription(int linkType, int snapLength, String name, String description) throws IOException {
        begin(IDB);
        buf.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        option(IF_NAME, name);
        option(IF_DESCRIPTION, description);
        buf.putShort((short) IF_TSRESOL).putShort((short) 1).put((byte) 9).put(new byte[3]); // 10^-9 s
        end();
    }

    /**
     * A packet.
     *
     * @param epochNs        capture time in nanoseconds since 1970
     * @param originalLength the packet's length on the wire (the kernel's view)
     * @param direction      {@link #INBOUND}, {@link #OUTBOUND} or 0
     * @param comment        UTF-8 text shown by Wireshark as the packet comment ({@code commentLength} bytes, may be 0)
     */
    void packet(int interfaceId, long epochNs, byte[] data, int offset, int length, int originalLength, int direction,
                byte[] comment, int commentLength) throws IOException {
        begin(EPB);
        buf.putInt(interfaceId).putInt((int) (epochNs >>> 32)).putInt((int) epochNs).putInt(length).putInt(originalLength);
        buf.put(data, offset, length);
        pad();
        int n = Math.min(commentLength, MAX_COMMENT);
        if (n > 0) {
            buf.putShort((short) OPT_COMMENT).putShort((short) n).put(comment, 0, n);
            pad();
        }
        if (direction != 0) {
            buf.putShort((short) EPB_FLAGS).putShort((short) 4).putInt(direction);
        }
        end();
    }

    /** Hands every complete block to the stream and flushes it. */
    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void begin(int type) {
        block = buf.position();
        buf.putInt(type).putInt(0); // length filled in by end()
    }

    /** Ends the options and the block; the stream gets it once enough is buffered. */
    private void end() throws IOException {
        buf.putShort((short) OPT_END).putShort((short) 0);
        int total = buf.position() + 4 - block;
        buf.putInt(total);
        buf.putInt(block + 4, total);
        if (buf.position() >= DRAIN_AT) {
            drain();
        }
    }

    private void drain() throws IOException {
        if (buf.position() > 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }

    private void option(int code, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        buf.putShort((short) code).putShort((short) v.length).put(v);
        pad();
    }

    /** Zeros up to the next multiple of 4: one 4-byte write (the buffer has slack beyond any block), then the position. */
    private void pad() {
        int p = buf.position();
        int n = -p & 3;
        if (n != 0) {
            buf.putInt(p, 0);
            buf.position(p + n);
        }
    }
}
