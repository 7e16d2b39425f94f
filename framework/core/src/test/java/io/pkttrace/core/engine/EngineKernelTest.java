package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.testing.KernelTestSupport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The live pipeline against the real kernel: netpath's BPF on loopback UDP traffic. */
@Tag("kernel")
class EngineKernelTest {
    /** UDP to one loopback port, in kernel and Java. */
    static TupleFilter portFilter(int port) {
        return new TupleFilter(new TupleRules(List.of(), List.of(), List.of(), List.of(PacketEvent.PROTO_UDP), List.of(),
                List.of(new TupleRules.PortRange(port, port)), List.of(), false));
    }

    /** Counts events and keeps a few copies. */
    static class CountingSink implements Sink {
        long count;
        long ticks;
        long lastTick;

        @Override
        public void tick(long now) {
            ticks++;
            lastTick = now;
        }

        final List<PacketEvent> first = new ArrayList<>();

        @Override
        public void accept(PacketEvent e) {
            count++;
            if (first.size() < 4) {
                first.add(e.copy());
            }
        }
    }

    /** The live pipeline as PipelineBuilder makes it, with the test's own probe, filter and sink. */
    static Pipeline live(EngineSettings settings, TupleFilter filter, Sink sink) throws Exception {
        LiveInput input = new LiveInput(NativeBpf.get(), settings, List.of(new Named<>("probe netpath-test", new NetpathTestProbe())),
                PipelineBuilder.kernelRules(List.of(filter)));
        return new Pipeline(input, settings, List.of(new Named<Filter>("filter port", filter)), List.of(),
                List.of(new Named<>("sink counting", sink)), null, line -> { });
    }

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    private static RunStats flood(EngineSettings settings, int datagrams, CountingSink sink) throws Exception {
        try (DatagramChannel rx = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel tx = DatagramChannel.open()) {
            int port = ((InetSocketAddress) rx.getLocalAddress()).getPort();
            rx.configureBlocking(false);
            Pipeline engine = live(settings, portFilter(port), sink);
            try {
                engine.start();
                ByteBuffer payload = ByteBuffer.allocate(16);
                ByteBuffer drain = ByteBuffer.allocate(64);
                InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
                for (int i = 0; i < datagrams; i++) {
                    payload.clear();
                    tx.send(payload, to);
                    while (rx.receive(drain.clear()) != null) {
                        // keep the socket queue from overflowing
                    }
                }
                return engine.stop().stats();
            } finally {
                engine.stop();
            }
        }
    }

    @Test
    void deliversEveryEventOfAFilteredFlowExactly() throws Exception {
        CountingSink sink = new CountingSink();
        RunStats s = flood(EngineSettings.defaults(), 2000, sink);
        // Each datagram crosses lo twice: transmit and receive.
        assertEquals(4000, s.produced(), s.toString());
        assertEquals(0, s.lostInKernel(), s.toString());
        assertEquals(4000, s.delivered(), s.toString());
        assertEquals(4000, sink.count);
        assertEquals(0, s.filteredInJava(), "the kernel filter already removed everything else: " + s);
        PacketEvent e = sink.first.get(0);
        assertEquals("lo", e.ifname());
        assertEquals(PacketEvent.PROTO_UDP, e.protocol());
        assertTrue(e.dstPort() > 0);
    }

    @Test
    void aTooSmallRingUnderFloodReportsItsLosses() throws Exception {
        CountingSink sink = new CountingSink();
        // One page of ring (~32 records) and a consumer that sleeps 50 ms between drains.
        EngineSettings tiny = new EngineSettings(4096, 50_000_000L, 4096, 0);
        RunStats s = flood(tiny, 20000, sink);
        assertEquals(40000, s.produced(), s.toString());
        assertTrue(s.lostInKernel() > 0, "a flood into a one-page ring must lose records: " + s);
        assertEquals(s.produced(), s.delivered() + s.lostInKernel(), "every record is delivered or counted lost: " + s);
        assertEquals(s.delivered(), sink.count);
    }

    @Test
    void aSlowSinkStoppedEarlyLeavesRecordsUnreadAndEveryRecordIsAccountedFor() throws Exception {
        CountingSink slow = new CountingSink() {
            @Override
            public void accept(PacketEvent e) {
                super.accept(e);
                LockSupport.parkNanos(1_000_000L); // 1 ms per event: far slower than the flood
            }
        };
        RunStats s = flood(EngineSettings.defaults().withDrainBound(100_000_000L), 5000, slow);
        assertEquals(10000, s.produced(), s.toString());
        assertTrue(s.leftUnread() > 0, "the drain bound ended reading before the rings were empty: " + s);
        assertEquals(s.produced(), s.delivered() + s.lostInKernel() + s.leftUnread(), "delivered + lost + left unread: " + s);
        assertTrue(s.leftUnreadReason().contains("drain bound of 0.1 s"), s.leftUnreadReason());
        assertEquals(s.emitted(), slow.count, "emitted counts what reached the sink");
        assertTrue(slow.count <= s.delivered(), s.toString());
    }

