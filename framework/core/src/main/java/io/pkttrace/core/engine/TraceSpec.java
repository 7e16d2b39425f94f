package io.pkttrace.core.engine;

import io.pkttrace.api.Options;
import java.util.List;

/**
 * What to run, as the user named it: component types with their raw options. Everything is
 * configured and validated before anything touches the kernel.
 */
public record TraceSpec(List<Component> probes, List<Component> filters, List<Component> enrichers,
                        List<Component> sinks, EngineSettings settings) {
    /** One component: its type name and options. */
    public record Component(String type, Options options) {
    }

    public TraceSpec {
        probes = List.copyOf(probes);
        filters = List.copyOf(filters);
        enrichers = List.copyOf(enrichers);
        sinks = List.copyOf(sinks);
    }
}
