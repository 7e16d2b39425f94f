package io.pkttrace.plugins.fivetuple;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Filter;
import io.pkttrace.api.FilterFactory;
import io.pkttrace.api.Options;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code --filter fivetuple:src=ADDR[/LEN],dport=PORT[-PORT],...} (and the CLI's {@code -a key=value}):
 * pkt_tracer's five-tuple filter, evaluated in the kernel by probes that can and in Java otherwise.
 */
@Extension
public final class FiveTupleFilterFactory implements FilterFactory<TupleRules> {
    public static final String TYPE = "fivetuple";

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
    public Map<String, String> optionHelp() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("src", "source address or prefix, IPv4 or IPv6 (e.g. 198.18.0.0/15, 2001:db8::1)");
        m.put("dest", "destination address or prefix (alias dst)");
        m.put("either", "address or prefix matching the source or the destination");
        m.put("protocol", "tcp, udp, icmp, icmp6, sctp, gre, esp, ah, ... or a number 0-255 (alias proto)");
        m.put("sport", "source port or range LOW-HIGH, host byte order (tcp and udp)");
        m.put("dport", "destination port or range");
        m.put("port", "port or range matching the source or the destination port");
        m.put("reply", "true to also keep the reverse direction of the matched flow (replies)");
        return m;
    }

    @Override
    public TupleRules configure(Options options) throws ConfigException {
        return TupleRulesParser.parse(options);
    }

    @Override
    public Filter create(TupleRules config) {
        return new TupleFilter(config);
    }

    /**
     * pkt_tracer-style {@code -a key=value ...} items as options of this filter (see
     * {@link TupleRulesParser#fromArgs(List)}).
     */
    public static Options fromArgs(List<String> keyValues) throws ConfigException {
        return TupleRulesParser.fromArgs(keyValues);
    }
}
