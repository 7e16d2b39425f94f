package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reorder buffer alone: time order, arrival order for equal times, its bounds. */
class ReorderBufferTest {
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
    void releasesInTimeOrderOnlyOnceTheWatermarkIsAWindowPast() {
        ReorderBuffer b = new ReorderBuffer(100, 16);
        b.add(at(1000, "tx"), this::collect);
        b.add(at(900, "postrouting"), this::collect);
        b.add(at(950, "output"), this::collect);
        assertEquals(0, b.releaseUpTo(990, this::collect), "nothing is at or before 990 - 100");
        assertEquals(2, b.releaseUpTo(1050, this::collect));
        assertEquals(List.of(900L, 950L), out);
        assertEquals(1, b.releaseAll(this::collect));
        assertEquals(List.of(900L, 950L, 1000L), out);
        assertEquals(0, b.late());
    }

    @Test
    void equalTimestampsLeaveInArrivalOrder() {
        // One netfilter hook pass gives several verdict events with the pass's time (a JUMP, the user
        // chain's RETURN, the base chain's ACCEPT): their order is the order of the rules.
        ReorderBuffer b = new ReorderBuffer(0, 64);
        List<String> sent = new ArrayList<>();
        Random r = new Random(11);
        for (int i = 0; i < 40; i++) {
            String h = "h" + i;
            sent.add(h);
            b.add(at(5, h), this::collect);
            if (r.nextBoolean()) {
                b.add(at(7 + r.nextInt(5), "later"), this::collect); // other times mixed in
            }
        }
        b.releaseAll(this::collect);
        assertEquals(sent, hooks.subList(0, sent.size()));
    }

    @Test
    void aFullBufferReleasesItsOldestAndALateEventIsPassedOnAndCounted() {
        ReorderBuffer b = new ReorderBuffer(1_000_000, 2);
        b.add(at(10, "a"), this::collect);
        b.add(at(20, "b"), this::collect);
        b.add(at(30, "c"), this::collect); // full: 10 leaves early
        assertEquals(List.of(10L), out);
        assertEquals(1, b.forced());
        b.add(at(5, "late"), this::collect); // older than 10, which is out already
        assertEquals(List.of(10L, 5L), out);
        assertEquals(1, b.late());
        b.releaseAll(this::collect);
        assertEquals(List.of(10L, 5L, 20L, 30L), out);
    }

    @Test
    void randomArrivalsWithinTheWindowComeOutSorted() {
        ReorderBuffer b = new ReorderBuffer(1000, 256);
        Random r = new Random(7);
        long now = 0;
        for (int i = 0; i < 10_000; i++) {
            now += 10;
            b.add(at(now - r.nextInt(500), "x"), this::collect); // up to 500 ns late, window 1000
            b.releaseUpTo(now, this::collect);
        }
        b.releaseAll(this::collect);
        assertEquals(10_000, out.size());
        for (int i = 1; i < out.size(); i++) {
            assertTrue(out.get(i - 1) <= out.get(i), "sorted at " + i);
        }
        assertEquals(0, b.late());
        assertEquals(0, b.forced());
    }
}
