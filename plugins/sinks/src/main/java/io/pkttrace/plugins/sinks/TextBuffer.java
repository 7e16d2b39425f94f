package io.pkttrace.plugins.sinks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Arrays;

/**
 * A reused char buffer for text sinks that print every event: appends without the coder checks and
 * inflation of a {@code StringBuilder} that holds a non-Latin-1 char (the flow sink prints "µs"), and
 * is handed to a {@link Writer} as it is, or encoded as UTF-8 into a reused byte array for an
 * {@link OutputStream} (the JDK's encoder takes its slow path for a whole buffer once it holds one
 * non-ASCII char), made printable on the way ({@link #writeTo}). Grows when needed, never shrinks;
 * not thread-safe.
 */
public final class TextBuffer {
    private static final long[] POWERS = new long[19];

    static {
        long p = 1;
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = p;
            p *= 10;
        }
    }

    private char[] chars;
    private int length;
    private byte[] utf8 = new byte[0];

    public TextBuffer(int capacity) {
        chars = new char[capacity];
    }

    public int length() {
        return length;
    }

    public char charAt(int i) {
        return chars[i];
    }

    /** Cuts the text to {@code n} chars. */
    public void setLength(int n) {
        length = n;
    }

    private char[] room(int n) {
        if (length + n > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(length + n, chars.length * 2));
        }
        return chars;
    }

    public TextBuffer append(char c) {
        room(1)[length++] = c;
        return this;
    }

    public TextBuffer append(String s) {
        int n = s.length();
        s.getChars(0, n, room(n), length);
        length += n;
        return this;
    }

    public TextBuffer append(char[] s, int from, int n) {
        System.arraycopy(s, from, room(n), length, n);
        length += n;
        return this;
    }

    /** {@code n} copies of {@code c}. */
    public TextBuffer repeat(char c, int n) {
        if (n > 0) {
            Arrays.fill(room(n), length, length + n, c);
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
        char[] c = room(digits);
        int i = length + digits;
        // Long divisions are slow: one per nine digits, the digits themselves in int arithmetic.
        while (v > Integer.MAX_VALUE) {
            long high = v / 1_000_000_000L;
            int low = (int) (v - high * 1_000_000_000L);
            for (int k = 0; k < 9; k++) {
                int q = low / 10;
                c[--i] = (char) ('0' + low - q * 10);
                low = q;
            }
            v = high;
        }
        int n = (int) v;
        do {
            int q = n / 10;
            c[--i] = (char) ('0' + n - q * 10);
            n = q;
        } while (n != 0);
        length += digits;
        return this;
    }

    /** Digits of a number >= 0. */
    public static int decimalDigits(long v) {
        int n = 1;
        while (n < POWERS.length && v >= POWERS[n]) {
            n++;
        }
        return n;
    }

    /** Chars of {@code Long.toString(v)}. */
    public static int decimalLength(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + decimalDigits(-v);
        }
        return decimalDigits(v);
    }

    /** Inserts {@code n} copies of {@code c} at {@code at}, moving what follows. */
    public void insert(int at, char c, int n) {
        char[] s = room(n);
        System.arraycopy(s, at, s, at + n, length - at);
        Arrays.fill(s, at, at + n, c);
        length += n;
    }

    /** Drops spaces at the end, not before {@code from}. */
    public void trimTrailingSpace(int from) {
        while (length > from && chars[length - 1] == ' ') {
            length--;
        }
    }

    /** Writes the text, control characters replaced ({@link EventText#makePrintable(char[], int, int)}), and empties it. */
    public void writeTo(Writer out) throws IOException {
        EventText.makePrintable(chars, 0, length);
        out.write(chars, 0, length);
        length = 0;
    }

    /**
     * {@link #writeTo(Writer)} as UTF-8 bytes, made printable in the same pass: what an
     * {@code OutputStreamWriter} would write, a lone surrogate included (as '?').
     */
    public void writeTo(OutputStream out) throws IOException {
        if (utf8.length < 3 * length) {
            utf8 = new byte[Math.max(3 * length, 2 * utf8.length)];
        }
        byte[] b = utf8;
        char[] c = chars;
        int n = length;
        int p = 0;
        for (int i = 0; i < n; i++) {
            char ch = c[i];
            if (ch >= 0x20 && ch < 0x7f) {
                b[p++] = (byte) ch; // nearly all of it: printable ASCII
            } else if (!EventText.printable(ch)) {
                b[p++] = '?'; // as makePrintable, in the same pass
            } else if (ch < 0x80) {
                b[p++] = (byte) ch;
            } else if (ch < 0x800) {
                b[p++] = (byte) (0xc0 | ch >> 6);
                b[p++] = (byte) (0x80 | (ch & 0x3f));
            } else if (!Character.isSurrogate(ch)) {
                b[p++] = (byte) (0xe0 | ch >> 12);
                b[p++] = (byte) (0x80 | (ch >> 6 & 0x3f));
                b[p++] = (byte) (0x80 | (ch & 0x3f));
            } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(c[i + 1])) {
                int cp = Character.toCodePoint(ch, c[++i]);
                b[p++] = (byte) (0xf0 | cp >> 18);
                b[p++] = (byte) (0x80 | (cp >> 12 & 0x3f));
                b[p++] = (byte) (0x80 | (cp >> 6 & 0x3f));
                b[p++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                b[p++] = '?';
            }
        }
        out.write(b, 0, p);
        length = 0;
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
