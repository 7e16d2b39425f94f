package io.pkttrace.core.engine;

import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.Filter;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.Sink;
import io.pkttrace.core.bpf.KernelFeatures;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.plugins.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Turns a {@link TraceSpec} into an {@link Engine}: finds each factory, configures every component
 * (all config errors surface here, before the kernel is touched), checks privileges and BTF, then
 * creates the components.
 */
public final class EngineBuilder {
    private final PluginRegistry registry;
    private final Consumer<String> reporter;

    public EngineBuilder(PluginRegistry registry, Consumer<String> reporter) {
        this.registry = registry;
        this.reporter = reporter;
    }

    /** Configured but not yet created component. */
    private record Configured<T>(ComponentFactory<Object, T> factory, Object config) {
        T create() throws PkttraceException {
            return factory.create(config);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<Configured<T>> configure(List<? extends ComponentFactory<?, T>> factories, String kind,
                                                     List<TraceSpec.Component> specs) throws PkttraceException {
        List<Configured<T>> out = new ArrayList<>();
        for (TraceSpec.Component c : specs) {
            ComponentFactory<Object, T> f = (ComponentFactory<Object, T>) PluginRegistry.find(factories, kind, c.type());
            out.add(new Configured<>(f, f.configure(c.options())));
        }
        return out;
    }

    public Engine build(TraceSpec spec, UnaryOperator<List<Sink>> wrapSinks) throws PkttraceException {
        return build(spec, List.of(), wrapSinks);
    }

    /**
     * @param extraFilters filters a command adds itself (ping's echo filter), run before the user's
     * @param wrapSinks    lets a command put a stage around the user's sinks (ping's correlator)
     */
    public Engine build(TraceSpec spec, List<Filter> extraFilters, UnaryOperator<List<Sink>> wrapSinks)
            throws PkttraceException {
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
        List<Filter> allFilters = new ArrayList<>(extraFilters);
        allFilters.addAll(createAll(filters));
        return new Engine(n, spec.settings(), createAll(probes), allFilters, createAll(enrichers),
                wrapSinks.apply(createAll(sinks)), reporter);
    }

    private static <T> List<T> createAll(List<Configured<T>> configured) throws PkttraceException {
        List<T> out = new ArrayList<>();
        for (Configured<T> c : configured) {
            out.add(c.create());
        }
        return out;
    }
}
