package io.pkttrace.plugins.fivetuple;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Filter;
import io.pkttrace.api.FilterFactory;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.ShortForm;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code --filter fivetuple:src=ADDR[/LEN],dport=PORT[-PORT],...}, and its short forms
 * {@code -a key=value ...} (pkt_tracer's syntax, anywhere on the line) and {@code --src},
 * {@code --dst}, {@code --proto}, {@code --sport}, {@code --dport}: pkt_tracer's five-tuple filter,
 * evaluated in the kernel by probes that can and in Java otherwise. The keys are declared here once;
 * {@link TupleRulesParser} turns their values into {@link TupleRules}.
 */
@Extension
public final class FiveTupleFilterFactory implements FilterFactory<TupleRules> {
    public static final String TYPE = "fivetuple";

    /** pkt_tracer calls the options of -a "keys". */
    static final OptionSet OPTIONS = new OptionSet("key").shortForm(ShortForm.items("-a",
            "five-tuple filter, pkt_tracer style: src= dest= protocol= sport= dport= either= port= reply=;"
                    + " keys are ANDed, a repeated key is ORed; may appear anywhere on the line"));
    static final Option<List<TupleRules.Prefix>> SRC = OPTIONS.add(Option.list("src", "ADDR[/LEN]",
            TupleRulesParser::prefix, "198.18.1.2", "source address or prefix, IPv4 or IPv6 (e.g. 198.18.0.0/15, 2001:db8::1)")
            .shortForm(ShortForm.value("--src", "ADDR[/LEN]", "same as -a src=ADDR (repeatable)")));
    static final Option<List<TupleRules.Prefix>> DEST = OPTIONS.add(Option.list("dest", "ADDR[/LEN]",
            TupleRulesParser::prefix, "198.18.1.2", "destination address or prefix").alias("dst")
            .shortForm(ShortForm.value("--dst", "ADDR[/LEN]", "same as -a dest=ADDR (repeatable)")));
    static final Option<List<Integer>> PROTOCOL = OPTIONS.add(Option.list("protocol", "PROTO",
            TupleRulesParser::protocol, "tcp", "tcp, udp, icmp, icmp6, sctp, gre, esp, ah, ... or a number 0-255").alias("proto")
            .shortForm(ShortForm.value("--proto", "PROTO", "same as -a protocol=PROTO (repeatable)")));
    static final Option<List<TupleRules.PortRange>> SPORT = OPTIONS.add(Option.list("sport", "PORT[-PORT]",
            TupleRulesParser::portRange, "80", "source port or range LOW-HIGH, host byte order (tcp and udp)")
            .shortForm(ShortForm.value("--sport", "PORT[-PORT]", "same as -a sport=PORT (repeatable)")));
    static final Option<List<TupleRules.PortRange>> DPORT = OPTIONS.add(Option.list("dport", "PORT[-PORT]",
            TupleRulesParser::portRange, "80", "destination port or range")
            .shortForm(ShortForm.value("--dport", "PORT[-PORT]", "same as -a dport=PORT (repeatable)")));
    static final Option<List<TupleRules.Prefix>> EITHER = OPTIONS.add(Option.list("either", "ADDR[/LEN]",
            TupleRulesParser::prefix, "198.18.1.2", "address or prefix matching the source or the destination"));
    static final Option<List<TupleRules.PortRange>> PORT = OPTIONS.add(Option.list("port", "PORT[-PORT]",
            TupleRulesParser::portRange, "80", "port or range matching the source or the destination port"));
    static final Option<List<String>> REPLY = OPTIONS.add(Option.list("reply", "true|false", (where, text) -> text,
            "true", "true to also keep the reverse direction of the matched flow (replies)"));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "five-tuple filter (pkt_tracer -a), evaluated in BPF: keys are ANDed, a repeated key or "
                + "comma-separated values are ORed (at most " + TupleRules.MAX_ALTERNATIVES + " per key)";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public TupleRules configure(Options options) throws ConfigException {
        return TupleRulesParser.parse(options);
    }

    @Override
    public Filter create(TupleRules config) {
        return new TupleFilter(config);
    }
}
