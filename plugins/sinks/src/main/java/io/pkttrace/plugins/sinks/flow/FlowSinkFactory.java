package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code --sink flow[:output=FILE,idle-ms=N,max-packets=N,max-hops=N]}: each packet's path across
 * hooks, interfaces and namespaces with per-hop times, replies paired with requests (pkt_tracer's
 * {@code -o}, grouped by packet identity instead of thread).
 */
@Extension
public final class FlowSinkFactory implements SinkFactory<FlowConfig> {
    @Override
    public String type() {
        return "flow";
    }

    @Override
    public String description() {
        return "each packet's path (hops in order, µs between them), printed when it ends; replies paired with requests";
    }

    @Override
    public Map<String, String> optionHelp() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("output", "FILE to write (created or truncated), or - for standard output (default)");
        m.put("idle-ms", "a packet with no event for this many ms is printed as ended (default " + FlowConfig.DEFAULT_IDLE_MS + ")");
        m.put("max-packets", "packets followed at once; the least recently active is evicted and counted (default "
                + FlowConfig.DEFAULT_MAX_PACKETS + ")");
        m.put("max-hops", "hops kept per packet, more are only counted (default " + FlowConfig.DEFAULT_MAX_HOPS + ")");
        return m;
    }

    @Override
    public FlowConfig configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("output", "idle-ms", "max-packets", "max-hops"));
        return new FlowConfig(OutputTarget.parse("sink flow", options.string("output", null)),
                options.number("idle-ms", FlowConfig.DEFAULT_IDLE_MS, 1, 3_600_000),
                (int) options.number("max-packets", FlowConfig.DEFAULT_MAX_PACKETS, 1, 10_000_000),
                (int) options.number("max-hops", FlowConfig.DEFAULT_MAX_HOPS, 1, 100_000));
    }

    @Override
    public Sink create(FlowConfig config) {
        return new FlowSink(config);
    }
}
