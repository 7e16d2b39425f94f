package io.pkttrace.core.engine;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.bpf.DropReasons;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.bpf.RingBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live engine's input: starts the probes (which load and attach BPF programs with the kernel
 * filter in place), and turns every ring buffer and user-space source they register into a
 * {@link Source}: the rings first, so that each round reads them before any user-space source (the
 * netfilter probe's trace messages refer to hook records of its ring read in the same round). Stops
 * and closes probes in reverse order of starting.
 */
final class LiveInput implements PipelineInput {
    private static final Logger LOG = LoggerFactory.getLogger(LiveInput.class);

    private final NativeBpf n;
    private final EngineSettings settings;
    private final List<Named<Probe>> probes;
    private final TupleRules kernelRules;
    private final int packetBytes;
    private final List<Named<Probe>> started = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();
    private ProbeRuntime runtime;
    private boolean stopped;
    private boolean closed;

    LiveInput(NativeBpf n, EngineSettings settings, List<Named<Probe>> probes, TupleRules kernelRules) {
        this(n, settings, probes, kernelRules, 0);
    }

    /** @param packetBytes how many of each packet's first bytes the sinks asked for, 0 for none */
    LiveInput(NativeBpf n, EngineSettings settings, List<Named<Probe>> probes, TupleRules kernelRules, int packetBytes) {
        this.packetBytes = packetBytes;
        this.n = n;
        this.settings = settings;
        this.probes = List.copyOf(probes);
        this.kernelRules = kernelRules;
    }

    @Override
    public List<Source> open(Consumer<String> reporter) throws PkttraceException {
        runtime = new ProbeRuntime(n, settings, kernelRules, DropReasons.fromKernel(), reporter, packetBytes);
        for (Named<Probe> p : probes) {
            started.add(p);
            runtime.starting(p.name());
            p.value().start(runtime);
        }
        for (ProbeRuntime.Ring r : runtime.rings()) {
            RingBuffer ring = new RingBuffer(n, r.object().mapFd("pt_events"), r.object().mapMaxEntries("pt_events"));
            sources.add(new RingSource(n, r.object(), ring, r.decoder(), new Guard(r.probe(), reporter)));
        }
        for (ProbeRuntime.User u : runtime.users()) {
            sources.add(new UserSource(u.source(), new Guard(u.probe() + " source " + safeName(u), reporter)));
        }
        return sources;
    }

    private static String safeName(ProbeRuntime.User u) {
        try {
            return u.source().name();
        } catch (RuntimeException e) {
            return u.source().getClass().getSimpleName();
        }
    }

    @Override
    public boolean kernelFiltered() {
        return true;
    }

    @Override
    public void stopIntake() {
        if (stopped) {
            return;
        }
        stopped = true;
        reverse("stopping", Probe::stop);
        if (runtime != null) {
            runtime.opened().forEach(o -> o.detach());
        }
    }

    /** Calls each started probe, newest first; a probe that throws is logged and the others still get the call. */
    private void reverse(String what, java.util.function.Consumer<Probe> call) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                call.accept(started.get(i).value());
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed: {}", what, started.get(i).name(), e.toString());
            }
        }
    }

    @Override
    public void close(boolean consumerStuck) {
        if (closed) {
            return;
        }
        closed = true;
        stopIntake();
        for (Source s : sources) {
            s.close(consumerStuck);
        }
        reverse("closing", Probe::close);
        if (runtime != null) {
            runtime.opened().forEach(o -> o.close());
        }
    }
}
