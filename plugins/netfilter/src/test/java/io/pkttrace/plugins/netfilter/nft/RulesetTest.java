package io.pkttrace.plugins.netfilter.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

public class RulesetTest {
    /** Real `nft -s -a list ruleset` output of iptables-nft rules, native rules, a set and pkttrace's own table. */
    public static final String LISTING = """
            table ip filter { # handle 1
            \tchain INPUT { # handle 1
            \t\ttype filter hook input priority filter; policy accept;
            \t\tcounter jump MYCH # handle 5
            \t\tmeta l4proto icmp counter accept # handle 2
            \t}

            \tchain MYCH { # handle 3
            \t\tmeta l4proto icmp counter return # handle 4
            \t}

            \tchain OUTPUT { # handle 6
            \t\ttype filter hook output priority filter; policy drop;
            \t\tmeta l4proto udp counter reject # handle 7
            \t}
            }
            table inet fw { # handle 3
            \tset blocked { # handle 2
            \t\ttype ipv4_addr
            \t\tflags interval
            \t\telements = { 198.18.5.0/24,
            \t\t\t     198.18.7.1 }
            \t}

            \tchain input { # handle 1
            \t\ttype filter hook input priority 0; policy accept;
            \t\tip saddr @blocked drop comment "no { here }" # handle 4
            \t\tip saddr { 198.18.1.2, 198.18.1.3 } tcp dport { 22, 80 } accept # handle 5
            \t\ticmpv6 type echo-request accept # handle 6
            \t}
            }
            table inet pkttrace_123_abcd { # progname java
            \tflags owner

            \tchain prerouting { # handle 1
            \t\ttype filter hook prerouting priority -2147483646; policy accept;
            \t\tmeta nftrace set 1 accept # handle 6
            \t}
            }
            """;

    @Test
    void rulesByHandleBaseChainsAndOwnership() {
        Ruleset r = Ruleset.parse(LISTING);
        assertEquals(3, r.tables().size());
        assertEquals("counter jump MYCH", r.rule("ip", "filter", "INPUT", 5));
        assertEquals("meta l4proto icmp counter return", r.rule("ip", "filter", "MYCH", 4));
        assertEquals("meta l4proto udp counter reject", r.rule("ip", "filter", "OUTPUT", 7));
        assertEquals("ip saddr @blocked drop comment \"no { here }\"", r.rule("inet", "fw", "input", 4));
        assertEquals("ip saddr { 198.18.1.2, 198.18.1.3 } tcp dport { 22, 80 } accept", r.rule("inet", "fw", "input", 5));
        assertEquals("icmpv6 type echo-request accept", r.rule("inet", "fw", "input", 6));
        assertNull(r.rule("inet", "fw", "input", 2), "a set's handle is not a rule");
        assertNull(r.rule("ip6", "filter", "INPUT", 5), "family matters");
        Ruleset.Chain input = r.table("ip", "filter").chains().get("INPUT");
        assertTrue(input.isBase());
        assertEquals("input", input.hook());
        assertEquals("accept", input.policy());
        assertEquals("drop", r.table("ip", "filter").chains().get("OUTPUT").policy());
        assertFalse(r.table("ip", "filter").chains().get("MYCH").isBase());
        assertTrue(r.table("inet", "pkttrace_123_abcd").owned());
        assertFalse(r.table("inet", "fw").owned());
        assertFalse(r.table("inet", "fw").chains().containsKey("blocked"), "sets are not chains");
    }

    @Test
    void emptyAndCommentOnly() {
        assertEquals(0, Ruleset.parse("").tables().size());
        assertEquals(0, Ruleset.parse("# Warning: table ip filter is managed by iptables-nft, do not touch!\n").tables().size());
    }
}
