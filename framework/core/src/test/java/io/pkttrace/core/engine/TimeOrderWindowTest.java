package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimeOrderWindowTest {
    private final List<Long> out = new ArrayList<>();
    private final List<String> hooks = new ArrayList<>();

    private void collect(PacketEvent e) {
        out.add(e.timestampNs());
        hooks.add(e.hook());
    }

    private static PacketEvent at(long ts, String hook) {
        return new PacketEvent().timestampNs(ts).hook(hook);
    }

    @Test
    void releasesInTimeOrderOnlyOnceTheWindowHasPassed() {
        TimeOrderWindow w = new TimeOrderWindow(100, 16);
        w.offer(at(1000, "tx"), this::collect);
        w.offer(at(900, "postrouting"), this::collect);
        w.offer(at(950, "output?"), this::collect);
        assertEquals(0, w.releaseUntil(990, this::collect), "nothing is older than 990 - 100");
        assertEquals(2, w.releaseUntil(1050, this::collect));
        assertEquals(List.of(900L, 950L), out);
        assertEquals(1, w.releaseAll(this::collect));
        assertEquals(List.of(900L, 950L, 1000L), out);
        assertEquals(0, w.late());
    }

    @Test
    void equalTimestampsKeepArrivalOrder() {
        TimeOrderWindow w = new TimeOrderWindow(0, 16);
        for (String h : List.of("a", "b", "c", "d", "e", "f")) {
            w.offer(at(5, h), this::collect);
        }
        w.releaseAll(this::collect);
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), hooks);
    }

    @Test
    void aFullWindowReleasesItsOldestAndALateEventIsPassedOnAndCounted() {
        TimeOrderWindow w = new TimeOrderWindow(1_000_000, 2);
        w.offer(at(10, "a"), this::collect);
        w.offer(at(20, "b"), this::collect);
        w.offer(at(30, "c"), this::collect); // full: 10 leaves
        assertEquals(List.of(10L), out);
        w.offer(at(5, "late"), this::collect); // older than 10, which is out already
        assertEquals(List.of(10L, 5L), out);
        assertEquals(1, w.late());
        w.releaseAll(this::collect);
        assertEquals(List.of(10L, 5L, 20L, 30L), out);
    }

    @Test
    void randomArrivalsWithinTheWindowComeOutSortedWithoutGrowingThePool() {
        TimeOrderWindow w = new TimeOrderWindow(1000, 64);
        Random r = new Random(7);
        long now = 0;
        for (int i = 0; i < 10_000; i++) {
            now += 10;
            w.offer(at(now - r.nextInt(500), "x"), this::collect); // up to 500 ns late, window 1000
            w.releaseUntil(now, this::collect);
        }
        w.releaseAll(this::collect);
        assertEquals(10_000, out.size());
        for (int i = 1; i < out.size(); i++) {
            assertTrue(out.get(i - 1) <= out.get(i), "sorted at " + i);
        }
        assertEquals(0, w.late());
        assertTrue(w.allocated() <= 64, "pooled events are reused: " + w.allocated());
    }
}
