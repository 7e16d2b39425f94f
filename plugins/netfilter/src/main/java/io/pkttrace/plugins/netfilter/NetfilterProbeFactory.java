package io.pkttrace.plugins.netfilter;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * {@code --probe netfilter[:mechanism=...,netns=...,rcvbuf=...,continues=true,optional=true]}: netfilter
 * verdicts and the rules that gave them. {@code ping} always runs it next to its device probe, as
 * optional: where netfilter cannot be traced, ping still shows the device rows and one line says why.
 */
@Extension
public final class NetfilterProbeFactory implements ProbeFactory<NetfilterConfig> {
    public static final String TYPE = "netfilter";
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.@:+-]{1,255}");
    private static final List<String> MECHANISMS = Arrays.stream(NetfilterConfig.Mechanism.values())
            .map(NetfilterConfig.Mechanism::label).toList();

    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<NetfilterConfig.Mechanism> MECHANISM = OPTIONS.add(Option.custom("mechanism",
            String.join("|", MECHANISMS), NetfilterProbeFactory::mechanism, NetfilterConfig.Mechanism.AUTO, "auto",
            "how verdicts are obtained: auto (nftables tracing, plus BPF for legacy iptables where the kernel allows),"
                    + " nftrace, fexit or kretprobe"));
    static final Option<List<String>> NETNS_OPTION = OPTIONS.add(Option.list("netns", "NAME|INODE",
            NetfilterProbeFactory::namespace, "pt-a", "ip netns names or inode numbers of the namespaces to trace"
                    + " (default: all)"));
    static final Option<Long> RCVBUF = OPTIONS.add(Option.number("rcvbuf", 4096, 1 << 30,
            (long) NetfilterConfig.DEFAULT_RCVBUF, "netlink receive buffer per namespace in bytes; messages beyond it"
                    + " are lost and counted"));
    static final Option<Boolean> CONTINUES = OPTIONS.add(Option.flag("continues", false,
            "also show rules that matched without deciding (counter, log, ...)"));
    static final Option<Boolean> OPTIONAL = OPTIONS.add(Option.flag("optional", false,
            "go on without netfilter verdicts (one line says why) when they cannot be traced"));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "netfilter verdicts per packet: table, chain, hook, verdict, and the rule that decided with its text"
                + " (nftables tracing), in every namespace";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    /** In ping, next to its device probe: the verdicts of every chain the echo crosses, where the kernel can trace them. */
    @Override
    public DefaultUse defaultUse() {
        return DefaultUse.always("ping").with(OPTIONAL.key() + "=true");
    }

    private static NetfilterConfig.Mechanism mechanism(String component, List<Option.Given> given) throws ConfigException {
        if (given.size() > 1) {
            throw new ConfigException(component + ": option 'mechanism' given more than once", "give it once");
        }
        String m = given.get(0).text().trim().toLowerCase(Locale.ROOT);
        for (NetfilterConfig.Mechanism c : NetfilterConfig.Mechanism.values()) {
            if (c.label().equals(m)) {
                return c;
            }
        }
        throw new ConfigException(component + ": unknown mechanism '" + given.get(0).text() + "'",
                "valid: " + String.join(", ", MECHANISMS));
    }

    private static String namespace(String where, String name) throws ConfigException {
        if (!name.equals("all") && (!NETNS.matcher(name).matches() || name.equals(".") || name.equals(".."))) {
            throw new ConfigException(where + ": '" + name + "' is not a namespace name or inode number",
                    "give names as ip netns list shows them, separated by commas");
        }
        return name;
    }

    @Override
    public NetfilterConfig configure(Options options) throws ConfigException {
        Set<String> netns = new LinkedHashSet<>(options.get(NETNS_OPTION));
        netns.remove("all");
        return new NetfilterConfig(options.get(MECHANISM), netns, options.get(RCVBUF).intValue(), options.get(CONTINUES),
                options.get(OPTIONAL));
    }

    @Override
    public List<MechanismChoice> mechanisms(NetfilterConfig config, KernelSupport kernel) {
        return NetfilterMechanisms.choose(config == null ? NetfilterConfig.defaults() : config, kernel);
    }

    @Override
    public Probe create(NetfilterConfig config) {
        return new NetfilterProbe(config);
    }
}
