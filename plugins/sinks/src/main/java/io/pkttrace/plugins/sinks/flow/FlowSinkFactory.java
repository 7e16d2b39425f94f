package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.plugins.sinks.OutputTarget;
import org.pf4j.Extension;

/**
 * {@code --sink flow[:output=FILE,idle-ms=N,max-packets=N,max-hops=N]}: each packet's path across
 * hooks, interfaces and namespaces with per-hop times, replies paired with requests (pkt_tracer's
 * {@code -o}, grouped by packet identity instead of thread).
 */
@Extension
public final class FlowSinkFactory implements SinkFactory<FlowConfig> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> IDLE_MS = OPTIONS.add(Option.number("idle-ms", 1, 3_600_000, FlowConfig.DEFAULT_IDLE_MS,
            "a packet with no event for this many ms is printed as ended"));
    static final Option<Long> MAX_HOPS = OPTIONS.add(Option.number("max-hops", 1, 100_000, (long) FlowConfig.DEFAULT_MAX_HOPS,
            "hops kept per packet, more are only counted"));
    static final Option<Long> MAX_PACKETS = OPTIONS.add(Option.number("max-packets", 1, 10_000_000,
            (long) FlowConfig.DEFAULT_MAX_PACKETS, "packets followed at once; the least recently active is evicted and counted"));
    static final Option<String> OUTPUT = OPTIONS.add(OutputTarget.OPTION);

    @Override
    public String type() {
        return "flow";
    }

    @Override
    public String description() {
        return "each packet's path (hops in order, µs between them), printed when it ends; replies paired with requests";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public FlowConfig configure(Options options) throws ConfigException {
        return new FlowConfig(OutputTarget.parse("sink flow", options.get(OUTPUT)), options.get(IDLE_MS),
                options.get(MAX_PACKETS).intValue(), options.get(MAX_HOPS).intValue());
    }

    @Override
    public Sink create(FlowConfig config) {
        return new FlowSink(config);
    }
}
