package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pkttrace.api.EventSource;
import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Sink;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Which filter's rules go into the kernel, and so which filter kernel-decided events skip. */
class PushedFilterTest {
    private static final Filter PLAIN = e -> true;

    @Test
    void onlyTheOneFilterOfferingRulesIsPushed() {
        TupleFilter rules = new TupleFilter(TupleRules.matchAll());
        assertSame(rules, PipelineBuilder.pushedFilter(List.of(PLAIN, rules)));
        assertNull(PipelineBuilder.pushedFilter(List.of(PLAIN)));
        assertNull(PipelineBuilder.pushedFilter(List.of(rules, new TupleFilter(TupleRules.matchAll()))), "an AND of two is not pushed");
        assertSame(rules.rules(), PipelineBuilder.kernelRules(List.of(PLAIN, rules)), "the pushed filter's rules are the kernel's");
    }

    /** Two events, one decided in the kernel, neither matching a UDP-only rule set in Java. */
    private static List<String> kept(boolean live) throws Exception {
        TupleFilter udpOnly = new TupleFilter(new TupleRules(List.of(), List.of(), List.of(), List.of(PacketEvent.PROTO_UDP),
                List.of(), List.of(), List.of(), false));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        EventSource two = new EventSource() {

            @Override
            public String name() {
                return "two";
            }

            @Override
            public int poll(Consumer<PacketEvent> out) {
                if (done.get()) {
                    return 0;
                }
                out.accept(new PacketEvent().hook("decided").kernelFiltered(true).timestampNs(1));
                out.accept(new PacketEvent().hook("undecided").timestampNs(2));
                done.set(true);
                return 2;
            }
        };
        List<String> seen = new CopyOnWriteArrayList<>();
        Sink sink = e -> seen.add(e.hook());
        SourcesInput recorded = new SourcesInput(List.of(new Named<>("source two", two)));
        PipelineInput input = !live ? recorded : new PipelineInput() {
            @Override
            public List<Source> open(Consumer<String> reporter) throws PkttraceException {
                return recorded.open(reporter);
            }

            @Override
            public boolean kernelFiltered() {
                return true;
            }

            @Override
            public void stopIntake() {
            }

            @Override
            public void close(boolean consumerStuck) {
            }
        };
        Pipeline p = new Pipeline(input, EngineSettings.defaults(), List.of(new Named<>("filter udp", udpOnly)), List.of(),
                List.of(new Named<>("sink seen", sink)), null, line -> { });
        p.start();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!done.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(50); // the round that read them ends with the sinks
        p.stop();
        return seen;
    }

    @Test
    void anEventTheKernelDecidedSkipsThePushedFilterInALiveRunOnly() throws Exception {
        assertEquals(List.of("decided"), kept(true), "the kernel kept it (e.g. a function return of a kept packet)");
        assertEquals(List.of(), kept(false), "a recording's events were never filtered in the kernel");
    }
}
