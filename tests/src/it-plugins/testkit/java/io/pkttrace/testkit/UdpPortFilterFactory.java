package io.pkttrace.testkit;

import io.pkttrace.api.Filter;
import io.pkttrace.api.FilterFactory;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.ShortForm;
import org.pf4j.Extension;

/** {@code --filter udpport:port=N}, and in the looptrace command {@code -p N}: UDP to one port. */
@Extension
public final class UdpPortFilterFactory implements FilterFactory<Integer> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> PORT = OPTIONS.add(Option.number("port", 1, 65535, null, "UDP destination port").required("5353")
            .shortForm(ShortForm.value("-p", "PORT", "UDP destination port to keep").in("looptrace")));

    @Override
    public String type() {
        return "udpport";
    }

    @Override
    public String description() {
        return "test filter: UDP to one destination port";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public Integer configure(Options options) throws io.pkttrace.api.ConfigException {
        return options.get(PORT).intValue();
    }

    @Override
    public Filter create(Integer port) {
        return e -> e.protocol() == PacketEvent.PROTO_UDP && e.dstPort() == port;
    }
}
