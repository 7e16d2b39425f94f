package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code --sink calls[:organize=true][,returns=true]}: function-call events (the vrouter probe's)
 * as pkt_tracer shows them: {@code fn {} ... {@code }} lines nested by depth, with the packet as
 * each function saw it; with organize, one tree per packet printed when it leaves the traced code.
 */
@Extension
public final class CallsSinkFactory implements SinkFactory<CallsConfig> {
    public static final String TYPE = "calls";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "function calls (vrouter probe) as nested fn { ... } lines, live or organized per packet (pkt_tracer -o)";
    }

    @Override
    public Map<String, String> optionHelp() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("organize", "true: one call tree per packet, printed when its outermost call returns (pkt_tracer -o)");
        m.put("returns", "true: show return values, enums by name (pkt_tracer -r)");
        m.put("max-packets", "packet trees kept open at once; the least recently active is printed as incomplete and counted (default "
                + CallsConfig.DEFAULT_MAX_PACKETS + ")");
        m.put("max-calls", "calls kept per packet tree, more are only counted (default " + CallsConfig.DEFAULT_MAX_CALLS + ")");
        return m;
    }

    @Override
    public CallsConfig configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("organize", "returns", "max-packets", "max-calls"));
        return new CallsConfig(options.flag("organize", false), options.flag("returns", false),
                (int) options.number("max-packets", CallsConfig.DEFAULT_MAX_PACKETS, 1, 10_000_000),
                (int) options.number("max-calls", CallsConfig.DEFAULT_MAX_CALLS, 1, 1_000_000));
    }

    @Override
    public Sink create(CallsConfig config) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), false);
        return config.organize() ? new CallTreeSink(config, out) : new CallLineSink(config, out);
    }
}