    @Test
    void aRingAndAUserSpaceSourceReachSinksInTimestampOrder() throws Exception {
        // The probe registers netpath's ring and, as a netlink-reading probe would, a user-space source
        // whose events are stamped on the kernel clock and handed over 2 ms late.
        java.util.concurrent.ConcurrentLinkedQueue<Long> stamps = new java.util.concurrent.ConcurrentLinkedQueue<>();
        io.pkttrace.api.EventSource late = new io.pkttrace.api.EventSource() {
            private final PacketEvent e = new PacketEvent();

            @Override
            public String name() {
                return "late";
            }

            @Override
            public int poll(java.util.function.Consumer<PacketEvent> out) {
                int n = 0;
                for (Long ts; (ts = stamps.peek()) != null && System.nanoTime() - ts > 2_000_000L; n++) {
                    stamps.poll();
                    out.accept(e.clear().timestampNs(ts).hook("late").probe("user"));
                }
                return n;
            }
        };
        List<PacketEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Sink sink = e -> seen.add(e.copy());
        try (DatagramChannel rx = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel tx = DatagramChannel.open()) {
            int port = ((InetSocketAddress) rx.getLocalAddress()).getPort();
            EngineSettings settings = EngineSettings.defaults();
            NetpathTestProbe probe = new NetpathTestProbe() {
                @Override
                public void start(io.pkttrace.api.ProbeContext ctx) throws io.pkttrace.api.PkttraceException {
                    super.start(ctx);
                    ctx.consume(late);
                }
            };
            LiveInput input = new LiveInput(NativeBpf.get(), settings, List.of(new Named<>("probe two-sources", probe)),
                    PipelineBuilder.kernelRules(List.of(portFilter(port))));
            TupleFilter ports = portFilter(port);
            Filter keep = e -> "late".equals(e.hook()) || ports.test(e);
            Pipeline p = new Pipeline(input, settings, List.of(new Named<>("filter port-or-late", keep)), List.of(),
                    List.of(new Named<>("sink seen", sink)), null, line -> { });
            p.start();
            try {
                for (int i = 0; i < 200; i++) {
                    tx.send(ByteBuffer.allocate(8), new InetSocketAddress("127.0.0.1", port));
                    stamps.add(System.nanoTime());
                    Thread.sleep(1);
                }
                Thread.sleep(50);
            } finally {
                RunStats s = p.stop().stats();
                assertTrue(s.accountedFor(), s.toString());
            }
        }
        assertEquals(200, seen.stream().filter(e -> "late".equals(e.hook())).count());
        assertEquals(400, seen.stream().filter(e -> "lo".equals(e.ifname())).count(), "tx and rx of every datagram");
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i - 1).timestampNs() <= seen.get(i).timestampNs(), "in timestamp order at " + i + ": "
                    + seen.get(i - 1) + " then " + seen.get(i));
        }
    }

    @Test
    void ringsAreReadBeforeUserSourcesInEachRoundWhateverOrderTheProbeRegisteredThem() throws Exception {
        // The netfilter probe's trace messages refer to the hook records of its ring: in a round, the
        // record must already be read when the message is. Here the source is registered first.
        io.pkttrace.api.EventSource nothing = new io.pkttrace.api.EventSource() {
            @Override
            public String name() {
                return "nothing";
            }

            @Override
            public int poll(java.util.function.Consumer<PacketEvent> out) {
                return 0;
            }
        };
        NetpathTestProbe probe = new NetpathTestProbe() {
            @Override
            public void start(io.pkttrace.api.ProbeContext ctx) throws io.pkttrace.api.PkttraceException {
                ctx.consume(nothing);
                super.start(ctx);
            }
        };
        LiveInput input = new LiveInput(NativeBpf.get(), EngineSettings.defaults(), List.of(new Named<>("probe order", probe)),
                TupleRules.matchAll());
        try {
            List<Source> sources = input.open(line -> { });
            assertEquals(List.of(RingSource.class, UserSource.class), sources.stream().map(Object::getClass).toList());
        } finally {
            input.close(false);
        }
    }

    @Test
    void idleSinksGetTicksOnTheKernelClock() throws Exception {
        CountingSink sink = new CountingSink();
        Pipeline engine = live(EngineSettings.defaults(), portFilter(9), sink);
        engine.start();
        Thread.sleep(450);
        long now = System.nanoTime();
        engine.stop();
        assertTrue(sink.ticks >= 2, "about one tick per 100 ms while idle: " + sink.ticks);
        assertTrue(now - sink.lastTick >= 0 && now - sink.lastTick < 200_000_000L, "ticks carry monotonic time");
    }

    @Test
    void stopLeavesNoProgramLoaded() throws Exception {
        flood(EngineSettings.defaults(), 10, new CountingSink());
        assertEquals(List.of(), KernelTestSupport.awaitNoPkttracePrograms());
    }
}
