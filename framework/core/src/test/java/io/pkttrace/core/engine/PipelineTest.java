package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.Enricher;
import io.pkttrace.api.EventSource;
import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline without a kernel: user-space sources, ordering, isolation, ending, accounting. */
class PipelineTest {
    private static final long MS = 1_000_000L;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final CountDownLatch unblock = new CountDownLatch(1);

    @AfterEach
    void releaseBlockedThreads() {
        unblock.countDown();
    }

    /** Hands each scripted event once its time to be handed has come: {handAtNs, timestampNs}. */
    static final class Scripted implements EventSource {
        private final String name;
        private final Deque<long[]> script = new ArrayDeque<>();
        private final PacketEvent reused = new PacketEvent();
        long lost;

        Scripted(String name) {
            this.name = name;
        }

        Scripted at(long handAtNs, long tsNs) {
            script.add(new long[] {handAtNs, tsNs});
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized int poll(Consumer<PacketEvent> out) {
            long now = System.nanoTime();
            int n = 0;
            while (!script.isEmpty() && script.peek()[0] <= now) {
                long[] x = script.poll();
                out.accept(reused.clear().timestampNs(x[1]).hook(name).pid((int) (x[1] % 1_000_000)));
                n++;
            }
            return n;
        }

        @Override
        public long lost() {
            return lost;
        }
    }

    /** A live source that hands one event per poll, forever. */
    static final class Endless implements EventSource {
        private final PacketEvent reused = new PacketEvent();
        long handed;

        @Override
        public String name() {
            return "endless";
        }

        @Override
        public int poll(Consumer<PacketEvent> out) {
            handed++;
            out.accept(reused.clear().timestampNs(System.nanoTime()).pid((int) handed));
            return 1;
        }
    }

    /** Records timestamps, and what was called when. */
    static class Recorder implements Sink {
        final List<Long> ts = Collections.synchronizedList(new ArrayList<>());
        final List<String> names = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger finishes = new AtomicInteger();
        final AtomicBoolean inAccept = new AtomicBoolean();
        final AtomicBoolean finishDuringAccept = new AtomicBoolean();
        final AtomicBoolean acceptAfterFinish = new AtomicBoolean();
        volatile RunStats stats;

        @Override
        public void accept(PacketEvent e) {
            if (finishes.get() > 0) {
                acceptAfterFinish.set(true);
            }
            inAccept.set(true);
            ts.add(e.timestampNs());
            names.add(e.netnsName());
            work(e);
            inAccept.set(false);
        }

        void work(PacketEvent e) {
        }

        @Override
        public void finish(RunStats s) {
            if (inAccept.get()) {
                finishDuringAccept.set(true);
            }
            stats = s;
            finishes.incrementAndGet();
        }
    }

    private Pipeline pipeline(EngineSettings settings, List<EventSource> sources, List<Filter> filters, List<Enricher> enrichers,
                              List<Sink> sinks) {
        List<Named<EventSource>> s = new ArrayList<>();
        sources.forEach(x -> s.add(new Named<>("source " + x.name(), x)));
        List<Named<Filter>> f = new ArrayList<>();
        filters.forEach(x -> f.add(new Named<>("filter f" + f.size(), x)));
        List<Named<Enricher>> en = new ArrayList<>();
        enrichers.forEach(x -> en.add(new Named<>("enricher e" + en.size(), x)));
        List<Named<Sink>> k = new ArrayList<>();
        sinks.forEach(x -> k.add(new Named<>("sink " + x.getClass().getSimpleName().toLowerCase(), x)));
        return new Pipeline(new SourcesInput(s), settings, f, en, k, null, reported::add);
    }

