package io.pkttrace.core.engine;

import io.pkttrace.api.Filter;
import io.pkttrace.api.Probe;
import io.pkttrace.api.Sink;
import io.pkttrace.core.bpf.NativeBpf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The live pipeline with components a test made itself, for kernel tests of plugins (in other packages). */
public final class TestPipelines {
    private TestPipelines() {
    }

    /** As {@link PipelineBuilder#live} makes it: the filters' kernel rules pushed into the probes' objects. */
    public static Pipeline live(EngineSettings settings, List<Probe> probes, List<Filter> filters, List<Sink> sinks,
                                Consumer<String> reporter) throws io.pkttrace.api.PkttraceException {
        List<Named<Probe>> p = new ArrayList<>();
        probes.forEach(x -> p.add(new Named<>("probe " + x.getClass().getSimpleName(), x)));
        List<Named<Filter>> f = new ArrayList<>();
        filters.forEach(x -> f.add(new Named<>("filter f" + f.size(), x)));
        List<Named<Sink>> s = new ArrayList<>();
        sinks.forEach(x -> s.add(new Named<>("sink s" + s.size(), x)));
        LiveInput input = new LiveInput(NativeBpf.get(), settings, p, PipelineBuilder.kernelRules(filters));
        return new Pipeline(input, settings, f, List.of(), s, null, reporter);
    }
}
