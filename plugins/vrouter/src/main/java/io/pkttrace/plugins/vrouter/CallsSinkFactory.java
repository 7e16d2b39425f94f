package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.ShortForm;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.pf4j.Extension;

/**
 * {@code --sink calls[:organize=true][,returns=true]}: function-call events (the vrouter probe's)
 * as pkt_tracer shows them: {@code fn {} ... {@code }} lines nested by depth, with the packet as
 * each function saw it; with organize, one tree per packet printed when it leaves the traced code.
 * In the {@code vrouter} command it is the default sink, and pkt_tracer's {@code -o} and {@code -r}
 * set its options (given with another sink and no calls sink, they are refused in one line).
 */
@Extension
public final class CallsSinkFactory implements SinkFactory<CallsConfig> {
    public static final String TYPE = "calls";

    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Boolean> ORGANIZE = OPTIONS.add(Option.flag("organize", false,
                    "one call tree per packet, printed when its outermost call returns (pkt_tracer -o)")
            .shortForm(ShortForm.flag("-o", "organize: one call tree per packet, printed when its outermost call returns")
                    .in(VrouterPreset.NAME)));
    static final Option<Boolean> RETURNS = OPTIONS.add(Option.flag("returns", false,
                    "show return values, enums by name (pkt_tracer -r)")
            .shortForm(ShortForm.flag("-r", "show return values (enums by name)").in(VrouterPreset.NAME)));
    static final Option<Long> MAX_PACKETS = OPTIONS.add(Option.number("max-packets", 1, 10_000_000,
            (long) CallsConfig.DEFAULT_MAX_PACKETS,
            "packet trees kept open at once; the least recently active is printed as incomplete and counted"));
    static final Option<Long> MAX_CALLS = OPTIONS.add(Option.number("max-calls", 1, 1_000_000, (long) CallsConfig.DEFAULT_MAX_CALLS,
            "calls kept per packet tree, more are only counted"));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "function calls (vrouter probe) as nested fn { ... } lines, live or organized per packet (pkt_tracer -o)";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public CallsConfig configure(Options options) throws ConfigException {
        return new CallsConfig(options.get(ORGANIZE), options.get(RETURNS), options.get(MAX_PACKETS).intValue(),
                options.get(MAX_CALLS).intValue());
    }

    @Override
    public Sink create(CallsConfig config) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), false);
        return config.organize() ? new CallTreeSink(config, out) : new CallLineSink(config, out);
    }
}
