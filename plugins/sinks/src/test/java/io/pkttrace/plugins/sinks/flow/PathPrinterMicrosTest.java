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
}
