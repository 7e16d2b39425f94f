package io.pkttrace.plugins.sinks.html;

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
 * {@code --sink html:output=FILE[,max-packets=N,max-hops=N]}: one self-contained page (inline SVG, no
 * script, no network) with namespaces as lanes, stations, each packet's arrowed path with per-hop
 * times, drops and verdicts marked, replies under their requests.
 */
@Extension
public final class HtmlSinkFactory implements SinkFactory<HtmlConfig> {
    private static final String COMPONENT = "sink html";

    @Override
    public String type() {
        return "html";
    }

    @Override
    public String description() {
        return "one self-contained HTML page per trace, written at the end: namespaces as lanes, each packet's path with µs per hop, drops and verdicts marked";
    }

    @Override
    public Map<String, String> optionHelp() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("output", "FILE to write (required; created or truncated when tracing starts, written when it ends), or - for standard output");
        m.put("max-packets", "packets drawn; more are counted and the page says so (default " + HtmlConfig.DEFAULT_MAX_PACKETS + ")");
        m.put("max-hops", "hops kept per packet, more are only counted (default " + HtmlConfig.DEFAULT_MAX_HOPS + ")");
        return m;
    }

    @Override
    public HtmlConfig configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("output", "max-packets", "max-hops"));
        String output = options.string("output", null);
        if (output == null) {
            throw new ConfigException(COMPONENT + ": option 'output' is required",
                    "give the page's file, e.g. --sink html:output=trace.html (or output=- for standard output)");
        }
        return new HtmlConfig(OutputTarget.parse(COMPONENT, output),
                (int) options.number("max-packets", HtmlConfig.DEFAULT_MAX_PACKETS, 1, 100_000),
                (int) options.number("max-hops", HtmlConfig.DEFAULT_MAX_HOPS, 1, 10_000));
    }

    @Override
    public Sink create(HtmlConfig config) {
        return new HtmlSink(config);
    }
}
