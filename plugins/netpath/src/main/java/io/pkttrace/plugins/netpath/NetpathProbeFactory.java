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
 * {@code --probe netpath[:hooks=tx,rx,drop,consume][,mechanism=auto|tp_btf|raw_tp]}: packets crossing devices and namespaces, and
 * drops. The probe {@code trace} and {@code ping} run when the user names none.
 */
@Extension
public final class NetpathProbeFactory implements ProbeFactory<NetpathConfig> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<List<String>> HOOKS = OPTIONS.add(Option.choices("hooks", "hook",
            Arrays.stream(NetpathConfig.Hook.values()).map(NetpathConfig.Hook::label).toList(),
            NetpathConfig.defaults().hooks().stream().sorted().map(NetpathConfig.Hook::label).toList(),
            "device hooks to attach"));
    private static final String MECHANISMS = Arrays.stream(NetpathConfig.Mechanism.values())
            .map(NetpathConfig.Mechanism::label).collect(java.util.stream.Collectors.joining("|"));
    static final Option<NetpathConfig.Mechanism> MECHANISM = OPTIONS.add(Option.custom("mechanism", MECHANISMS,
            NetpathProbeFactory::mechanism, NetpathConfig.Mechanism.AUTO, "auto", "how the device hooks attach: auto"
                    + " (tp_btf where it works, which needs the kernel's own BTF; else raw_tp), tp_btf or raw_tp"));

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

    /** The one mechanism the user named. */
    private static NetpathConfig.Mechanism mechanism(String component, List<Option.Given> given) throws ConfigException {
        String text = given.get(given.size() - 1).text().strip();
        for (NetpathConfig.Mechanism m : NetpathConfig.Mechanism.values()) {
            if (given.size() == 1 && m.label().equalsIgnoreCase(text)) {
                return m;
            }
        }
        throw new ConfigException(component + ": " + (given.size() == 1 ? "unknown mechanism '" + text + "'"
                : "option 'mechanism' given more than once"), "give one of " + MECHANISMS.replace("|", ", "));
    }

    @Override
    public NetpathConfig configure(Options options) throws ConfigException {
        EnumSet<NetpathConfig.Hook> hooks = EnumSet.noneOf(NetpathConfig.Hook.class);
        for (String label : options.get(HOOKS)) {
            hooks.add(NetpathConfig.Hook.valueOf(label.toUpperCase(java.util.Locale.ROOT)));
        }
        return new NetpathConfig(hooks, options.get(MECHANISM));
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
