package io.pkttrace.plugins.netpath;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.DefaultUse;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code --probe netpath[:hooks=tx,rx,drop,consume]}: packets crossing devices and namespaces, and
 * drops. The probe {@code trace} and {@code ping} run when the user names none.
 */
@Extension
public final class NetpathProbeFactory implements ProbeFactory<NetpathConfig> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<List<String>> HOOKS = OPTIONS.add(Option.choices("hooks", "hook",
            Arrays.stream(NetpathConfig.Hook.values()).map(NetpathConfig.Hook::label).toList(),
            NetpathConfig.defaults().hooks().stream().sorted().map(NetpathConfig.Hook::label).toList(),
            "device hooks to attach"));

    @Override
    public String type() {
        return "netpath";
    }

    @Override
    public String description() {
        return "packets crossing network devices and namespaces (tx, rx) and where they are dropped";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public DefaultUse defaultUse() {
        return DefaultUse.whenNoneChosen("trace", "ping");
    }

    @Override
    public NetpathConfig configure(Options options) throws ConfigException {
        EnumSet<NetpathConfig.Hook> hooks = EnumSet.noneOf(NetpathConfig.Hook.class);
        for (String label : options.get(HOOKS)) {
            hooks.add(NetpathConfig.Hook.valueOf(label.toUpperCase(java.util.Locale.ROOT)));
        }
        return new NetpathConfig(hooks);
    }

    @Override
    public List<MechanismChoice> mechanisms(NetpathConfig config, KernelSupport kernel) {
        return NetpathMechanisms.choose(config == null ? NetpathConfig.defaults() : config, kernel);
    }

    @Override
    public Probe create(NetpathConfig config) {
        return new NetpathProbe(config);
    }
}
