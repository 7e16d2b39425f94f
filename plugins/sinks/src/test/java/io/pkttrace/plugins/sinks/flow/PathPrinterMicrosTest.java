package io.pkttrace.plugins.sinks.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-made "12.3 µs" is what {@code String.format("%.1f µs")} printed before, rounding included. */
class PathPrinterMicrosTest {
    @Test
    void sameTextAsFormat() {
        long[] edges = {0, 1, 49, 50, 51, 99, 100, 149, 150, 1150, 1250, 1_049, 1_050, 999_949, 999_950, 12_345_678_901L, -40, -50, -1250};
        for (long ns : edges) {
            assertEquals(String.format(Locale.ROOT, "%.1f µs", ns / 1000.0), PathPrinter.micros(ns), "ns=" + ns);
        }
        Random r = new Random(12);
        for (int i = 0; i < 100_000; i++) {
            long ns = r.nextInt(100_000_000);
            assertEquals(String.format(Locale.ROOT, "%.1f µs", ns / 1000.0), PathPrinter.micros(ns), "ns=" + ns);
        }
    }

    /** The delta column is right-aligned by the length the text will have, computed beforehand. */
    @Test
    void lengthKnownBeforehand() {
        long[] edges = {0, 49, 50, 9_949, 9_950, 99_949, 99_950, 12_345_678_901L, -40, -50, -1250, -99_950};
        Random r = new Random(13);
        for (int i = 0; i < 100_000 + edges.length; i++) {
            long ns = i < edges.length ? edges[i] : r.nextLong() % (i % 2 == 0 ? 10_000_000L : 1_000_000_000_000L);
            assertEquals(PathPrinter.micros(ns).length(), PathPrinter.microsLength(ns), "ns=" + ns);
        }
    }
}
