package io.pkttrace.jsonl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

/** The hand-written JSON output gives the same bytes as Jackson's generator, which wrote the format before. */
class JsonBytesTest {
    private static final String[] STRINGS = {
        "", "eth0", "tx", "say \"hi\"", "back\\slash", "tab\there", "nl\ncr\rbs\bff\f", "nul\u0000 us\u001f del\u007f",
        "/slash", "é ß €", "日本語", "emoji \ud83d\ude00 pair", "lone \ud83d high", "lone \ude00 low", "x".repeat(5000),
    };

    @Test
    void stringsAreEscapedAsJacksonDoes() throws IOException {
        for (String s : STRINGS) {
            assertArrayEquals(jackson(s), JsonBytes.quoted(s), () -> "for " + s);
        }
    }

    @Test
    void numbersAreDecimalAsJacksonWritesThem() throws IOException {
        long[] values = {0, 1, -1, 9, 10, 99, 100, 12345678901234L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE};
        for (long v : values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonBytes b = new JsonBytes(out, 256);
            b.number(v);
            b.flush();
            assertEquals(Long.toString(v), out.toString(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    void everyDigitCountAndRandomNumbersAreDecimal() throws IOException {
        java.util.Random r = new java.util.Random(11);
        java.util.List<Long> values = new java.util.ArrayList<>();
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10 * 10; p *= 10) { // every power of ten and its neighbours
            for (long v : new long[] {p - 1, p, p + 1, -p, 2 * p - 1}) {
                values.add(v);
            }
            if (p > Long.MAX_VALUE / 10) {
                break;
            }
        }
        for (int i = 0; i < 100_000; i++) {
            values.add(r.nextLong() >> r.nextInt(64));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonBytes b = new JsonBytes(out, 256);
        StringBuilder expected = new StringBuilder();
        for (long v : values) {
            b.number(v);
            b.raw((byte) ',');
            expected.append(v).append(',');
        }
        b.flush();
        assertEquals(expected.toString(), out.toString(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void hexIsQuotedLowerCaseWithoutLeadingZeros() throws IOException {
        for (long v : new long[] {0, 1, 0xf, 0x10, 0xffff888004000000L, -1L, Long.MIN_VALUE, 0x0123456789abcdefL}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonBytes b = new JsonBytes(out, 256);
            b.hex(v);
            b.flush();
            assertEquals("\"0x" + Long.toHexString(v) + "\"", out.toString(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    void packetBytesAreBase64AsJacksonsWriteBinary() throws IOException {
        java.util.Random r = new java.util.Random(7);
        for (int len : new int[] {1, 2, 3, 4, 5, 127, 128, 1024}) {
            byte[] data = new byte[len + 3];
            r.nextBytes(data);
            ByteArrayOutputStream mine = new ByteArrayOutputStream();
            JsonBytes b = new JsonBytes(mine, 2048);
            b.base64(data, 3, len);
            b.flush();
            ByteArrayOutputStream theirs = new ByteArrayOutputStream();
            try (JsonGenerator g = new JsonFactory().createGenerator(theirs, JsonEncoding.UTF8)) {
                g.writeBinary(data, 3, len);
            }
            assertArrayEquals(theirs.toByteArray(), mine.toByteArray(), "length " + len);
        }
    }

    @Test
    void aSmallBufferDrainsInOrderAndLargeValuesPassThrough() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonBytes b = new JsonBytes(out, 256);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            b.string("v" + i);
            b.raw(JsonBytes.quoted("y".repeat(i * 3)));
            expected.append("\"v").append(i).append('"').append('"').append("y".repeat(i * 3)).append('"');
        }
        b.flush();
        assertEquals(expected.toString(), out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void theStreamsErrorReachesTheCaller() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int x) throws IOException {
                throw new IOException("disk full");
            }
        };
        JsonBytes b = new JsonBytes(broken, 256);
        b.string("x");
        assertEquals("disk full", assertThrows(IOException.class, b::flush).getMessage());
    }

    private static byte[] jackson(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeString(s);
        }
        return out.toByteArray();
    }
}
