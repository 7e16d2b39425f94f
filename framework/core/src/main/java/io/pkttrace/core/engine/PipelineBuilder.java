package io.pkttrace.core.engine;

import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.EventSource;
import io.pkttrace.api.Filter;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.Sink;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.bpf.KernelFeatures;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.plugins.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Turns a {@link TraceSpec} into a {@link Pipeline}: finds each factory, checks every component's
 * options against its declaration and configures it (all config errors surface here, before the
 * kernel is touched), checks privileges and BTF for a live run, then creates the components.
 */
public final class PipelineBuilder {
    private final PluginRegistry registry;
    private final Consumer<String> reporter;

    public PipelineBuilder(PluginRegistry registry, Consumer<String> reporter) {
        this.registry = registry;
        this.reporter = reporter;
    }

    /** Configured but not yet created component. */
    private record Configured<T>(String name, ComponentFactory<Object, T> factory, Object config) {
        Named<T> create() throws PkttraceException {
            return new Named<>(name, factory.create(config));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<Configured<T>> configure(List<? extends ComponentFactory<?, T>> factories, String kind,
                                                     List<TraceSpec.Component> specs) throws PkttraceException {
        List<Configured<T>> out = new ArrayList<>();
        for (TraceSpec.Component c : specs) {
            ComponentFactory<Object, T> f = (ComponentFactory<Object, T>) PluginRegistry.find(factories, kind, c.type());
            Options o = c.options();
            f.options().check(o);
            out.add(new Configured<>(o.component(), f, f.configure(o)));
        }
        return out;
    }

    /** The only filter that offers kernel rules, or null (none, or several: their AND cannot be pushed). */
    static Filter pushedFilter(List<Filter> filters) {
        Filter only = null;
        for (Filter f : filters) {
            if (f.kernelRules().isPresent()) {
                if (only != null) {
                    return null;
                }
                only = f;
            }
        }
        return only;
    }

    /** The rules pushed into the kernel: those of the {@link #pushedFilter}, else match-all. */
    static TupleRules kernelRules(List<Filter> filters) {
        Filter f = pushedFilter(filters);
        return f == null ? TupleRules.matchAll() : f.kernelRules().orElseThrow();
    }

    /**
     * A live run: the spec's probes feed the pipeline.
     *
     * @param extraFilters filters a command adds itself (ping's echo filter), run before the user's
     * @param gate         a stage a command puts between enrichers and sinks (ping's correlator), or null;
     *                     it receives the sinks' input and returns the stage
     */
    public Pipeline live(TraceSpec spec, List<Named<Filter>> extraFilters, UnaryOperator<Sink> gate) throws PkttraceException {
        List<Configured<Probe>> probes = configure(registry.probes(), "probe", spec.probes());
        List<Configured<Filter>> filters = configure(registry.filters(), "filter", spec.filters());
        List<Configured<Enricher>> enrichers = configure(registry.enrichers(), "enricher", spec.enrichers());
        List<Configured<Sink>> sinks = configure(registry.sinks(), "sink", spec.sinks());
        if (probes.isEmpty()) {
            throw new PkttraceException("no probe selected", "choose one with --probe (see pkttrace plugins)");
        }
        KernelFeatures.requireBpfPrivileges();
        KernelFeatures.requireBtf();
        NativeBpf n = NativeBpf.get();
        List<Named<Filter>> allFilters = new ArrayList<>(extraFilters);
        allFilters.addAll(createAll(filters));
        List<Filter> plain = allFilters.stream().map(Named::value).toList();
        long offering = plain.stream().filter(f -> f.kernelRules().isPresent()).count();
        if (offering > 1) {
            reporter.accept("filters: " + offering + " filters have kernel rules; their AND cannot be pushed into"
                    + " one BPF rule set, so they run in Java only (give all keys to one filter to filter in the kernel)");
        }
        List<Named<Sink>> createdSinks = createAll(sinks);
        LiveInput input = new LiveInput(n, spec.settings(), createAll(probes), kernelRules(plain), packetBytes(createdSinks));
        return new Pipeline(input, spec.settings(), allFilters, createAll(enrichers), createdSinks, gate, reporter);
    }

    /** The largest snap length any sink asked for (at most {@link PacketEvent#MAX_PACKET_BYTES}), 0 for none. */
    static int packetBytes(List<Named<Sink>> sinks) {
        int most = 0;
        for (Named<Sink> s : sinks) {
            most = Math.max(most, s.value().packetBytes());
        }
        return Math.min(most, PacketEvent.MAX_PACKET_BYTES);
    }

    /** A run over recorded events (no kernel access): the spec names no probe. */
    public Pipeline recorded(TraceSpec spec, Named<EventSource> source) throws PkttraceException {
        if (!spec.probes().isEmpty()) {
            throw new IllegalArgumentException("a recorded run has no probes");
        }
        List<Configured<Filter>> filters = configure(registry.filters(), "filter", spec.filters());
        List<Configured<Enricher>> enrichers = configure(registry.enrichers(), "enricher", spec.enrichers());
        List<Configured<Sink>> sinks = configure(registry.sinks(), "sink", spec.sinks());
        return new Pipeline(new SourcesInput(List.of(source)), spec.settings(), createAll(filters), createAll(enrichers),
                createAll(sinks), null, reporter);
    }

    private static <T> List<Named<T>> createAll(List<Configured<T>> configured) throws PkttraceException {
        List<Named<T>> out = new ArrayList<>();
        for (Configured<T> c : configured) {
            out.add(c.create());
        }
        return out;
    }
}
