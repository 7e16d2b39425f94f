package io.pkttrace.core.engine;

import io.pkttrace.api.Component;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.bpf.DropReasons;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.bpf.RingBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one trace: probe -> kernel filter -> ring buffer -> decode -> filters -> enrichers -> sinks.
 *
 * <p>One consumer thread drains every ring in batches (records are submitted without wake-ups), runs
 * the pipeline on a single reused {@link PacketEvent}, and flushes sinks once per batch. {@link #stop()}
 * detaches probes first, then drains what is left, so that for every ring
 * {@code delivered + lost == produced} holds exactly.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final NativeBpf n;
    private final EngineSettings settings;
    private final List<Probe> probes;
    private final List<Filter> filters;
    private final List<Enricher> enrichers;
    private final List<Sink> sinks;
    private final Consumer<String> reporter;
    private final List<Component> started = new ArrayList<>();
    private final List<Probe> startedProbes = new ArrayList<>();
    private final List<RingSource> rings = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final PacketEvent event = new PacketEvent();
    private ProbeRuntime runtime;
    private Thread consumer;
    private volatile boolean stopRequested;
    private volatile Throwable failure;
    private RunStats finalStats;
    private long filteredInJava;
    private long emitted;

    public Engine(NativeBpf n, EngineSettings settings, List<Probe> probes, List<Filter> filters,
                  List<Enricher> enrichers, List<Sink> sinks, Consumer<String> reporter) {
        this.n = n;
        this.settings = settings;
        this.probes = List.copyOf(probes);
        this.filters = List.copyOf(filters);
        this.enrichers = List.copyOf(enrichers);
        this.sinks = List.copyOf(sinks);
        this.reporter = reporter;
    }

    /** The rules pushed into the kernel: those of the only filter that offers any (AND of several cannot be expressed). */
    static TupleRules kernelRules(List<Filter> filters) {
        List<TupleRules> offered = new ArrayList<>();
        for (Filter f : filters) {
            Optional<TupleRules> r = f.kernelRules();
            r.ifPresent(offered::add);
        }
        return offered.size() == 1 ? offered.get(0) : TupleRules.matchAll();
    }

    /** Starts components, then probes (which load and attach), then the consumer thread. */
    public synchronized void start() throws PkttraceException {
        try {
            for (List<? extends Component> group : List.of(filters, enrichers, sinks)) {
                for (Component c : group) {
                    c.start();
                    started.add(c);
                }
            }
            long offering = filters.stream().filter(f -> f.kernelRules().isPresent()).count();
            if (offering > 1) {
                reporter.accept("filters: " + offering + " filters have kernel rules; their AND cannot be pushed into"
                        + " one BPF rule set, so they run in Java only (give all keys to one filter to filter in the kernel)");
            }
            runtime = new ProbeRuntime(n, settings, kernelRules(filters), DropReasons.fromKernel(), reporter);
            for (Probe p : probes) {
                startedProbes.add(p);
                p.start(runtime);
            }
            for (ProbeRuntime.Source s : runtime.sources()) {
                int fd = s.object().mapFd("pt_events");
                RingBuffer ring = new RingBuffer(n, fd, s.object().mapMaxEntries("pt_events"));
                rings.add(new RingSource(s, ring));
            }
        } catch (PkttraceException | RuntimeException e) {
            stop();
            throw e;
        }
        consumer = new Thread(this::consumeLoop, "pkttrace-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    /** Waits until the event limit is reached, the consumer failed, or the timeout passed. */
    public boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** The error that ended consumption early, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private static final long TICK_NS = 100_000_000L;

    private void consumeLoop() {
        long lastTick = System.nanoTime();
        try {
            while (!stopRequested) {
                if (drainAll() == 0) {
                    long now = System.nanoTime();
                    if (now - lastTick >= TICK_NS) {
                        lastTick = now;
                        for (Sink s : sinks) {
                            s.tick(now);
                        }
                    }
                    LockSupport.parkNanos(settings.pollIntervalNanos());
                }
            }
        } catch (Throwable t) {
            failure = t;
            LOG.debug("consumer failed", t);
            done.countDown();
        }
    }

    private int drainAll() {
        int total = 0;
        for (RingSource r : rings) {
            int got = r.ring.drain(r, settings.batchMax());
            total += got;
        }
        if (total > 0) {
            for (Sink s : sinks) {
                s.flush();
            }
        }
        return total;
    }

    /** One ring and its decoder; handles each record through the pipeline. */
    private final class RingSource implements RingBuffer.RecordHandler {
        final ProbeRuntime.Source source;
        final RingBuffer ring;
        long delivered;

        RingSource(ProbeRuntime.Source source, RingBuffer ring) {
            this.source = source;
            this.ring = ring;
        }

        @Override
        public void onRecord(ByteBuffer data, int offset, int length) {
            delivered++;
            PacketEvent e = event.clear();
            if (!source.decoder().decode(data, offset, length, e)) {
                return;
            }
            if (settings.maxEvents() > 0 && emitted >= settings.maxEvents()) {
                return;
            }
            for (int i = 0, size = filters.size(); i < size; i++) {
                if (!filters.get(i).test(e)) {
                    filteredInJava++;
                    return;
                }
            }
            for (int i = 0, size = enrichers.size(); i < size; i++) {
                enrichers.get(i).enrich(e);
            }
            for (int i = 0, size = sinks.size(); i < size; i++) {
                sinks.get(i).accept(e);
            }
            emitted++;
            if (settings.maxEvents() > 0 && emitted == settings.maxEvents()) {
                done.countDown();
            }
        }
    }

    /**
     * Detaches probes, drains the rings, hands the counters to sinks and closes everything in
     * reverse order. Idempotent; safe from a shutdown hook.
     */
    public synchronized RunStats stop() {
        if (finalStats != null) {
            return finalStats;
        }
        for (int i = startedProbes.size() - 1; i >= 0; i--) {
            try {
                startedProbes.get(i).stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping probe failed: {}", e.toString());
            }
        }
        if (runtime != null) {
            runtime.opened().forEach(o -> o.detach());
        }
        stopRequested = true;
        if (consumer != null) {
            try {
                consumer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure == null && (consumer == null || !consumer.isAlive())) {
            while (drainAll() > 0) {
                // the probes are detached: this ends
            }
        }
        finalStats = counters();
        for (Sink s : sinks) {
            if (started.contains(s)) {
                try {
                    s.finish(finalStats);
                } catch (RuntimeException e) {
                    LOG.warn("sink finish failed: {}", e.toString());
                }
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        for (RingSource r : rings) {
            r.ring.close();
        }
        for (int i = startedProbes.size() - 1; i >= 0; i--) {
            startedProbes.get(i).close();
        }
        if (runtime != null) {
            runtime.opened().forEach(o -> o.close());
        }
        done.countDown();
        return finalStats;
    }

    private RunStats counters() {
        long produced = 0;
        long lost = 0;
        long filteredKernel = 0;
        long delivered = 0;
        for (RingSource r : rings) {
            try {
                long[] c = PerCpuCounters.read(n, r.source.object().mapFd("pt_counters"), 3);
                produced += c[0];
                lost += c[1];
                filteredKernel += c[2];
            } catch (PkttraceException e) {
                LOG.warn("cannot read counters of {}: {}", r.source.object().name(), e.getMessage());
            }
            delivered += r.delivered;
        }
        return new RunStats(produced, delivered, lost, filteredKernel, filteredInJava, emitted);
    }

    @Override
    public void close() {
        stop();
    }
}
