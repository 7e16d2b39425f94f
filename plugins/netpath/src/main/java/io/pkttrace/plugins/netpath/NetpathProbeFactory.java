package io.pkttrace.plugins.netpath;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** {@code --probe netpath[:hooks=tx,rx,drop,consume]}: packets crossing devices and namespaces, and drops. */
@Extension
public final class NetpathProbeFactory implements ProbeFactory<NetpathConfig> {
    @Override
    public String type() {
        return "netpath";
    }

    @Override
    public String description() {
        return "packets crossing network devices and namespaces (tx, rx) and where they are dropped";
    }

    @Override
    public Map<String, String> optionHelp() {
        return Map.of("hooks", "comma-separated subset of tx, rx, drop, consume (default: tx,rx,drop)");
    }

    @Override
    public NetpathConfig configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("hooks"));
        if (!options.has("hooks")) {
            return NetpathConfig.defaults();
        }
        EnumSet<NetpathConfig.Hook> hooks = EnumSet.noneOf(NetpathConfig.Hook.class);
        for (String value : options.all("hooks")) {
            for (String h : value.split(",")) {
                String name = h.trim().toLowerCase();
                NetpathConfig.Hook hook = null;
                for (NetpathConfig.Hook candidate : NetpathConfig.Hook.values()) {
                    if (candidate.label().equals(name)) {
                        hook = candidate;
                    }
                }
                if (hook == null) {
                    throw new ConfigException("probe netpath: unknown hook '" + h.trim() + "'", "valid hooks: tx, rx, drop, consume");
                }
                hooks.add(hook);
            }
        }
        return new NetpathConfig(hooks);
    }

    @Override
    public Probe create(NetpathConfig config) {
        return new NetpathProbe(config);
    }
}
