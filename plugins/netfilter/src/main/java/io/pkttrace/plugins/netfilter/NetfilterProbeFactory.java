package io.pkttrace.plugins.netfilter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/** {@code --probe netfilter[:mechanism=...,netns=...,rcvbuf=...,continues=true]}: netfilter verdicts and the rules that gave them. */
@Extension
public final class NetfilterProbeFactory implements ProbeFactory<NetfilterConfig> {
    public static final String TYPE = "netfilter";
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.@:+-]{1,255}");

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
    public Map<String, String> optionHelp() {
        return Map.of(
                "mechanism", "auto (default: nftables tracing, plus BPF for legacy iptables where the kernel allows),"
                        + " nftrace, fexit or kretprobe",
                "netns", "comma-separated ip netns names or inode numbers of the namespaces to trace (default: all)",
                "rcvbuf", "netlink receive buffer per namespace in bytes (default 4194304); messages beyond it are lost and counted",
                "continues", "true to also show rules that matched without deciding (counter, log, ...)",
                "optional", "true to go on without netfilter verdicts (one line says why) when they cannot be traced");
    }

    @Override
    public NetfilterConfig configure(Options options) throws ConfigException {
        options.requireOnly(Set.of("mechanism", "netns", "rcvbuf", "continues", "optional"));
        NetfilterConfig.Mechanism mechanism = NetfilterConfig.Mechanism.AUTO;
        String m = options.string("mechanism", null);
        if (m != null) {
            mechanism = null;
            for (NetfilterConfig.Mechanism c : NetfilterConfig.Mechanism.values()) {
                if (c.label().equals(m.trim().toLowerCase())) {
                    mechanism = c;
                }
            }
            if (mechanism == null) {
                throw new ConfigException("probe netfilter: unknown mechanism '" + m + "'", "valid: auto, nftrace, fexit, kretprobe");
            }
        }
        Set<String> netns = new LinkedHashSet<>();
        for (String v : options.all("netns")) {
            for (String s : v.split(",")) {
                String name = s.trim();
                if (name.equals("all")) {
                    continue;
                }
                if (!NETNS.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                    throw new ConfigException("probe netfilter: '" + name + "' is not a namespace name or inode number",
                            "give names as ip netns list shows them, separated by commas");
                }
                netns.add(name);
            }
        }
        int rcvbuf = (int) options.number("rcvbuf", NetfilterConfig.DEFAULT_RCVBUF, 4096, 1 << 30);
        boolean continues = options.flag("continues", false);
        return new NetfilterConfig(mechanism, netns, rcvbuf, continues, options.flag("optional", false));
    }

    @Override
    public Probe create(NetfilterConfig config) {
        return new NetfilterProbe(config);
    }
}
