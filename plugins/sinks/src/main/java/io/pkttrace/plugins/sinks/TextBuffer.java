package io.pkttrace.plugins.sinks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reused buffer of UTF-8 text for sinks that print every event: what is appended is encoded and made
 * printable ({@link EventText#printable}: control and format characters, and lone surrogates, become
 * '?') at once, so the text goes to an {@link OutputStream} as it is, without a second pass over it.
 * Printable ASCII, nearly all of it, is one compare and one store per char. Positions
 * ({@link #length()}, {@link #insert}, {@link #trimTrailingSpace}) are in bytes; {@link #charsSince}
 * counts chars as {@code String.length()} does, for column widths. Grows when needed, never shrinks;
 * not thread-safe.
 */
public final class TextBuffer {
    private static final long[] POWERS = new long[19];
    /** "00", "01", ... "99". */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        long p = 1;
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = p;
            p *= 10;
        }
    }

    private byte[] bytes;
    private int length;
    /** A char array seen as a CharSequence, reused: appending one allocates nothing. */
    private final CharsView view = new CharsView();

    private static final class CharsView implements CharSequence {
        private char[] chars;

        CharsView of(char[] c) {
            chars = c;
            return this;
        }

        @Override
        public int length() {
            return chars.length;
        }

        @Override
        public char charAt(int i) {
            return chars[i];
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return new String(chars, from, to - from);
        }
    }

    public TextBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    /** Bytes of text. */
    public int length() {
        return length;
    }

    /** Cuts the text to {@code n} bytes. */
    public void setLength(int n) {
        length = n;
    }

    /** Chars (UTF-16 units, as {@code String.length()}) of the text after byte {@code from}. */
    public int charsSince(int from) {
        int n = 0;
        for (int i = from; i < length; i++) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                n++;
            } else if (b >= 0xc0) {
                n += b >= 0xf0 ? 2 : 1; // a lead byte; four bytes are a surrogate pair
            }
        }
        return n;
    }

    private byte[] room(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
        }
        return bytes;
    }

    public TextBuffer append(char c) {
        if (c >= 0x20 && c < 0x7f) {
            room(1)[length++] = (byte) c;
        } else {
            encode(c);
        }
        return this;
    }

    public TextBuffer append(String s) {
        int n = s.length();
        byte[] b = room(n);
        int p = length;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                length = p;
                appendSlow(s, i, n);
                return this;
            }
            b[p++] = (byte) c;
        }
        length = p;
        return this;
    }

    public TextBuffer append(char[] s, int from, int n) {
        return append(view.of(s), from, from + n);
    }

    /** The text of {@code other}, as it is. */
    public TextBuffer append(TextBuffer other) {
        return append(other, other.length);
    }

    /** The first {@code n} bytes of {@code other}'s text, as they are. */
    public TextBuffer append(TextBuffer other, int n) {
        System.arraycopy(other.bytes, 0, room(n), length, n);
        length += n;
        return this;
    }

    /** Text already encoded (printable UTF-8 constants). */
    public TextBuffer appendUtf8(byte[] utf8) {
        System.arraycopy(utf8, 0, room(utf8.length), length, utf8.length);
        length += utf8.length;
        return this;
    }

    private TextBuffer append(CharSequence s, int from, int to) {
        room(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                bytes[length++] = (byte) c;
            } else {
                appendSlow(s, i, to);
                return this;
            }
        }
        return this;
    }

    /** Chars from {@code from} on, one at a time: anything but printable ASCII, surrogate pairs whole. */
    private void appendSlow(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                byte[] b = room(4);
                b[length++] = (byte) (0xf0 | cp >> 18);
                b[length++] = (byte) (0x80 | (cp >> 12 & 0x3f));
                b[length++] = (byte) (0x80 | (cp >> 6 & 0x3f));
                b[length++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                append(c);
            }
        }
    }

    /** One char that is not printable ASCII: '?' when not printable or a lone surrogate, else its UTF-8. */
    private void encode(char c) {
        byte[] b = room(3);
        if (!EventText.printable(c) || Character.isSurrogate(c)) {
            b[length++] = '?';
        } else if (c < 0x80) {
            b[length++] = (byte) c; // '\n'
        } else if (c < 0x800) {
            b[length++] = (byte) (0xc0 | c >> 6);
            b[length++] = (byte) (0x80 | (c & 0x3f));
        } else {
            b[length++] = (byte) (0xe0 | c >> 12);
            b[length++] = (byte) (0x80 | (c >> 6 & 0x3f));
            b[length++] = (byte) (0x80 | (c & 0x3f));
        }
    }

    /** {@code n} copies of the ASCII char {@code c}. */
    public TextBuffer repeat(char c, int n) {
        if (n > 0) {
            Arrays.fill(room(n), length, length + n, (byte) c);
            length += n;
        }
        return this;
    }

    /** A number in decimal, as {@code Long.toString}. */
    public TextBuffer append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        int digits = decimalDigits(v);
        byte[] c = room(digits);
        int i = length + digits;
        // Long divisions are slow: one per nine digits, the digits themselves in int arithmetic.
        while (v > Integer.MAX_VALUE) {
            long high = v / 1_000_000_000L;
            int low = (int) (v - high * 1_000_000_000L);
            for (int k = 0; k < 9; k++) {
                int q = low / 10;
                c[--i] = (byte) ('0' + low - q * 10);
                low = q;
            }
            v = high;
        }
        int n = (int) v;
        while (n >= 100) { // two digits per division
            int q = n / 100;
            int pair = (n - q * 100) << 1;
            c[--i] = DIGIT_PAIRS[pair + 1];
            c[--i] = DIGIT_PAIRS[pair];
            n = q;
        }
        if (n >= 10) {
            c[--i] = DIGIT_PAIRS[(n << 1) + 1];
            c[--i] = DIGIT_PAIRS[n << 1];
        } else {
            c[--i] = (byte) ('0' + n);
        }
        length += digits;
        return this;
    }

    /** Digits of a number >= 0. */
    public static int decimalDigits(long v) {
        // log10 from the bit length (1233/4096 ~ log10(2)), then one compare: no loop over the powers.
        int d = (64 - Long.numberOfLeadingZeros(v)) * 1233 >>> 12;
        return d < POWERS.length && v >= POWERS[d] ? d + 1 : Math.max(d, 1);
    }

    /** Chars of {@code Long.toString(v)}. */
    public static int decimalLength(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + decimalDigits(-v);
        }
        return decimalDigits(v);
    }

    /** Inserts {@code n} copies of the ASCII char {@code c} at byte {@code at}, moving what follows. */
    public void insert(int at, char c, int n) {
        byte[] s = room(n);
        System.arraycopy(s, at, s, at + n, length - at);
        Arrays.fill(s, at, at + n, (byte) c);
        length += n;
    }

    /** Drops spaces at the end, not before byte {@code from}. */
    public void trimTrailingSpace(int from) {
        while (length > from && bytes[length - 1] == ' ') {
            length--;
        }
    }

    /** Writes the text (already printable) and empties it. */
    public void writeTo(Writer out) throws IOException {
        out.write(toString());
        length = 0;
    }

    /** Writes the text as UTF-8 (already printable) and empties it. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
        length = 0;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
