package io.pkttrace.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoTimeTest {
    private static final DateTimeFormatter REF =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Shared: consecutive calls exercise the per-second cache, including second changes. */
    private final IsoTime iso = new IsoTime();

    private String fmt(long epochNanos) {
        byte[] out = new byte[IsoTime.MAX + 3];
        int end = iso.format(epochNanos, out, 3); // not at 0: the offset is honoured
        return new String(out, 3, end - 3, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void fixedWidthUtcWithNanoseconds() {
        assertEquals("1970-01-01T00:00:00.000000000Z", fmt(0));
        assertEquals("2000-02-29T23:59:59.999999999Z", fmt(Instant.parse("2000-02-29T23:59:59.999999999Z").getEpochSecond()
                * 1_000_000_000L + 999_999_999));
        assertEquals(IsoTime.LENGTH, fmt(1_750_000_000_123_456_789L).length());
    }

    @Test
    void agreesWithTheJdkAndParsesBack() {
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long ns = Math.floorMod(r.nextLong(), 9_000_000_000_000_000_000L); // 1970 .. 2255
            Instant t = Instant.ofEpochSecond(0, ns);
            String s = fmt(ns);
            assertEquals(REF.format(t), s);
            assertEquals(t, Instant.parse(s));
            // The same second again, and the next nanoseconds: served from the cache.
            long next = ns + r.nextInt(1000);
            assertEquals(REF.format(Instant.ofEpochSecond(0, next)), fmt(next));
        }
    }
}
