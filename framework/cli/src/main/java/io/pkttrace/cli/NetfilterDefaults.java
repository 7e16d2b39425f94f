package io.pkttrace.cli;

import io.pkttrace.api.Options;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.core.plugins.PluginRegistry;
import java.util.List;

/**
 * What {@code ping} and {@code trace} add for the netfilter plugin when it is installed: its probe
 * by default in {@code ping}, and its enricher that names the rule on NETFILTER_DROP rows whenever
 * its probe runs. (Temporary: plugins are to contribute their own defaults.)
 */
final class NetfilterDefaults {
    static final String PROBE = "netfilter";
    static final String DROPS_ENRICHER = "netfilter-drops";

    private NetfilterDefaults() {
    }

    static boolean installed(PluginRegistry registry) {
        return registry.probes().stream().anyMatch(f -> f.type().equals(PROBE))
                && registry.enrichers().stream().anyMatch(f -> f.type().equals(DROPS_ENRICHER));
    }

    /** The enricher to add when {@code probes} include the netfilter probe, else none. */
    static List<TraceSpec.Component> enrichers(PluginRegistry registry, List<TraceSpec.Component> probes) {
        boolean used = probes.stream().anyMatch(p -> p.type().equals(PROBE));
        return used && installed(registry)
                ? List.of(new TraceSpec.Component(DROPS_ENRICHER, Options.empty("enricher " + DROPS_ENRICHER)))
                : List.of();
    }
}
