package io.pkttrace.core.engine;

import io.pkttrace.api.Enricher;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.Sink;
import io.pkttrace.core.bpf.DropReasons;
import io.pkttrace.core.bpf.StandardRecordDecoder;
import io.pkttrace.core.enrich.NetnsNameEnricherFactory;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.jmh.Records;
import io.pkttrace.plugins.bench.NullSink;
import io.pkttrace.plugins.sinks.OutputTarget;
import io.pkttrace.plugins.sinks.flow.FlowConfig;
import io.pkttrace.plugins.sinks.flow.FlowSink;
import io.pkttrace.plugins.sinks.json.JsonConfig;
import io.pkttrace.plugins.sinks.json.JsonSink;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link Pipeline} as workload (a)'s null-sink row runs it (synthetic records, the netns-names
 * enricher, the null sink; or the json sink to /dev/null as its json row), on its own consumer thread, fed by a source that reads records laid out as in
 * a default 4 MiB ring the way {@link RingSource} does (take or reuse, decode, offer, at most {@code room()} per
 * drain): the consumer thread's own CPU time per event. Unlike {@code HotPathBenchmark.pipeline*} (one
 * event through decode, filters, enrichers and a sink in a plain loop) it includes the event pool, the
 * guards and the hand-over to sinks. CPU time, not wall time: usable on a loaded machine when old and new
 * code run alternately; the smallest of the rounds is the figure.
 * {@code java -cp 'benchmarks/jmh/target/classes:benchmarks/jmh/target/lib/*' io.pkttrace.core.engine.PipelineThreadCpu}
 */
public final class PipelineThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Bytes per record in the ring: the 8-byte header and the 120-byte record. */
    private static final int SLOT = 128;
    private static final int SLOTS = (4 << 20) / SLOT;

    private PipelineThreadCpu() {
    }

    /**
     * Arguments: [EVENTS [ROUNDS [SINK]]], default 10,000,000, 5 and null (SINK: null, json, json-nowrite, flow); the
     * first round also warms up.
     */
    public static void main(String[] args) throws Exception {
        // C2 inlines a method only if every class in its signature is loaded in its holder's class loader.
        // Started from this class, the application class loader had not yet been asked for String when the
        // pipeline was compiled: PacketEvent's String getters and setters stayed calls in the compiled
        // consumer (-XX:+PrintInlining: "unloaded signature classes", 10 call sites; none in a real run).
        Class.forName("java.lang.String", false, PacketEvent.class.getClassLoader());
        long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String sinkType = args.length > 2 ? args[2] : "null";
        StandardRecordDecoder decoder = new StandardRecordDecoder(Records.layout(), "synthetic",
                new String[] {null, "sys_enter"}, DropReasons.none());
        ByteBuffer ring = ring();
        Path emptyNetnsDir = Files.createTempDirectory("ptb-netns");
        try {
            Enricher netnsNames = new NetnsNameEnricherFactory().create(new NetnsNames(emptyNetnsDir));
            StringBuilder line = new StringBuilder("Pipeline, " + sinkType + " sink: consumer thread CPU ns/event:");
            double least = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                double ns = round(decoder, ring, netnsNames, sink(sinkType), events);
                least = Math.min(least, ns);
                line.append(String.format(" %.1f", ns));
            }
            System.out.println(line.append(String.format("; min %.1f", least)));
        } finally {
            Files.deleteIfExists(emptyNetnsDir);
        }
    }

    /** The null sink, or the json sink writing to /dev/null through the output the CLI opens. */
    private static Sink sink(String type) throws Exception {
        return switch (type) {
            case "null" -> new NullSink(false, System.err);
            case "json" -> new JsonSink(new JsonConfig(OutputTarget.parse("sink json", "/dev/null"), false, null));
            case "json-nowrite" -> new JsonSink(new JsonConfig(OutputTarget.stdout("sink json"), false, null),
                    java.io.OutputStream.nullOutputStream());
            // workload (a)'s flow row: every event is a packet of its own, printed (to a null stream) at once
            case "flow" -> new FlowSink(new FlowConfig(OutputTarget.stdout("bench"), FlowConfig.DEFAULT_IDLE_MS,
                    FlowConfig.DEFAULT_MAX_PACKETS, FlowConfig.DEFAULT_MAX_HOPS), java.io.OutputStream.nullOutputStream());
            default -> throw new IllegalArgumentException("sink null, json, json-nowrite or flow: " + type);
        };
    }

    /** A ring's worth of synthetic records, each with its own timestamp. */
    private static ByteBuffer ring() {
        ByteBuffer one = Records.synthetic();
        ByteBuffer ring = ByteBuffer.allocateDirect(SLOT * SLOTS).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SLOTS; i++) {
            ring.put(i * SLOT, one, 0, one.capacity());
            ring.putLong(i * SLOT + 8, 1_000L + i);
        }
        return ring;
    }

    private static double round(StandardRecordDecoder decoder, ByteBuffer ring, Enricher netnsNames, Sink sink, long events)
            throws Exception {
        RingLikeSource source = new RingLikeSource(decoder, ring, events);
        PipelineInput input = new PipelineInput() {
            @Override
            public List<Source> open(java.util.function.Consumer<String> reporter) {
                return List.of(source);
            }

            @Override
            public void stopIntake() {
            }

            @Override
            public void close(boolean consumerStuck) {
            }
        };
        Pipeline p = new Pipeline(input, EngineSettings.defaults(), List.of(), List.of(new Named<>("netns", netnsNames)),
                List.of(new Named<>("sink", sink)), null, System.err::println);
        p.start();
        if (!p.awaitDone(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the pipeline did not finish");
        }
        p.stop();
        return (source.cpuAtEnd - source.cpuAtStart) / (double) events;
    }

    /** Reads the ring's records in order, as RingSource does, until {@code events} were read. */
    private static final class RingLikeSource implements Source {
        private final StandardRecordDecoder decoder;
        private final ByteBuffer ring;
        private long remaining;
        private long delivered;
        private int slot;
        private PacketEvent spare;
        long cpuAtStart = -1;
        long cpuAtEnd;

        RingLikeSource(StandardRecordDecoder decoder, ByteBuffer ring, long events) {
            this.decoder = decoder;
            this.ring = ring;
            this.remaining = events;
        }

        @Override
        public String name() {
            return "ring-like";
        }

        @Override
        public int poll(int max, Intake in) {
            if (cpuAtStart < 0) {
                cpuAtStart = THREADS.getCurrentThreadCpuTime();
            }
            int read = 0;
            while (read < max && remaining > 0) {
                int want = (int) Math.min(Math.min(max - read, Math.max(1, in.room())), remaining);
                for (int i = 0; i < want; i++) {
                    PacketEvent e = spare != null ? spare.clear() : in.take();
                    spare = null;
                    if (!decoder.decode(ring, slot * SLOT + 8, SLOT - 8, e) || !in.offer(e)) {
                        spare = e; // given back at once: filled again for the next record
                    }
                    slot = slot + 1 == SLOTS ? 0 : slot + 1;
                }
                remaining -= want;
                read += want;
            }
            delivered += read;
            if (remaining == 0 && cpuAtEnd == 0) {
                cpuAtEnd = THREADS.getCurrentThreadCpuTime();
            }
            return read;
        }

        @Override
        public long watermark(long roundStartNs) {
            return roundStartNs;
        }

        @Override
        public boolean exhausted() {
            return remaining == 0;
        }

        @Override
        public SourceCounts counts() {
            return new SourceCounts(delivered, delivered, 0, 0, 0);
        }
    }
}
