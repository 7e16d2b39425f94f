package io.pkttrace.plugins.sinks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The byte-level text buffer writes what an {@link OutputStreamWriter} writes for the same text made
 * printable ({@link EventText#makePrintable}), and counts chars as {@code String.length()} does.
 */
class TextBufferTest {
    private static final String[] TEXTS = {
        "eth0", "", "tx", "12.3 µs", "tab\there", "bell\u0007", "del\u007f", "nbsp\u00a0soft\u00adhyphen", "ünïcödé",
        "€ euro", "rtl\u200fmark", "pair \uD83D\uDE00 ok", "lone \uD83D here", "lone low \uDE00", "end high \uD83D",
        "line\nbreak", "c1\u0085control", "\u4e2d\u6587"
    };

    @Test
    void sameBytesAsPrintableTextThroughAWriter() throws IOException {
        for (String s : TEXTS) {
            TextBuffer t = new TextBuffer(1);
            t.append(s).append('|').append(s.toCharArray(), 0, s.length()).append('|');
            StringBuilder chars = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (!Character.isSurrogate(c)) {
                    t.append(c);
                    chars.append(c);
                }
            }
            String expected = printable(s) + "|" + printable(s) + "|" + printable(chars.toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int before = t.length();
            assertEquals(expected.length(), t.charsSince(0), s);
            t.writeTo(out);
            assertEquals(before, out.size());
            assertEquals(0, t.length());
            assertArrayEquals(utf8(expected), out.toByteArray(), s);
        }
    }

    /** What the char buffer wrote before: non-printables as '?', lone surrogates as the JDK's encoder writes them. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s);
        EventText.makePrintable(b, 0);
        return new String(b.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStreamWriter w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            w.write(s);
        }
        return out.toByteArray();
    }

    @Test
    void numbersAsLongToString() {
        long[] values = {0, 1, 9, 10, 99, 100, 2_147_483_647L, 2_147_483_648L, 4_026_531_840L, 999_999_999_999L,
            1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -10, -4_026_531_840L, Long.MIN_VALUE};
        for (long v : values) {
            TextBuffer t = new TextBuffer(4);
            t.append(v);
            assertEquals(Long.toString(v), t.toString());
            assertEquals(Long.toString(v).length(), TextBuffer.decimalLength(v));
        }
        java.util.Random r = new java.util.Random(5);
        TextBuffer many = new TextBuffer(16);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            long v = i < 1_000 ? i : r.nextLong() >> r.nextInt(64);
            many.append(v).append(' ');
            expected.append(v).append(' ');
        }
        assertEquals(expected.toString(), many.toString());
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
            for (long v : new long[] {p - 1, p, p + 1, 2 * p - 1, 5 * p, 10 * p - 1}) {
                assertEquals(Long.toString(v).length(), TextBuffer.decimalDigits(v), "v=" + v);
            }
        }
        for (int bits = 0; bits < 63; bits++) {
            long v = 1L << bits;
            assertEquals(Long.toString(v).length(), TextBuffer.decimalDigits(v), "v=" + v);
            assertEquals(Long.toString(v - 1).length(), TextBuffer.decimalDigits(v - 1), "v=" + (v - 1));
        }
    }

    @Test
    void insertTrimRepeatAndConstants() throws IOException {
        TextBuffer t = new TextBuffer(2);
        t.append("ab");
        int at = t.length();
        t.appendUtf8("+1.0 µs".getBytes(StandardCharsets.UTF_8));
        assertEquals(7, t.charsSince(at));
        t.insert(at, ' ', 3);
        t.repeat('-', 2).repeat('x', 0).append("   ");
        t.trimTrailingSpace(0);
        StringWriter w = new StringWriter();
        t.writeTo(w);
        assertEquals("ab   +1.0 µs--", w.toString());
        t.append("  ");
        t.trimTrailingSpace(1);
        assertEquals(1, t.length());
    }
}