    private static EngineSettings settings() {
        return EngineSettings.defaults();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / MS + 1);
        }
    }

    private List<String> linesAbout(String name) {
        return reported.stream().filter(l -> l.startsWith(name + " ")).toList();
    }

    // ---- order across sources -------------------------------------------------------------------

    @Test
    void severalSourcesReachSinksInTimestampOrderEvenWhenOneIsLateWithinTheWindow() throws Exception {
        // 500 ms for the consumer to start first, and the late one a whole second late: a consumer that a loaded
        // machine stalls for tens of ms must still see it arrive late (read in one round with the others, it
        // would be sorted in place). The window's 5 ms hold whatever the stalls: released up to the round's start.
        long base = System.nanoTime() + 500 * MS;
        // a: on time; b: each event handed 3 ms after it happened (within the 5 ms window); and one 1 s late.
        Scripted a = new Scripted("a").at(base + MS, base + MS).at(base + 3 * MS, base + 3 * MS).at(base + 5 * MS, base + 5 * MS);
        Scripted b = new Scripted("b").at(base + 5 * MS, base + 2 * MS).at(base + 7 * MS, base + 4 * MS)
                .at(base + 1000 * MS, base + 2 * MS + 500);
        Recorder sink = new Recorder();
        Pipeline p = pipeline(settings(), List.of(a, b), List.of(), List.of(), List.of(sink));
        p.start();
        sleepUntil(base + 1100 * MS);
        RunResult r = p.stop();
        assertEquals(List.of(base + MS, base + 2 * MS, base + 3 * MS, base + 4 * MS, base + 5 * MS, base + 2 * MS + 500),
                sink.ts, "in order, and the one more than 5 ms late comes last, out of order");
        assertTrue(r.notes().contains("1 events arrived more than 5 ms late and reached the sinks out of timestamp order"), r.notes().toString());
        assertEquals(6, r.stats().emitted());
        assertFalse(r.componentFailed());
    }

    @Test
    void oneSourceIsNotReorderedNorDelayed() throws Exception {
        long now = System.nanoTime();
        Scripted a = new Scripted("a").at(now, now + 3).at(now, now + 1).at(now, now + 2);
        Recorder sink = new Recorder();
        Pipeline p = pipeline(settings(), List.of(a), List.of(), List.of(), List.of(sink));
        p.start();
        long deadline = System.nanoTime() + 2000 * MS;
        while (sink.ts.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        p.stop();
        assertEquals(List.of(now + 3, now + 1, now + 2), sink.ts, "as the source handed them");
    }

    // ---- a failing component never takes the run down --------------------------------------------

    /** Throws on every event. */
    static final class Boom implements Sink {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void accept(PacketEvent e) {
            calls.incrementAndGet();
            throw new IllegalStateException("boom " + e.pid());
        }
    }

    private static Scripted events(int n) {
        long now = System.nanoTime();
        Scripted s = new Scripted("s");
        for (int i = 1; i <= n; i++) {
            s.at(now, now + i);
        }
        return s;
    }

    private static void await(Pipeline p, Recorder sink, int events) throws InterruptedException {
        long deadline = System.nanoTime() + 5000 * MS;
        while (sink.ts.size() < events && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    @Test
    void aThrowingSinkIsReportedOnceCountedDisabledAndTheOthersGoOn() throws Exception {
        Recorder good = new Recorder();
        Boom boom = new Boom();
        Pipeline p = pipeline(settings(), List.of(events(300)), List.of(), List.of(), List.of(boom, good));
        p.start();
        await(p, good, 300);
        RunResult r = p.stop();
        assertEquals(300, good.ts.size(), "the other sink got every event");
        assertEquals(Guard.DISABLE_AFTER, boom.calls.get(), "not called after it was disabled");
        List<String> lines = linesAbout("sink boom");
        assertEquals(1, lines.size(), "reported once: " + reported);
        assertTrue(lines.get(0).matches("sink boom failed in accept: java.lang.IllegalStateException: boom \\d+ at "
                + "io.pkttrace.core.engine.PipelineTest\\$Boom.accept\\(PipelineTest.java:\\d+\\) \\(it goes on; disabled after 100"
                + " failures; the other components are not affected\\)"), lines.get(0));
        assertTrue(r.componentFailed());
        assertEquals(1, r.componentFailures().size(), r.componentFailures().toString());
        assertTrue(r.componentFailures().get(0).startsWith("sink boom: 100 failures, disabled (first: java.lang.IllegalStateException: boom "),
                r.componentFailures().get(0));
        assertEquals(1, good.finishes.get());
    }

    @Test
    void aThrowingFilterKeepsNothingItWasAskedToJudgeAndTheRunGoesOn() throws Exception {
        Recorder sink = new Recorder();
        Filter oddThrows = e -> {
            if (e.timestampNs() % 2 == 1) {
                throw new IllegalArgumentException("odd");
            }
            return true;
        };
        Pipeline p = pipeline(settings(), List.of(events(20)), List.of(oddThrows), List.of(), List.of(sink));
        p.start();
        await(p, sink, 10);
        RunResult r = p.stop();
        assertEquals(10, sink.ts.size());
        assertTrue(sink.ts.stream().allMatch(t -> t % 2 == 0));
        assertEquals(10, r.stats().filteredInJava());
        assertEquals(1, linesAbout("filter f0").size(), reported.toString());
        assertTrue(r.componentFailed());
    }

    @Test
    void aThrowingEnricherLeavesEventsAsTheyAre() throws Exception {
        Recorder sink = new Recorder();
        Enricher names = e -> {
            if (e.timestampNs() % 3 == 0) {
                throw new IllegalStateException("no name");
            }
            e.netnsName("n" + e.timestampNs() % 10);
        };
        Pipeline p = pipeline(settings(), List.of(events(9)), List.of(), List.of(names), List.of(sink));
        p.start();
        await(p, sink, 9);
        RunResult r = p.stop();
        assertEquals(9, sink.ts.size(), "every event still reaches the sink");
        assertEquals(3, sink.names.stream().filter(n -> n == null).count());
        assertTrue(r.componentFailures().get(0).startsWith("enricher e0: 3 failures (first:"), r.componentFailures().toString());
    }

    @Test
    void aSinkThatCannotStartIsDisabledAndOneThatFailsToFinishIsCounted() throws Exception {
        Recorder good = new Recorder();
        Recorder noStart = new Recorder() {
            @Override
            public void start() {
                throw new IllegalStateException("no start");
            }
        };
        Recorder badFinish = new Recorder() {
            @Override
            public void finish(RunStats s) {
                throw new UnsupportedOperationException("no finish");
            }
        };
        Pipeline p = pipeline(settings(), List.of(events(5)), List.of(), List.of(), List.of(noStart, badFinish, good));
        p.start();
        await(p, good, 5);
        RunResult r = p.stop();
        assertEquals(0, noStart.ts.size());
        assertEquals(5, badFinish.ts.size());
        assertEquals(5, good.ts.size());
        assertEquals(2, r.componentFailures().size(), r.componentFailures().toString());
    }

    // ---- ending: prompt, orderly, finish once, never during accept ---------------------------------

    @Test
    void aBlockingSinkDoesNotHoldUpTheEndAndIsNeverFinishedWhileInAccept() throws Exception {
        Recorder good = new Recorder();
        Recorder stuck = new Recorder() {
            @Override
            void work(PacketEvent e) {
                try {
                    unblock.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        EngineSettings s = settings().withDrainBound(200 * MS);
        Pipeline p = pipeline(s, List.of(new Endless()), List.of(), List.of(), List.of(good, stuck));
        p.start();
        long deadline = System.nanoTime() + 5000 * MS;
        while (!stuck.inAccept.get() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(stuck.inAccept.get(), "the sink blocks");
        long t0 = System.nanoTime();
        RunResult r = p.stop();
        long took = (System.nanoTime() - t0) / MS;
        // Drain bound 200 ms + grace 250 ms + the other sink's finish; headroom for a loaded machine, far
        // below "never" (the stuck sink never returns).
        assertTrue(took < 3000, "ended in " + took + " ms with a drain bound of 200 ms");
        assertEquals(0, stuck.finishes.get(), "never finished while its accept runs");
        assertEquals(1, good.finishes.get(), "the others are finished, once");
        int goodSaw = good.ts.size();
        unblock.countDown(); // the stuck sink returns after the end: nothing more reaches either sink
        Thread.sleep(200);
        assertEquals(goodSaw, good.ts.size(), "no sink is called after the end");
        assertFalse(good.acceptAfterFinish.get());
        assertSame(r, p.stop(), "stop is idempotent");
        assertEquals(1, good.finishes.get());
        assertTrue(r.componentFailures().stream().anyMatch(l -> l.startsWith("sink ") && l.contains("not finished")),
                r.componentFailures().toString());
    }

    @Test
    void aBlockingEnricherDoesNotKeepSinksFromFinishingAndNoSinkIsCalledAfterwards() throws Exception {
        AtomicBoolean inEnrich = new AtomicBoolean();
        Enricher blocksAtTheThird = e -> {
            if (e.pid() == 3) {
                inEnrich.set(true);
                try {
                    unblock.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Pipeline p = pipeline(settings().withDrainBound(200 * MS), List.of(new Endless()), List.of(), List.of(blocksAtTheThird),
                List.of(a, b));
        p.start();
        long deadline = System.nanoTime() + 5000 * MS;
        while (!inEnrich.get() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(inEnrich.get(), "the enricher blocks");
        long t0 = System.nanoTime();
        RunResult r = p.stop();
        long took = (System.nanoTime() - t0) / MS;
        assertTrue(took < 3000, "ended in " + took + " ms with a drain bound of 200 ms");
        assertEquals(List.of(1, 1), List.of(a.finishes.get(), b.finishes.get()), "both sinks finished, once");
        assertEquals(2, a.ts.size(), "the events before the blocked one");
        assertTrue(r.componentFailures().stream().anyMatch(l -> l.startsWith("enricher e0") && l.contains("did not return")),
                r.componentFailures().toString());
        // The enricher returns after the end: the consumer must not hand that event to the finished sinks.
        unblock.countDown();
        Thread.sleep(200);
        assertEquals(List.of(2, 2), List.of(a.ts.size(), b.ts.size()), "no sink is called after the end");
        assertFalse(a.acceptAfterFinish.get() || b.acceptAfterFinish.get());
    }

    @Test
    void aSlowSinkIsFinishedOnceAfterItsLastAccept() throws Exception {
        Recorder slow = new Recorder() {
            @Override
            void work(PacketEvent e) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Pipeline p = pipeline(settings().withDrainBound(100 * MS), List.of(new Endless()), List.of(), List.of(), List.of(slow));
        p.start();
        Thread.sleep(150);
        long t0 = System.nanoTime();
        RunResult r = p.stop();
        long took = (System.nanoTime() - t0) / MS;
        assertTrue(took < 3000, "ended in " + took + " ms with a drain bound of 100 ms (headroom for a loaded machine)");
        assertEquals(1, slow.finishes.get());
        assertFalse(slow.finishDuringAccept.get(), "finish never overlaps accept");
        assertSame(r.stats(), slow.stats);
        assertFalse(r.componentFailed(), "slow is not failed: " + r.componentFailures());
    }

    // ---- accounting ------------------------------------------------------------------------------

    @Test
    void everyEventIsAccountedForAndSinksGetTheCounters() throws Exception {
        Scripted s = events(50);
        s.lost = 7; // e.g. netlink ENOBUFS
        Recorder sink = new Recorder();
        Filter even = e -> e.timestampNs() % 2 == 0;
        Pipeline p = pipeline(settings().withMaxEvents(20), List.of(s), List.of(even), List.of(), List.of(sink));
        p.start();
        assertTrue(p.awaitDone(5, TimeUnit.SECONDS), "the count ends the run");
        RunStats st = p.stop().stats();
        assertEquals(57, st.produced());
        assertEquals(50, st.delivered());
        assertEquals(7, st.lostInKernel());
        assertEquals(0, st.leftUnread());
        assertTrue(st.accountedFor(), st.toString());
        assertEquals(20, st.emitted());
        assertEquals(20, sink.ts.size());
        assertEquals(25, st.filteredInJava());
        assertEquals(st, sink.stats);
    }
}
