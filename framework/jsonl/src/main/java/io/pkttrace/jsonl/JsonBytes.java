package io.pkttrace.jsonl;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Compact JSON written as UTF-8 bytes straight into one reused buffer, drained to the stream only
 * when it is full or on {@link #flush()}. It replaces a generic generator on the event writer's hot
 * path: no per-value state checks, and field names pre-encoded with their quotes and separators
 * (the runs of names an event repeats are cached by {@link ContextRuns}).
 * The output is what Jackson's default generator writes for the same calls: no spaces, {@code "} and
 * {@code \} escaped, {@code \b \t \n \f \r} short, other control characters and the surrogates
 * as a backslash, 'u' and four upper-case hex digits, everything else as UTF-8. Not thread-safe.
 */
final class JsonBytes {
    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Room for any fixed-size value (a long, an address, a time) without a bounds check per byte. */
    private static final int SMALL = 64;
    /** "000" to "999": numbers are written three digits at a time. */
    private static final byte[] TRIPLETS = new byte[3000];
    /** 10^0 to 10^18. */
    private static final long[] POW10 = new long[19];
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    /** Eight or four bytes of a byte array at any index, as one load or store (C2 compiles these to single moves). */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** "00" to "99" as the two bytes of a little-endian word, for stores of several digits at once. */
    static final int[] DIGITS2 = new int[100];
    /** "000" to "999" likewise, three bytes. */
    static final int[] DIGITS3 = new int[1000];
    /**
     * What {@link #reserve()} guarantees: room for everything of bounded size an event's common fields
     * write (numbers, time, addresses, field names, and two {@link ContextRuns} of at most
     * {@link ContextRuns#RUN_BYTES}), about 1.3 KiB at most, with margin.
     */
    static final int EVENT_RESERVE = 2048;

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        for (int i = 0; i < 1000; i++) {
            TRIPLETS[3 * i] = (byte) ('0' + i / 100);
            TRIPLETS[3 * i + 1] = (byte) ('0' + i / 10 % 10);
            TRIPLETS[3 * i + 2] = (byte) ('0' + i % 10);
            DIGITS3[i] = TRIPLETS[3 * i] | TRIPLETS[3 * i + 1] << 8 | TRIPLETS[3 * i + 2] << 16;
        }
        for (int i = 0; i < 100; i++) {
            DIGITS2[i] = TRIPLETS[3 * i + 1] | TRIPLETS[3 * i + 2] << 8;
        }
    }

    private final OutputStream out;
    private final byte[] buf;
    private int pos;

    JsonBytes(OutputStream out, int capacity) {
        this.out = out;
        this.buf = new byte[Math.max(capacity, 4 * SMALL)];
    }

    /** {@code ,"name":} (or {@code "name":} when {@code first}) as bytes, made once per field. */
    static byte[] fieldPrefix(String name, boolean first) {
        JsonBytes b = new JsonBytes(OutputStream.nullOutputStream(), 4 * SMALL + name.length() * 6);
        if (!first) {
            b.raw((byte) ',');
        }
        b.string(name);
        b.raw((byte) ':');
        return b.toBytes();
    }

    /** A quoted, escaped string value as bytes, made once. */
    static byte[] quoted(String value) {
        JsonBytes b = new JsonBytes(OutputStream.nullOutputStream(), 4 * SMALL + value.length() * 6);
        b.string(value);
        return b.toBytes();
    }

    private byte[] toBytes() {
        byte[] a = new byte[pos];
        System.arraycopy(buf, 0, a, 0, pos);
        return a;
    }

    /** Makes room for {@code n} more bytes, draining the buffer to the stream if needed. */
    void room(int n) {
        if (pos + n > buf.length) {
            drain();
        }
    }

    private void drain() {
        if (pos > 0) {
            try {
                out.write(buf, 0, pos);
            } catch (IOException e) {
                throw new Unwritable(e);
            }
            pos = 0;
        }
    }

    void raw(byte b) {
        room(1);
        buf[pos++] = b;
    }

    void raw(byte[] bytes) {
        int n = bytes.length;
        if (n > buf.length - pos) {
            rawAfterDrain(bytes);
            return;
        }
        pos = put(bytes, buf, pos);
    }

    /**
     * {@code bytes} at {@code b[p]} (there is room); returns the position after them. Copied a word at
     * a time, the last word overlapping the one before (exactly {@code n} bytes written): for the
     * constant field names, whose length C2 knows, two or three moves instead of a loop of bytes.
     */
    static int put(byte[] bytes, byte[] b, int p) {
        int n = bytes.length;
        if (n >= 8) {
            for (int i = 0; i < n - 8; i += 8) {
                LONGS.set(b, p + i, (long) LONGS.get(bytes, i));
            }
            LONGS.set(b, p + n - 8, (long) LONGS.get(bytes, n - 8));
        } else if (n >= 4) {
            INTS.set(b, p, (int) INTS.get(bytes, 0));
            INTS.set(b, p + n - 4, (int) INTS.get(bytes, n - 4));
        } else {
            for (int i = 0; i < n; i++) {
                b[p + i] = bytes[i];
            }
        }
        return p + n;
    }

    /** The buffer the writer fills between {@link #reserve()} and {@link #position(int)}. */
    byte[] buffer() {
        return buf;
    }

    /**
     * Makes room for {@link #EVENT_RESERVE} bytes (draining the buffer if needed) and returns the
     * position to write at: one check per event instead of one per value.
     */
    int reserve() {
        if (EVENT_RESERVE > buf.length - pos) {
            drain();
        }
        return pos;
    }

    /** Where the writer got to in {@link #buffer()}. */
    void position(int p) {
        pos = p;
    }

    /** The rare half of {@link #raw(byte[])}, apart so that the common one stays small enough to inline. */
    private void rawAfterDrain(byte[] bytes) {
        drain();
        if (bytes.length > buf.length) {
            writeThrough(bytes);
            return;
        }
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /**
     * {@code n} bytes of {@code from[off]} at {@code b[p]}, a word at a time: up to seven bytes past
     * {@code n} are written too (the caller's room holds them; the next value overwrites them), and
     * read from {@code from} (which holds them). Returns the position after the {@code n} bytes.
     */
    static int putWords(byte[] from, int off, int n, byte[] b, int p) {
        for (int i = 0; i < n; i += 8) {
            LONGS.set(b, p + i, (long) LONGS.get(from, off + i));
        }
        return p + n;
    }

    /** The position where the next byte goes. */
    int position() {
        return pos;
    }

    private static final byte[] BASE64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

    /** {@code data[off, off+len)} as a quoted base64 string (RFC 4648, padded, no line breaks), as Jackson's writeBinary. */
    void base64(byte[] data, int off, int len) {
        room((len + 2) / 3 * 4 + 2); // callers keep len far below the buffer (packet bytes: at most 1024)
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        int i = off;
        int end = off + len;
        for (; i + 3 <= end; i += 3) {
            int v = (data[i] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff);
            b[p++] = BASE64[v >>> 18];
            b[p++] = BASE64[(v >>> 12) & 63];
            b[p++] = BASE64[(v >>> 6) & 63];
            b[p++] = BASE64[v & 63];
        }
        if (i < end) {
            int v = (data[i] & 0xff) << 16 | (i + 1 < end ? (data[i + 1] & 0xff) << 8 : 0);
            b[p++] = BASE64[v >>> 18];
            b[p++] = BASE64[(v >>> 12) & 63];
            b[p++] = i + 1 < end ? BASE64[(v >>> 6) & 63] : (byte) '=';
            b[p++] = '=';
        }
        b[p++] = '"';
        pos = p;
    }

    private void writeThrough(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new Unwritable(e);
        }
    }

    /** A decimal number, as Jackson's writeNumber(long). */
    void number(long v) {
        room(SMALL);
        pos = number(v, buf, pos);
    }

    /**
     * {@code v} in decimal at {@code b[p]} (room for 20 bytes); returns the position after it. Small
     * code on purpose: the writer calls it for a dozen fields, and C2 inlines it into each only while
     * its compiled body stays small (InlineSmallCode); a call per number cost more than the digits.
     * The digits are counted first, then written from the right three at a time.
     */
    static int number(long v, byte[] b, int p) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                System.arraycopy(LONG_MIN, 0, b, p, LONG_MIN.length);
                return p + LONG_MIN.length;
            }
            b[p++] = '-';
            v = -v;
        }
        // Digits: log10(v) from the bit length is exact or one too small; v >= 10^t adds the one,
        // without a branch (a branch one kind of value never took would cost a recompilation).
        int t = (64 - Long.numberOfLeadingZeros(v)) * 1233 >>> 12;
        int end = p + Math.max(1, t + (int) ((POW10[t] - 1 - v) >>> 63));
        int q = end;
        while (v >= 1000) {
            long d = v / 1000;
            q -= 3;
            // One store of four bytes: a zero, then the three digits; the zero lands where the next
            // group's last digit goes (there is always one: the loop leaves 1 to 999).
            INTS.set(b, q - 1, DIGITS3[(int) (v - d * 1000)] << 8);
            v = d;
        }
        int r = (int) v * 3; // the first one to three digits, right-aligned on q
        b[q - 1] = TRIPLETS[r + 2];
        if (v >= 10) {
            b[q - 2] = TRIPLETS[r + 1];
            if (v >= 100) {
                b[q - 3] = TRIPLETS[r];
            }
        }
        return end;
    }

    /** {@code v} unsigned as a quoted "0x" and lower-case hex digits without leading zeros (packet ids, hex attributes). */
    void hex(long v) {
        room(SMALL);
        pos = hex(v, buf, pos);
    }

    /** {@link #hex(long)} at {@code b[p]} (room for 21 bytes); returns the position after it. */
    static int hex(long v, byte[] b, int p) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        b[p] = '"';
        b[p + 1] = '0';
        b[p + 2] = 'x';
        int end = p + 3 + digits;
        for (int i = end - 1; i >= p + 3; i--) {
            b[i] = HEX_LOWER[(int) v & 0xf];
            v >>>= 4;
        }
        b[end] = '"';
        return end + 1;
    }

    /**
     * A time ({@link IsoTime}) of {@code epochNanos} between two constant runs, e.g. {@code ,"time":"}
     * and {@code ","cpu":}: the field names and quotes around it in two copies.
     */
    void time(byte[] before, IsoTime t, long epochNanos, byte[] after) {
        room(before.length + IsoTime.MAX + after.length);
        byte[] b = buf;
        int p = t.format(epochNanos, b, put(before, b, pos));
        pos = put(after, b, p);
    }

    /** A quoted ASCII text from a char buffer (times, addresses, hex numbers: never needs escaping). */
    void asciiString(char[] chars, int len) {
        room(len + 2);
        pos = asciiString(chars, len, buf, pos);
    }

    /** {@link #asciiString(char[], int)} at {@code b[p]} (there is room); returns the position after it. */
    static int asciiString(char[] chars, int len, byte[] b, int p) {
        b[p++] = '"';
        for (int i = 0; i < len; i++) {
            b[p++] = (byte) chars[i];
        }
        b[p++] = '"';
        return p;
    }

    /** A quoted, escaped string. */
    void string(String s) {
        int n = s.length();
        if (6 * n + 2 > buf.length - pos) {
            drain();
            if (6 * n + 2 > buf.length) {
                longString(s);
                return;
            }
        }
        // Room for the worst case (every char escaped as six bytes): no bounds check per char.
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                b[p++] = (byte) c;
            } else {
                pos = p;
                special(c);
                p = pos;
            }
        }
        b[p++] = '"';
        pos = p;
    }

    /** A string too long for the buffer at once: a check per char, drained as it fills. */
    private void longString(String s) {
        int n = s.length();
        room(2);
        buf[pos++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                room(1);
                buf[pos++] = (byte) c;
            } else {
                special(c);
            }
        }
        room(1);
        buf[pos++] = '"';
    }

    /** A char that is not plain printable ASCII: escaped, or UTF-8. */
    private void special(char c) {
        if (c < 0x80) {
            escape(c);
        } else if (Character.isSurrogate(c)) {
            unicodeEscape(c);
        } else {
            utf8(c);
        }
    }

    private void escape(char c) {
        room(6);
        buf[pos++] = '\\';
        switch (c) {
            case '"', '\\' -> buf[pos++] = (byte) c;
            case '\b' -> buf[pos++] = 'b';
            case '\t' -> buf[pos++] = 't';
            case '\n' -> buf[pos++] = 'n';
            case '\f' -> buf[pos++] = 'f';
            case '\r' -> buf[pos++] = 'r';
            default -> {
                pos--;
                unicodeEscape(c);
            }
        }
    }

    /** Backslash, 'u', four hex digits: control characters, and surrogates (Jackson escapes them rather than pair them). */
    private void unicodeEscape(char c) {
        room(6);
        buf[pos++] = '\\';
        buf[pos++] = 'u';
        for (int shift = 12; shift >= 0; shift -= 4) {
            buf[pos++] = HEX_UPPER[c >> shift & 0xf];
        }
    }

    /** A character of U+0080 to U+FFFF (not a surrogate) as UTF-8. */
    private void utf8(char c) {
        room(3);
        if (c < 0x800) {
            buf[pos++] = (byte) (0xc0 | c >> 6);
        } else {
            buf[pos++] = (byte) (0xe0 | c >> 12);
            buf[pos++] = (byte) (0x80 | (c >> 6 & 0x3f));
        }
        buf[pos++] = (byte) (0x80 | (c & 0x3f));
    }

    /** Writes what is buffered to the stream and flushes it. */
    void flush() throws IOException {
        try {
            drain();
        } catch (Unwritable e) {
            throw e.getCause();
        }
        out.flush();
    }

    /** Runs writes, throwing the stream's IOException if one failed. */
    static void rethrowing(Runnable writes) throws IOException {
        try {
            writes.run();
        } catch (Unwritable u) {
            throw u.getCause();
        }
    }

    void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    /** An IOException of the stream, carried through the writing methods (which have no throws clause). */
    static final class Unwritable extends RuntimeException {
        Unwritable(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
