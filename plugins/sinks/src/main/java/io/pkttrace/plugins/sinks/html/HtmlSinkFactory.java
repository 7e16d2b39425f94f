package io.pkttrace.plugins.sinks.html;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.plugins.sinks.OutputTarget;
import org.pf4j.Extension;

/**
 * {@code --sink html:output=FILE[,max-packets=N,max-hops=N]}: one self-contained page (inline SVG, no
 * script, no network) with namespaces as lanes, stations, each packet's arrowed path with per-hop
 * times, drops and verdicts marked, replies under their requests.
 */
@Extension
public final class HtmlSinkFactory implements SinkFactory<HtmlConfig> {
    private static final String COMPONENT = "sink html";
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> MAX_HOPS = OPTIONS.add(Option.number("max-hops", 1, 10_000, (long) HtmlConfig.DEFAULT_MAX_HOPS,
            "hops kept per packet, more are only counted"));
    static final Option<Long> MAX_PACKETS = OPTIONS.add(Option.number("max-packets", 1, 100_000,
            (long) HtmlConfig.DEFAULT_MAX_PACKETS, "packets drawn; more are counted and the page says so"));
    static final Option<String> OUTPUT = OPTIONS.add(Option.text("output", "FILE", null,
            "file to write (created or truncated when tracing starts, written when it ends), or - for standard output")
            .required("trace.html", "give the page's file, e.g. --sink html:output=trace.html (or output=- for standard output)"));

    @Override
    public String type() {
        return "html";
    }

    @Override
    public String description() {
        return "one self-contained HTML page per trace, written at the end: namespaces as lanes, each packet's path with µs per hop, drops and verdicts marked";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public HtmlConfig configure(Options options) throws ConfigException {
        return new HtmlConfig(OutputTarget.parse(COMPONENT, options.get(OUTPUT)), options.get(MAX_PACKETS).intValue(),
                options.get(MAX_HOPS).intValue());
    }

    @Override
    public Sink create(HtmlConfig config) {
        return new HtmlSink(config);
    }
}
