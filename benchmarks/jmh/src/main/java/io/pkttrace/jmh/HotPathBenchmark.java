package io.pkttrace.jmh;

import io.pkttrace.api.Enricher;
import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.Sink;
import io.pkttrace.api.TupleRules;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.core.bpf.DropReasons;
import io.pkttrace.core.bpf.EventLayout;
import io.pkttrace.core.bpf.StandardRecordDecoder;
import io.pkttrace.core.enrich.NetnsNameEnricherFactory;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.plugins.bench.NullSink;
import io.pkttrace.plugins.sinks.console.ConsoleConfig;
import io.pkttrace.plugins.sinks.console.ConsoleSink;
import io.pkttrace.plugins.sinks.OutputTarget;
import io.pkttrace.plugins.sinks.pcapng.PcapngConfig;
import io.pkttrace.plugins.sinks.pcapng.PcapngSink;
import io.pkttrace.plugins.sinks.flow.FlowConfig;
import io.pkttrace.plugins.sinks.flow.FlowSink;
import io.pkttrace.plugins.sinks.json.JsonConfig;
import io.pkttrace.plugins.sinks.json.JsonSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-event work of the engine's consumer thread, piece by piece and together (the pipeline*
 * methods: decode, filters, enrichers and sinks on one event in a plain loop, without the Pipeline's
 * event pool, guards and hand-over to sinks, which {@link io.pkttrace.core.engine.PipelineThreadCpu}
 * measures). Run with {@code -prof gc}: gc.alloc.rate.norm is the allocation per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class HotPathBenchmark {
    private static final TupleRules MATCH_ALL = TupleRules.matchAll();
    /** A non-matching five-tuple rule, as {@code --filter fivetuple:dport=9}. */
    private static final TupleRules DPORT_9 = new TupleRules(List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(new TupleRules.PortRange(9, 9)), List.of(), false);
    /** A matching rule with every kind of key: proto=udp, src=198.18.0.0/15, dport=9999, both directions. */
    private static final TupleRules UDP_FLOW = new TupleRules(
            List.of(new TupleRules.Prefix(4, new byte[] {(byte) 198, 18, 0, 0}, 15)), List.of(), List.of(),
            List.of(17), List.of(), List.of(new TupleRules.PortRange(9999, 9999)), List.of(), true);

    /** The record layout as the engine reads it: from the BTF of the bench plugin's synthetic.bpf.o. */
    private final EventLayout layout = Records.layout();
    private final StandardRecordDecoder syntheticDecoder = decoder(layout, "synthetic", null, "sys_enter");
    private final StandardRecordDecoder netpathDecoder = decoder(layout, "netpath", null, "tx", "rx", "drop", "consume");
    private static StandardRecordDecoder decoder(EventLayout layout, String probe, String... hooks) {
        try {
            return new StandardRecordDecoder(layout, probe, hooks, DropReasons.none());
        } catch (LayoutException e) {
            throw new IllegalStateException("synthetic.bpf.o's record is not the engine's: " + e.getMessage(), e);
        }
    }

    private final ByteBuffer synthetic = Records.synthetic();
    private final ByteBuffer udp = Records.udp();
    private final ByteBuffer udpWithBytes = Records.udpWithBytes();
    private final PacketEvent udpBytesEvent = new PacketEvent();
    private PcapngSink pcapngSink;
    private final PacketEvent event = new PacketEvent();
    private final PacketEvent udpEvent = new PacketEvent();
    /** What workload (a) of scripts/bench.sh hands the sinks: a synthetic event, as the CLI enriches it. */
    private final PacketEvent syntheticEvent = new PacketEvent();
    private final NullSink nullSink = new NullSink(false, System.err);
    private ConsoleSink consoleSink;
    private JsonSink jsonSink;
    private FlowSink flowSink;
    private int batch;
    private final PacketEvent flowEvent = new PacketEvent();
    private final PacketEvent flowSyntheticEvent = new PacketEvent();
    private long flowTs = 1_000_000_000L;
    private Path emptyNetnsDir;
    private Enricher netnsNames;
    private List<Filter> noFilters;
    private List<Filter> filterMiss;
    private List<Enricher> enrichers;
    private List<Sink> sinks;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        netpathDecoder.decode(udp, Records.OFFSET, Records.SIZE, udpEvent.clear());
        syntheticDecoder.decode(synthetic, Records.OFFSET, Records.SIZE, syntheticEvent.clear());
        consoleSink = new ConsoleSink(new ConsoleConfig(false), new PrintStream(OutputStream.nullOutputStream(), false));
        netpathDecoder.decode(udpWithBytes, Records.OFFSET, Records.SIZE + Records.SNAP, udpBytesEvent.clear());
        pcapngSink = new PcapngSink(new PcapngConfig(OutputTarget.stdout("sink pcapng"), Records.SNAP, 0L),
                OutputStream.nullOutputStream());
        try {
            pcapngSink.start();
        } catch (io.pkttrace.api.PkttraceException e) {
            throw new IOException(e.getMessage(), e);
        }
        OutputTarget stdout = OutputTarget.stdout("bench");
        jsonSink = new JsonSink(new JsonConfig(stdout, false, 0L), OutputStream.nullOutputStream());
        jsonSink.start();
        flowSink = new FlowSink(new FlowConfig(stdout, FlowConfig.DEFAULT_IDLE_MS, FlowConfig.DEFAULT_MAX_PACKETS,
                FlowConfig.DEFAULT_MAX_HOPS), OutputStream.nullOutputStream());
        flowSink.start();
        flowEvent.copyFrom(udpEvent);
        flowSyntheticEvent.copyFrom(syntheticEvent);
        // An empty /run/netns: every lookup misses, as for the initial namespace and unnamed ones.
        emptyNetnsDir = Files.createTempDirectory("ptb-netns");
        netnsNames = new NetnsNameEnricherFactory().create(new NetnsNames(emptyNetnsDir));
        noFilters = List.of();
        filterMiss = List.of(rulesFilter(DPORT_9));
        enrichers = List.of(netnsNames);
        sinks = List.of(nullSink);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(emptyNetnsDir);
    }

    private static Filter rulesFilter(TupleRules rules) {
        return rules::matches; // what the fivetuple plugin's filter does: TupleRules.matches
    }

    @Benchmark
    public PacketEvent decodeSynthetic() {
        PacketEvent e = event.clear();
        syntheticDecoder.decode(synthetic, Records.OFFSET, Records.SIZE, e);
        return e;
    }

    @Benchmark
    public PacketEvent decodeUdp() {
        PacketEvent e = event.clear();
        netpathDecoder.decode(udp, Records.OFFSET, Records.SIZE, e);
        return e;
    }

    /** A record with the packet bytes a pcapng sink asked for: the copy into the event's reused array. */
    @Benchmark
    public PacketEvent decodeUdpWithBytes() {
        PacketEvent e = event.clear();
        netpathDecoder.decode(udpWithBytes, Records.OFFSET, Records.SIZE + Records.SNAP, e);
        return e;
    }

    @Benchmark
    public boolean filterMatchAll() {
        return MATCH_ALL.matches(udpEvent);
    }

    @Benchmark
    public boolean filterMiss() {
        return DPORT_9.matches(udpEvent);
    }

    @Benchmark
    public boolean filterHit() {
        return UDP_FLOW.matches(udpEvent);
    }

    @Benchmark
    public String enrichNetnsUnnamed() {
        netnsNames.enrich(udpEvent);
        return udpEvent.netnsName();
    }

    @Benchmark
    public long sinkNull() {
        nullSink.accept(udpEvent);
        return nullSink.checksum();
    }

    /** One enhanced packet block (bytes, interface lookup, comment) into a buffered stream. */
    @Benchmark
    public void sinkPcapng() {
        pcapngSink.accept(udpBytesEvent);
    }

    @Benchmark
    public void sinkConsole() {
        consoleSink.accept(udpEvent);
    }

    /** The json sink, flushed every 64 events as the engine flushes at the end of a ring batch. */
    @Benchmark
    public void sinkJson() {
        acceptInBatches(jsonSink, udpEvent);
    }

    /** The json sink on workload (a)'s event (no addresses, no interface), flushed as sinkJson. */
    @Benchmark
    public void sinkJsonSynthetic() {
        acceptInBatches(jsonSink, syntheticEvent);
    }

    /** As the engine feeds a sink: every event, and a flush at the end of each batch of 64. */
    private void acceptInBatches(Sink sink, PacketEvent e) {
        sink.accept(e);
        if (++batch == 64) {
            batch = 0;
            sink.flush();
        }
    }

    /**
     * The flow sink on a flood of one UDP flow: each packet seen at tx then rx (its two events share a
     * packet id), 1 us apart, flushed as sinkJson; packets end and are printed as the flood goes on.
     */
    @Benchmark
    public void sinkFlow() {
        flowTs += 1_000;
        boolean rx = (flowTs / 1_000 & 1) == 0;
        flowEvent.timestampNs(flowTs).hook(rx ? "rx" : "tx").packetId(0xffff888004000000L + (flowTs / 2_000) * 256);
        acceptInBatches(flowSink, flowEvent);
    }

    /**
     * The flow sink on workload (a)'s event (no packet id: each event is a packet of its own, printed at
     * once), 1 us apart, flushed as sinkJson.
     */
    @Benchmark
    public void sinkFlowSynthetic() {
        flowTs += 1_000;
        acceptInBatches(flowSink, flowSyntheticEvent.timestampNs(flowTs));
    }

    /** RingSource.onRecord without enrichers: decode + no filter + null sink. */
    @Benchmark
    public long pipelineSyntheticNull() {
        return pipeline(syntheticDecoder, synthetic, noFilters, List.of(), sinks);
    }

    /** As the CLI runs it: decode + netns-names (always on) + null sink. */
    @Benchmark
    public long pipelineSyntheticNetnsNull() {
        return pipeline(syntheticDecoder, synthetic, noFilters, enrichers, sinks);
    }

    /** A UDP record that a non-matching five-tuple filter drops in Java. */
    @Benchmark
    public long pipelineUdpFilterMiss() {
        return pipeline(netpathDecoder, udp, filterMiss, enrichers, sinks);
    }

    private long pipeline(StandardRecordDecoder decoder, ByteBuffer data, List<Filter> filters,
                          List<Enricher> enrich, List<Sink> out) {
        PacketEvent e = event.clear();
        if (!decoder.decode(data, Records.OFFSET, Records.SIZE, e)) {
            return -1;
        }
        for (int i = 0, n = filters.size(); i < n; i++) {
            if (!filters.get(i).test(e)) {
                return 0;
            }
        }
        for (int i = 0, n = enrich.size(); i < n; i++) {
            enrich.get(i).enrich(e);
        }
        for (int i = 0, n = out.size(); i < n; i++) {
            out.get(i).accept(e);
        }
        return nullSink.checksum();
    }
}
