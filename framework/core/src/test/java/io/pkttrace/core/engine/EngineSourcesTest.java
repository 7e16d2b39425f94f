package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.api.EventSource;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.testing.KernelTestSupport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Event sources polled by the engine: counted, filtered, and merged into time order with other sources. */
class EngineSourcesTest {
    /** A source that hands out queued timestamps once, reusing one event, and reports a fixed loss. */
    static final class QueuedSource implements EventSource {
        final Deque<Long> pending = new ArrayDeque<>();
        final String name;
        final long lost;
        final PacketEvent reused = new PacketEvent();

        QueuedSource(String name, long lost, long... ts) {
            this.name = name;
            this.lost = lost;
            for (long t : ts) {
                pending.add(t);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized int poll(Consumer<PacketEvent> out) {
            int n = 0;
            while (!pending.isEmpty()) {
                out.accept(reused.clear().timestampNs(pending.poll()).hook(name).probe("test"));
                n++;
            }
            return n;
        }

        @Override
        public long lost() {
            return lost;
        }
    }

    /** A probe with no BPF at all: only sources. */
    static final class SourcesProbe implements Probe {
        final List<EventSource> sources;

        SourcesProbe(EventSource... sources) {
            this.sources = List.of(sources);
        }

        @Override
        public List<String> describe() {
            return List.of("sources");
        }

        @Override
        public void start(ProbeContext context) {
            sources.forEach(context::consume);
        }

        @Override
        public void stop() {
        }

        @Override
        public void close() {
        }
    }

    static final class Recording implements Sink {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void accept(PacketEvent e) {
            seen.add(e.hook() + "@" + e.timestampNs());
        }
    }

    @Test
    void eventsOfSeveralSourcesReachSinksInTimeOrderAndAreCounted() throws Exception {
        KernelTestSupport.requireBpf(); // the engine loads libbpf and the kernel's BTF
        long now = System.nanoTime();
        // "late" reports things that happened before what "early" reports, and is polled after it.
        QueuedSource early = new QueuedSource("dev", 0, now + 30, now + 40);
        QueuedSource late = new QueuedSource("nf", 3, now + 10, now + 20, now + 35);
        Recording sink = new Recording();
        List<String> reports = new ArrayList<>();
        Engine engine = new Engine(NativeBpf.get(), EngineSettings.defaults(), List.of(new SourcesProbe(early, late)),
                List.of(), List.of(), List.of(sink), reports::add);
        engine.start();
        RunStats s = engine.stop();
        assertEquals(List.of("nf@" + (now + 10), "nf@" + (now + 20), "dev@" + (now + 30), "nf@" + (now + 35),
                "dev@" + (now + 40)), sink.seen);
        assertEquals(5, s.delivered(), s.toString());
        assertEquals(3, s.lostInKernel(), "a source's losses are counted: " + s);
        assertEquals(8, s.produced(), "produced = delivered + lost: " + s);
        assertEquals(5, s.emitted(), s.toString());
    }

    @Test
    void aJavaFilterAppliesToSourceEvents() throws Exception {
        KernelTestSupport.requireBpf();
        long now = System.nanoTime();
        QueuedSource only = new QueuedSource("nf", 0, now + 1, now + 2, now + 3);
        Recording sink = new Recording();
        Engine engine = new Engine(NativeBpf.get(), EngineSettings.defaults(), List.of(new SourcesProbe(only)),
                List.of(e -> e.timestampNs() != now + 2), List.of(), List.of(sink), line -> { });
        engine.start();
        RunStats s = engine.stop();
        assertEquals(List.of("nf@" + (now + 1), "nf@" + (now + 3)), sink.seen);
        assertEquals(1, s.filteredInJava(), s.toString());
    }
}
