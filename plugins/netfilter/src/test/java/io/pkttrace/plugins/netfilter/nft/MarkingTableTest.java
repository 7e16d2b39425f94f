package io.pkttrace.plugins.netfilter.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkingTableTest {
    static TupleRules.Prefix p(String cidr) throws Exception {
        String[] a = cidr.split("/");
        byte[] b = InetAddress.getByName(a[0]).getAddress();
        int fam = b.length == 4 ? PacketEvent.FAMILY_IPV4 : PacketEvent.FAMILY_IPV6;
        return new TupleRules.Prefix(fam, b, a.length > 1 ? Integer.parseInt(a[1]) : b.length * 8);
    }

    @Test
    void everythingIsOneRuleWithoutMatch() {
        assertEquals(List.of(""), MarkingTable.matches(TupleRules.matchAll()));
    }

    @Test
    void pingsEitherAddressIsTwoRules() throws Exception {
        TupleRules r = new TupleRules(List.of(), List.of(), List.of(p("198.18.2.2")), List.of(1), List.of(), List.of(), List.of(), false);
        assertEquals(List.of("ip saddr 198.18.2.2 meta l4proto 1", "ip daddr 198.18.2.2 meta l4proto 1"), MarkingTable.matches(r));
    }

    @Test
    void keysAreAndedAlternativesAreSetsAndFamiliesSplit() throws Exception {
        TupleRules r = new TupleRules(List.of(p("198.18.0.0/15"), p("2001:db8::/32"), p("10.1.2.3")), List.of(), List.of(),
                List.of(), List.of(), List.of(new TupleRules.PortRange(53, 53), new TupleRules.PortRange(1000, 2000)), List.of(), false);
        assertEquals(List.of("ip saddr { 198.18.0.0/15, 10.1.2.3 } meta l4proto { 6, 17 } th dport { 53, 1000-2000 }",
                "ip6 saddr 2001:db8:0:0:0:0:0:0/32 meta l4proto { 6, 17 } th dport { 53, 1000-2000 }"), MarkingTable.matches(r));
    }

    @Test
    void bothDirectionsSwapSourceAndDestinationAndHostBitsAreCleared() throws Exception {
        TupleRules r = new TupleRules(List.of(p("198.18.1.7/24")), List.of(), List.of(), List.of(17),
                List.of(new TupleRules.PortRange(5000, 5000)), List.of(), List.of(), true);
        assertEquals(List.of("ip saddr 198.18.1.0/24 meta l4proto 17 meta l4proto { 6, 17 } th sport 5000",
                "ip daddr 198.18.1.0/24 meta l4proto 17 meta l4proto { 6, 17 } th dport 5000"), MarkingTable.matches(r));
    }

    @Test
    void aKeyWithOnlyTheOtherFamilyRulesThatFamilyOut() throws Exception {
        TupleRules r = new TupleRules(List.of(p("198.18.1.2")), List.of(p("2001:db8::1")), List.of(), List.of(), List.of(),
                List.of(), List.of(), false);
        assertEquals(List.of(), MarkingTable.matches(r), "no packet has an IPv4 source and an IPv6 destination");
    }

    @Test
    void theTableIsOwnedAndEachHookWithChainsGetsAMarkingChainFirstOfAll() throws Exception {
        assertEquals("table inet pkttrace_1_ab {\n\tflags owner\n}\n", MarkingTable.table("pkttrace_1_ab", true));
        assertEquals("table inet x {\n}\n", MarkingTable.table("x", false));
        TupleRules r = new TupleRules(List.of(), List.of(), List.of(p("198.18.2.2")), List.of(), List.of(), List.of(), List.of(), false);
        assertEquals("""
                add chain inet t forward { type filter hook forward priority -2147483646; policy accept; }
                add rule inet t forward ip saddr 198.18.2.2 meta nftrace set 1 accept
                add rule inet t forward ip daddr 198.18.2.2 meta nftrace set 1 accept
                """, MarkingTable.chains("t", r, List.of("forward")));
    }

    @Test
    void onlyHooksWithTheUsersIpChainsAreMarked() {
        Ruleset rs = Ruleset.parse(RulesetTest.LISTING + """
                table bridge br { # handle 9
                \tchain pre { # handle 1
                \t\ttype filter hook prerouting priority 0; policy accept;
                \t}
                }
                """);
        // ip filter INPUT/OUTPUT, inet fw input; not pkttrace's own prerouting, not the bridge family's
        assertEquals(List.of("input", "output"), List.copyOf(MarkingTable.hooksWithChains(rs)));
    }
}
