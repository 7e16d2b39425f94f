package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.Topology;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;

/**
 * The demo topology with firewall rules in two namespaces: the router has iptables rules (nf_tables
 * backend) with a jump to a user chain that returns, a forward accept, a masquerade in nat
 * POSTROUTING, and an IPv6 rule; the server has a native nftables table with input rules (a reject,
 * a drop, echo accepts for IPv4 and IPv6) and an output chain with only its policy.
 */
abstract class WithFirewallTopology extends WithDemoTopology {
    /** UDP ports the server rejects and drops. */
    static final int REJECTED_PORT = 9;
    static final int DROPPED_PORT = 10;

    @BeforeAll
    static void addRules() throws Exception {
        Topology.Netns r = topo.router();
        r.exec("iptables", "-N", "PTCHK");
        r.exec("iptables", "-A", "PTCHK", "-p", "icmp", "-j", "RETURN");
        r.exec("iptables", "-A", "FORWARD", "-j", "PTCHK");
        r.exec("iptables", "-A", "FORWARD", "-p", "icmp", "-j", "ACCEPT");
        r.exec("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "r1", "-j", "MASQUERADE");
        r.exec("ip6tables", "-A", "FORWARD", "-p", "ipv6-icmp", "-j", "ACCEPT");
        topo.server().exec("nft", "add table inet ptsrv; "
                + "add chain inet ptsrv input { type filter hook input priority 0; policy accept; }; "
                + "add chain inet ptsrv output { type filter hook output priority 0; policy accept; }; "
                + "add rule inet ptsrv input udp dport " + REJECTED_PORT + " reject; "
                + "add rule inet ptsrv input udp dport " + DROPPED_PORT + " counter drop; "
                + "add rule inet ptsrv input icmp type echo-request accept; "
                + "add rule inet ptsrv input icmpv6 type echo-request accept");
    }

    /** The handle of the rule of that chain whose text (as {@code nft -s} prints it) is {@code text}. */
    static long handle(Topology.Netns ns, String family, String table, String chain, String text) throws Exception {
        String listing = ns.exec("nft", "-s", "-a", "list", "chain", family, table, chain).stdout();
        Matcher m = Pattern.compile("^\\s*" + Pattern.quote(text) + " # handle (\\d+)$", Pattern.MULTILINE).matcher(listing);
        assertTrue(m.find(), "no rule '" + text + "' in " + listing);
        return Long.parseLong(m.group(1));
    }

    /** How the console names that rule: {@code ip rule 4: counter jump PTCHK}. */
    static String rule(Topology.Netns ns, String family, String table, String chain, String text) throws Exception {
        return family + " rule " + handle(ns, family, table, chain, text) + ": " + text;
    }

    /** The stateless ruleset of a namespace, to compare before and after a run. */
    static String ruleset(Topology.Netns ns) throws Exception {
        return ns.exec("nft", "-s", "list", "ruleset").stdout();
    }
}
