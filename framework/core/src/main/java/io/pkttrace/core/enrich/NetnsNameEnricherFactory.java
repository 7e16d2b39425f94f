package io.pkttrace.core.enrich;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.EnricherFactory;
import io.pkttrace.api.Options;
import io.pkttrace.core.netns.NetnsNames;
import java.util.Set;
import org.pf4j.Extension;

/** Built-in {@code netns-names}: names namespaces after their /run/netns entry (ip netns add NAME). */
@Extension
public final class NetnsNameEnricherFactory implements EnricherFactory<NetnsNames> {
    public static final String TYPE = "netns-names";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "adds the /run/netns name of each event's network namespace (on by default)";
    }

    @Override
    public NetnsNames configure(Options options) throws ConfigException {
        options.requireOnly(Set.of());
        return new NetnsNames();
    }

    @Override
    public Enricher create(NetnsNames names) {
        return event -> {
            if (event.netnsInode() != 0) {
                event.netnsName(names.nameOf(event.netnsInode()).orElse(null));
            }
        };
    }
}
