package io.pkttrace.plugins.netfilter.nft;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.StringJoiner;

/**
 * pkttrace's own table in a namespace: one chain per IPv4/IPv6 hook that has chains of the user's,
 * first of all (priority INT_MIN + 2, after only pkttrace's BPF hook program), whose rules set
 * {@code meta nftrace} on the packets the user's filter selects, so that the kernel reports every
 * base chain they traverse. Hooks without chains get nothing: nothing to report there, no cost.
 * The rules say {@code accept}, which ends only this chain: the packet goes on to every other chain
 * as before, and the accepted rule's own trace message tells pkttrace which hook the packet entered.
 *
 * <p>The five-tuple rules become nft matches with the same meaning as {@link TupleRules#matches}:
 * alternatives of a key are an anonymous set, keys are ANDed in one rule, and what nft cannot say
 * in one rule (either-address, either-port, both directions, IPv4 and IPv6 alternatives) becomes
 * several rules.
 */
public final class MarkingTable {
    /** Name prefix of pkttrace's tables; tables with it are never shown as the user's. */
    public static final String PREFIX = "pkttrace_";
    /** nf_tables chain priority of the marking chains. */
    public static final int PRIORITY = Integer.MIN_VALUE + 2;
    /** Hooks marked, as nft names them; each is also the chain's name. */
    public static final List<String> HOOKS = List.of("prerouting", "input", "forward", "output", "postrouting");

    private MarkingTable() {
    }

    /** The script creating the (empty) table {@code inet NAME}; {@code owned} adds {@code flags owner}. */
    public static String table(String name, boolean owned) {
        return "table inet " + name + " {\n" + (owned ? "\tflags owner\n" : "") + "}\n";
    }

    /** The commands adding the marking chain of each hook in {@code hooks} (nft hook names) to the table. */
    public static String chains(String name, TupleRules rules, Collection<String> hooks) {
        StringBuilder sb = new StringBuilder();
        List<String> matches = matches(rules);
        for (String hook : hooks) {
            sb.append("add chain inet ").append(name).append(' ').append(hook).append(" { type filter hook ").append(hook)
                    .append(" priority ").append(PRIORITY).append("; policy accept; }\n");
            for (String m : matches) {
                sb.append("add rule inet ").append(name).append(' ').append(hook).append(' ')
                        .append(m.isEmpty() ? "" : m + " ").append("meta nftrace set 1 accept\n");
            }
        }
        return sb.toString();
    }

    /**
     * The IPv4/IPv6 hooks where the ruleset has base chains (of tables in families ip, ip6 and inet,
     * other than pkttrace's): only there is anything to trace, so only there pkttrace marks packets.
     */
    public static Set<String> hooksWithChains(Ruleset r) {
        Set<String> hooks = new TreeSet<>(Comparator.comparingInt(HOOKS::indexOf));
        for (Ruleset.Table t : r.tables()) {
            boolean ipFamily = t.family().equals("ip") || t.family().equals("ip6") || t.family().equals("inet");
            if (!ipFamily || t.name().startsWith(PREFIX)) {
                continue;
            }
            for (Ruleset.Chain c : t.chains().values()) {
                if (c.isBase() && HOOKS.contains(c.hook())) {
                    hooks.add(c.hook());
                }
            }
        }
        return hooks;
    }

    /** The match part of each rule; one empty match when every packet is selected. */
    public static List<String> matches(TupleRules r) {
        if (r.isEmpty()) {
            return List.of("");
        }
        List<String> out = new ArrayList<>();
        for (boolean reversed : r.bothDirections() ? new boolean[] {false, true} : new boolean[] {false}) {
            List<TupleRules.Prefix> src = reversed ? r.dst() : r.src();
            List<TupleRules.Prefix> dst = reversed ? r.src() : r.dst();
            List<TupleRules.PortRange> sport = reversed ? r.dstPorts() : r.srcPorts();
            List<TupleRules.PortRange> dport = reversed ? r.srcPorts() : r.dstPorts();
            for (int family : new int[] {PacketEvent.FAMILY_IPV4, PacketEvent.FAMILY_IPV6}) {
                if (!usable(family, src) || !usable(family, dst) || !usable(family, r.either())) {
                    continue;
                }
                boolean anyAddress = !src.isEmpty() || !dst.isEmpty() || !r.either().isEmpty();
                if (!anyAddress && family == PacketEvent.FAMILY_IPV6) {
                    continue; // no address key: one family-free rule covers both
                }
                String ip = family == PacketEvent.FAMILY_IPV4 ? "ip" : "ip6";
                for (String eitherAddr : r.either().isEmpty() ? new String[] {null} : new String[] {"saddr", "daddr"}) {
                    for (String eitherPort : r.eitherPorts().isEmpty() ? new String[] {null} : new String[] {"sport", "dport"}) {
                        StringJoiner m = new StringJoiner(" ");
                        if (anyAddress) {
                            address(m, ip, "saddr", family, src);
                            address(m, ip, "daddr", family, dst);
                            if (eitherAddr != null) {
                                address(m, ip, eitherAddr, family, r.either());
                            }
                        }
                        if (!r.protocols().isEmpty()) {
                            m.add("meta l4proto " + set(r.protocols().stream().map(String::valueOf).toList()));
                        }
                        boolean ports = !sport.isEmpty() || !dport.isEmpty() || eitherPort != null;
                        if (ports) {
                            m.add("meta l4proto { 6, 17 }"); // ports only exist for TCP and UDP (as TupleRules says)
                            port(m, "sport", sport);
                            port(m, "dport", dport);
                            if (eitherPort != null) {
                                port(m, eitherPort, r.eitherPorts());
                            }
                        }
                        String s = m.toString();
                        if (!out.contains(s)) {
                            out.add(s);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** A key without alternatives, or with some of this family. */
    private static boolean usable(int family, List<TupleRules.Prefix> key) {
        return key.isEmpty() || key.stream().anyMatch(p -> p.family() == family);
    }

    private static void address(StringJoiner m, String ip, String field, int family, List<TupleRules.Prefix> key) {
        List<String> values = key.stream().filter(p -> p.family() == family).map(MarkingTable::prefix).toList();
        if (!values.isEmpty()) {
            m.add(ip + " " + field + " " + set(values));
        }
    }

    private static void port(StringJoiner m, String field, List<TupleRules.PortRange> key) {
        if (!key.isEmpty()) {
            m.add("th " + field + " " + set(key.stream()
                    .map(p -> p.low() == p.high() ? Integer.toString(p.low()) : p.low() + "-" + p.high()).toList()));
        }
    }

    private static String set(List<String> values) {
        return values.size() == 1 ? values.get(0) : "{ " + String.join(", ", values) + " }";
    }

    static String prefix(TupleRules.Prefix p) {
        int full = p.family() == PacketEvent.FAMILY_IPV4 ? 32 : 128;
        // nft wants the host bits of a prefix cleared.
        byte[] net = p.address().clone();
        for (int bit = p.length(); bit < full; bit++) {
            net[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        String a;
        try {
            // Inet6Address keeps an IPv4-mapped address IPv6 (InetAddress.getByAddress would not).
            a = p.family() == PacketEvent.FAMILY_IPV4 ? InetAddress.getByAddress(net).getHostAddress()
                    : Inet6Address.getByAddress(null, net, -1).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return p.length() == full ? a : a + "/" + p.length();
    }
}
