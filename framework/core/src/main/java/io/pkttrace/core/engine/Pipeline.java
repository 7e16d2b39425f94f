package io.pkttrace.core.engine;

import io.pkttrace.api.Component;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: sources (ring buffers of the live probes, user-space sources, a recording) -> decode ->
 * filters -> [reorder] -> enrichers -> [gate] -> sinks, its lifecycle and its orderly end. Every
 * command that processes events ({@code trace}, {@code ping}, {@code replay}, presets) uses it.
 *
 * <p>Threads. One consumer thread reads every source in rounds, runs filters and enrichers on pooled
 * events, hands each kept event to every sink at once (while the decoder's writes are still in the
 * cache), and flushes sinks when it goes idle, and at most once per poll interval while it stays busy.
 * {@link #stop()} runs on the thread that ends the run (the main thread, or the shutdown hook on
 * Ctrl-C/SIGTERM).
 *
 * <p>Isolation. Every plugin component is called through a {@link Guard}: one that throws is reported
 * once by name with its first error, counted, and disabled after {@value Guard#DISABLE_AFTER}
 * failures, while the rest go on; the run's result then says a component failed. A failing filter keeps
 * nothing it was asked to judge (it fails closed), a failing enricher leaves events as they are.
 *
 * <p>Order. With several sources, events pass a {@link ReorderBuffer} after the filters and reach
 * enrichers and sinks in timestamp order (bound: {@link EngineSettings#reorderWindowNanos()}); with one
 * source it is bypassed.
 *
 * <p>Ending. {@link #stop()} stops intake (probes detach), lets the consumer drain what was produced
 * for at most {@link EngineSettings#drainBoundNanos()}, then finishes each sink once, never while its
 * {@code accept} runs: a sink that does not return is left alone and named (see
 * {@link #componentOfStuckConsumer()}). Records still in the rings
 * are counted as left unread, with the reason, so {@code produced == delivered + lost + leftUnread}.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** Pooled events made at the start: one source without reordering uses one at a time. */
    private static final int POOL_START = 16;
    /** Events the reorder buffer holds at most (about 3 M events/s within a 5 ms window). */
    static final int REORDER_CAPACITY = 16384;
    private static final long TICK_NS = 100_000_000L;
    /** After the drain bound: how long a consumer that is merely slow gets to notice it must stop. */
    private static final long GRACE_NS = 250_000_000L;
    /** How long each sink's finish (and close) may take at the end. */
    private static final long FINISH_BOUND_NS = 2_000_000_000L;

    private static final int RUNNING = 0;
    private static final int DRAINING = 1;
    private static final int STOP_NOW = 2;
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(Pipeline.class, "current", Guard.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PipelineInput input;
    private final EngineSettings settings;
    private final Consumer<String> reporter;
    private final Filter[] filters;
    private final Guard[] filterGuards;
    /** The filter whose rules the probes applied in the kernel, or -1: an event the kernel decided skips it. */
    private final int pushed;
    private final Enricher[] enrichers;
    private final Guard[] enricherGuards;
    private final SinkStage[] sinks;
    private final Sink gate;
    private final EventPool pool = new EventPool(POOL_START);
    private final Intake intake = new Intake();
    /** Where the reorder buffer releases events: on, then back to the pool. */
    private final Consumer<PacketEvent> released = e -> {
        afterReorder(e);
        pool.give(e);
    };
    /** {@code --count}, 0 for no limit. */
    private final long maxEvents;
    /** A component whose start was attempted, with its guard (null for the gate), closed in reverse order. */
    private record Started(Component component, Guard guard, boolean sink) {
    }

    private final List<Started> startedComponents = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final CountDownLatch consumerEnded = new CountDownLatch(1);
    /** Events were read since the last hand-over to the sinks; when that was (consumer thread only). */
    private boolean unhanded;
    private long lastHandOver;
    private Source[] sources = new Source[0];
    private ReorderBuffer reorder;
    private Thread consumer;
    private volatile int phase = RUNNING;
    private volatile long drainDeadline;
    private volatile Throwable failure;
    /**
     * The component the consumer is calling, written through CURRENT before each call (an opaque store:
     * a plain move on x86 that the JIT neither drops nor moves): names a stuck component, and tells
     * {@link #stop()} which sink it must not finish.
     */
    @SuppressWarnings("unused")
    private Guard current;
    private long filteredInJava;
    private long emitted;
    private RunResult result;

    Pipeline(PipelineInput input, EngineSettings settings, List<Named<Filter>> filters, List<Named<Enricher>> enrichers,
             List<Named<Sink>> sinks, UnaryOperator<Sink> gate, Consumer<String> reporter) {
        this.input = input;
        this.settings = settings;
        this.maxEvents = settings.maxEvents();
        this.reporter = reporter;
        this.filters = filters.stream().map(Named::value).toArray(Filter[]::new);
        this.filterGuards = filters.stream().map(f -> new Guard(f.name(), reporter)).toArray(Guard[]::new);
        this.pushed = input.kernelFiltered() ? indexOf(this.filters, PipelineBuilder.pushedFilter(List.of(this.filters))) : -1;
        this.enrichers = enrichers.stream().map(Named::value).toArray(Enricher[]::new);
        this.enricherGuards = enrichers.stream().map(f -> new Guard(f.name(), reporter)).toArray(Guard[]::new);
        this.sinks = sinks.stream().map(s -> new SinkStage(s.value(), new Guard(s.name(), reporter))).toArray(SinkStage[]::new);
        this.gate = gate == null ? null : gate.apply(new GateOutput());
    }

    private static int indexOf(Filter[] all, Filter f) {
        for (int i = 0; i < all.length; i++) {
            if (all[i] == f) {
                return i;
            }
        }
        return -1;
    }

    // ---- start ------------------------------------------------------------------------------------

    /**
     * Starts filters, enrichers and sinks, then the input (probes load and attach), then the consumer
     * thread. A component that cannot start for a reason the user can act on (a file it cannot write)
     * ends the run with that one line; one that throws anything else is disabled and the run goes on.
     */
    public synchronized void start() throws PkttraceException {
        try {
            for (int i = 0; i < filters.length; i++) {
                startGuarded(filters[i], filterGuards[i], false);
            }
            for (int i = 0; i < enrichers.length; i++) {
                startGuarded(enrichers[i], enricherGuards[i], false);
            }
            for (SinkStage s : sinks) {
                s.startAttempted = true;
                startGuarded(s.sink, s.guard, true);
                s.started = true;
            }
            if (gate != null) {
                gate.start();
                startedComponents.add(new Started(gate, null, false));
            }
            sources = input.open(reporter).toArray(new Source[0]);
            if (sources.length > 1) {
                reorder = new ReorderBuffer(settings.reorderWindowNanos(), REORDER_CAPACITY);
            }
        } catch (PkttraceException | RuntimeException e) {
            stop();
            throw e;
        }
        consumer = new Thread(this::consume, "pkttrace-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    private void startGuarded(Component c, Guard g, boolean sink) throws PkttraceException {
        startedComponents.add(new Started(c, g, sink)); // closed at the end even when start fails, as Component.close promises
        try {
            c.start();
        } catch (PkttraceException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            g.disable("start", e);
        }
    }

    /** What a command does while its pipeline runs: wait for a duration, run ping, ... */
    @FunctionalInterface
    public interface Body {
        void run(Pipeline pipeline) throws PkttraceException, InterruptedException;
    }

    /**
     * The whole run, as every command does it: starts the pipeline, runs {@code body}, stops. Ctrl-C and
     * SIGTERM end it the same orderly way from a shutdown hook ({@code onSignal} first, e.g. to end a
     * child process). The result goes to {@code report} exactly once, from whichever thread ended the run.
     *
     * @return the result, also when a signal ended the run
     */
    public RunResult run(Body body, Runnable onSignal, Consumer<RunResult> report)
            throws PkttraceException, InterruptedException {
        AtomicBoolean reported = new AtomicBoolean();
        Consumer<RunResult> once = r -> {
            if (reported.compareAndSet(false, true)) {
                report.accept(r);
            }
        };
        Thread hook = new Thread(() -> {
            onSignal.run();
            once.accept(stop());
        }, "pkttrace-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            start();
            body.run(this);
        } catch (PkttraceException | RuntimeException | InterruptedException e) {
            stop();
            removeHook(hook);
            throw e;
        }
        RunResult r = stop();
        if (removeHook(hook)) {
            once.accept(r);
        } // else the JVM is shutting down (a signal): the hook reports, and may halt this thread any moment
        return r;
    }

    private static boolean removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Waits until the event limit is reached, every finite source is exhausted, processing failed, or the timeout passed. */
    public boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** The error that ended event processing early, if any (a bug in pkttrace, not in a plugin). */
    public Throwable failure() {
        return failure;
    }

    // ---- the consumer thread ----------------------------------------------------------------------

    private void consume() {
        long lastTick = System.nanoTime();
        lastHandOver = lastTick;
        int emptyDrainRounds = 0;
        try {
            while (phase != STOP_NOW) {
                int phaseAtStart = phase; // a round that began before intake stopped proves nothing
                long roundStart = System.nanoTime();
                int got = pollRound(roundStart);
                unhanded |= got > 0;
                if (unhanded && (got == 0 || roundStart - lastHandOver >= settings.pollIntervalNanos())) {
                    handOver(roundStart);
                }
                emptyDrainRounds = phaseAtStart == DRAINING && got == 0 ? emptyDrainRounds + 1 : 0;
                // Drained after two empty rounds: a user source that saw the stop in the first one gets a
                // round whose rings were read wholly after the stop (see EventSource#poll).
                if (emptyDrainRounds == 2 || (phaseAtStart == DRAINING && roundStart - drainDeadline > 0)) {
                    break; // drained, or out of time: the rest is counted as left unread
                }
                if (got == 0) {
                    if (allExhausted()) {
                        break;
                    }
                    if (settings.ticks() && roundStart - lastTick >= TICK_NS) {
                        lastTick = roundStart;
                        tick(roundStart);
                    }
                    LockSupport.parkNanos(settings.pollIntervalNanos());
                }
            }
            if (unhanded && phase != STOP_NOW) {
                handOver(System.nanoTime());
            }
        } catch (Throwable t) {
            failure = t;
            LOG.debug("event processing failed", t);
        } finally {
            consumerEnded.countDown();
            done.countDown();
        }
    }

    private boolean allExhausted() {
        if (sources.length == 0) {
            return true;
        }
        for (Source s : sources) {
            if (!s.exhausted()) {
                return false;
            }
        }
        return true;
    }

    private int pollRound(long roundStart) {
        int total = 0;
        long watermark = Long.MAX_VALUE;
        for (Source s : sources) {
            total += s.poll(settings.batchMax(), intake);
            watermark = Math.min(watermark, s.watermark(roundStart));
        }
        if (reorder != null) {
            reorder.releaseUpTo(watermark, released);
        }
        return total;
    }

    /**
     * Filters, then on to the reorder buffer (several sources) or straight to the enrichers and sinks.
     *
     * @return true when the reorder buffer keeps the event (it goes back to the pool when released);
     *     false when the caller has it back at once, to reuse
     */
    private boolean offer(PacketEvent e) {
        for (int i = 0; i < filters.length; i++) {
            if (i == pushed && e.kernelFiltered()) {
                // A probe with a sticky per-packet kernel decision already applied exactly these rules,
                // also to events whose own headers say nothing (function returns).
                continue;
            }
            Guard g = filterGuards[i];
            boolean keep = false;
            if (!g.disabled()) {
                CURRENT.setOpaque(this, g);
                try {
                    keep = filters[i].test(e);
                } catch (Throwable t) {
                    g.failed("test", t);
                }
            }
            if (!keep) {
                CURRENT.setOpaque(this, (Guard) null);
                filteredInJava++;
                return false;
            }
        }
        if (reorder != null) {
            CURRENT.setOpaque(this, (Guard) null);
            reorder.add(e, released);
            return true;
        }
        afterReorder(e); // sets CURRENT before each component it calls, and clears it at the end
        return false;
    }

    /**
     * Enrichers, in timestamp order (an enricher may complete one source's event with another's
     * earlier one, e.g. a drop with the netfilter verdict that caused it), then the gate or the sinks.
     */
    private void afterReorder(PacketEvent e) {
        for (int i = 0; i < enrichers.length; i++) {
            Guard g = enricherGuards[i];
            if (!g.disabled()) {
                CURRENT.setOpaque(this, g);
                try {
                    enrichers[i].enrich(e);
                } catch (Throwable t) {
                    g.failed("enrich", t);
                }
            }
        }
        if (gate != null) {
            CURRENT.setOpaque(this, (Guard) null);
            gate.accept(e); // forwards what it keeps through GateOutput, now or later (its own copies)
        } else {
            deliver(e);
        }
    }

    /**
     * Hands one event to every sink, the first sink right after the decoder, filters and enrichers
     * wrote it. Before each sink call the consumer records which sink it calls, then checks the phase:
     * once {@link #stop()} has set STOP_NOW, no sink is called again, so a sink that {@code stop()}
     * finishes is never called after (or during) its finish. An event not shown to every sink that
     * would take it is not counted as shown.
     */
    private void deliver(PacketEvent e) {
        if (maxEvents > 0 && emitted >= maxEvents) {
            CURRENT.setOpaque(this, (Guard) null);
            return; // past --count: read and accounted as delivered, not shown
        }
        for (SinkStage s : sinks) {
            if (s.guard.disabled()) {
                continue;
            }
            CURRENT.setOpaque(this, s.guard);
            if (phase == STOP_NOW) {
                CURRENT.setOpaque(this, (Guard) null);
                return;
            }
            try {
                s.sink.accept(e);
            } catch (Throwable t) {
                s.guard.failed("accept", t);
            }
        }
        CURRENT.setOpaque(this, (Guard) null);
        emitted++;
        if (maxEvents > 0 && emitted == maxEvents) {
            done.countDown();
        }
    }

    /**
     * Every sink flushes (after the gate forwarded what it holds): when the consumer goes idle, and
     * while it stays busy at most once per poll interval. Not after every round: a consumer that keeps
     * up with a fast producer finds ~10 records per round, and for the json sink a flush per round was a
     * write system call per ~10 events (170,000 a second at 1.8 M events/s).
     */
    private void handOver(long now) {
        if (gate != null) {
            gate.flush();
        }
        callEachSink("flush", s -> s.flush());
        unhanded = false;
        lastHandOver = now;
    }

    private void tick(long now) {
        if (gate != null) {
            long before = emitted;
            gate.tick(now);
            if (emitted != before) {
                callEachSink("flush", s -> s.flush());
            }
        }
        callEachSink("tick", s -> s.tick(now));
    }

    /** Calls every sink that is not disabled, the same way {@link #deliver} does. */
    private void callEachSink(String what, Consumer<Sink> call) {
        for (SinkStage s : sinks) {
            if (s.guard.disabled()) {
                continue;
            }
            CURRENT.setOpaque(this, s.guard);
            if (phase == STOP_NOW) {
                break;
            }
            try {
                call.accept(s.sink);
            } catch (Throwable t) {
                s.guard.failed(what, t);
            }
        }
        CURRENT.setOpaque(this, (Guard) null);
    }

    /** Where the gate forwards the events it keeps (events it owns): straight to the sinks. */
    private final class GateOutput implements Sink {
        @Override
        public void accept(PacketEvent e) {
            deliver(e);
        }
    }

    /** The pipeline as sources see it. */
    private final class Intake implements Source.Intake {
        @Override
        public PacketEvent take() {
            return pool.take();
        }

        @Override
        public boolean offer(PacketEvent e) {
            return Pipeline.this.offer(e);
        }

        @Override
        public void discard(PacketEvent e) {
            pool.give(e);
        }

        @Override
        public int room() {
            return reorder != null ? REORDER_CAPACITY - reorder.size() : Integer.MAX_VALUE;
        }

        @Override
        public boolean stopNow() {
            return phase == STOP_NOW;
        }
    }

    // ---- the end ----------------------------------------------------------------------------------

    /**
     * Ends the run: stops intake, lets the consumer drain for at most the drain bound, finishes each
     * sink once (never while its accept runs), closes everything in reverse order. Idempotent; a
     * second caller (the shutdown hook while the main thread ends the run) waits and gets the same result.
     */
    public synchronized RunResult stop() {
        if (result != null) {
            return result;
        }
        input.stopIntake();
        String unreadReason = null;
        boolean ended = consumer == null;
        if (consumer != null) {
            drainDeadline = System.nanoTime() + settings.drainBoundNanos();
            phase = DRAINING;
            ended = await(consumerEnded, settings.drainBoundNanos() + GRACE_NS);
            if (!ended) {
                phase = STOP_NOW;
                ended = await(consumerEnded, GRACE_NS);
            }
            if (phase == STOP_NOW || System.nanoTime() - drainDeadline > 0) {
                unreadReason = "reading stopped when the drain bound of " + seconds(settings.drainBoundNanos())
                        + " s ended (a sink or filter was too slow)";
            }
        } else {
            unreadReason = "the run ended before reading began";
        }
        if (failure != null) {
            unreadReason = "event processing failed";
        }
        Guard stuckIn = ended ? null : componentOfStuckConsumer();
        if (!ended && consumerEnded.getCount() == 0) {
            ended = true; // it returned while asked where it was: nothing is stuck
            stuckIn = null;
        }
        if (!ended) {
            unreadReason = "the consumer did not return from " + (stuckIn == null ? "a component" : stuckIn.name())
                    + " within the drain bound of " + seconds(settings.drainBoundNanos()) + " s";
        }
        List<String> notes = new ArrayList<>();
        if (ended && failure == null && phase != STOP_NOW) {
            // Events still held for ordering, and what the gate forwards at its end, reach sinks before finish.
            long before = emitted;
            if (reorder != null) {
                reorder.releaseAll(released);
            }
            if (gate != null) {
                gate.finish(counters(unreadReason));
            }
            if (emitted != before) {
                callEachSink("flush", s -> s.flush());
            }
        } else if (ended && reorder != null && reorder.size() > 0) {
            notes.add(reorder.size() + " events held for ordering were not shown: the run was cut short");
        }
        RunStats stats = counters(unreadReason);
        finishSinks(stats, ended, stuckIn);
        closeComponents(ended);
        input.close(!ended);
        if (reorder != null && reorder.late() > 0) {
            notes.add(reorder.late() + " events arrived more than " + reorder.window() / 1_000_000 + " ms late"
                    + " and reached the sinks out of timestamp order");
        }
        if (reorder != null && reorder.forced() > 0) {
            notes.add(reorder.forced() + " events were released before their time because " + REORDER_CAPACITY
                    + " were waiting for ordering");
        }
        result = new RunResult(stats, failures(), notes, failure);
        done.countDown();
        return result;
    }

    /**
     * The component the consumer is stuck in (it did not end within the drain bound and the grace after
     * STOP_NOW), or null between components. Asking for its stack is a handshake with the consumer
     * thread: HotSpot stops it at a safepoint, and that transition orders its memory, so its last write
     * of CURRENT is the one read here (HotSpot's guarantee, not the Java memory model's: that would take
     * a volatile store per component call, as costly as the checkout this replaced). The consumer writes CURRENT before it checks the phase ahead of
     * every sink call, and the phase has been STOP_NOW for the whole grace: a sink other than the one
     * named here is not being called and will not be called again, so it may be finished.
     */
    private Guard componentOfStuckConsumer() {
        consumer.getStackTrace();
        return (Guard) CURRENT.getVolatile(this);
    }

    private static boolean await(CountDownLatch latch, long nanos) {
        try {
            return latch.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return latch.getCount() == 0;
        }
    }

    private static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    /**
     * The run's counters while it runs, for a live display (approximate: read without stopping the
     * consumer); null once the run is ending. Callers stop asking before {@link #stop()}.
     */
    public RunStats liveStats() {
        if (phase != RUNNING || result != null) {
            return null;
        }
        return counters(null);
    }

    private RunStats counters(String unreadReason) {
        long produced = 0;
        long delivered = 0;
        long lost = 0;
        long filteredKernel = 0;
        long unread = 0;
        for (Source s : sources) {
            SourceCounts c = s.counts();
            produced += c.produced();
            delivered += c.delivered();
            lost += c.lost();
            filteredKernel += c.filteredInKernel();
            unread += c.leftUnread();
        }
        return new RunStats(produced, delivered, lost, filteredKernel, filteredInJava, emitted, unread,
                unread == 0 ? null : unreadReason == null ? "still in the ring buffers when the run ended" : unreadReason);
    }

    /** Each started sink that is idle is finished (and closed) once, each within its own time bound. */
    private void finishSinks(RunStats stats, boolean consumerEnded, Guard stuckIn) {
        for (SinkStage s : sinks) {
            if (!s.startAttempted) {
                continue;
            }
            if (!consumerEnded && stuckIn == s.guard) {
                s.guard.stuck("did not return from accept/flush within the drain bound of "
                        + seconds(settings.drainBoundNanos()) + " s: not finished");
                continue;
            }
            AtomicBoolean finished = new AtomicBoolean();
            Thread t = new Thread(() -> {
                try {
                    if (s.started) {
                        s.sink.finish(stats);
                    }
                } catch (Throwable e) {
                    s.guard.failed("finish", e);
                }
                finished.set(true);
                closeQuietly(s.sink, s.guard);
            }, "pkttrace-finish");
            t.setDaemon(true);
            t.start();
            try {
                t.join(FINISH_BOUND_NS / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!finished.get()) {
                s.guard.stuck("finish() did not return within " + seconds(FINISH_BOUND_NS) + " s");
            }
        }
        boolean sinkStuck = startedComponents.stream().anyMatch(c -> c.sink() && c.guard() == stuckIn);
        if (!consumerEnded && stuckIn != null && !sinkStuck) {
            stuckIn.stuck("did not return within the drain bound of " + seconds(settings.drainBoundNanos()) + " s");
        }
    }

    /** Filters, enrichers and the gate, in reverse order of starting; not while the consumer may still call them. */
    private void closeComponents(boolean consumerEnded) {
        if (!consumerEnded) {
            return;
        }
        for (int i = startedComponents.size() - 1; i >= 0; i--) {
            Started c = startedComponents.get(i);
            if (!c.sink()) { // sinks were closed after their finish
                closeQuietly(c.component(), c.guard());
            }
        }
    }

    private static void closeQuietly(Component c, Guard g) {
        try {
            c.close();
        } catch (Throwable t) {
            if (g != null) {
                g.failed("close", t);
            } else {
                LOG.warn("close failed: {}", t.toString());
            }
        }
    }

    private List<String> failures() {
        List<String> out = new ArrayList<>();
        List<Guard> all = new ArrayList<>(List.of(filterGuards));
        all.addAll(List.of(enricherGuards));
        for (SinkStage s : sinks) {
            all.add(s.guard);
        }
        for (Source s : sources) {
            if (s instanceof GuardedSource g) {
                all.add(g.guard());
            }
        }
        for (Guard g : all) {
            String line = g.summary();
            if (line != null) {
                out.add(line);
            }
        }
        return out;
    }
}
