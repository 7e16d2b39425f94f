package io.pkttrace.plugins.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.api.PacketEvent;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class EventTextTest {
    private static String fmt(String a) throws Exception {
        return EventText.address(InetAddress.getByName(a));
    }

    @Test
    void ipv6IsCompressedAsRfc5952Says() throws Exception {
        assertEquals("2001:db8:1::2", fmt("2001:db8:1:0:0:0:0:2"));
        assertEquals("::1", fmt("::1"));
        assertEquals("::", fmt("::"));
        assertEquals("fe80::", fmt("fe80::"));
        assertEquals("2001:db8:0:1:1:1:1:1", fmt("2001:db8:0:1:1:1:1:1"), "one zero group stays");
        assertEquals("2001:0:0:1::1", fmt("2001:0:0:1:0:0:0:1"), "the longest run is compressed");
        assertEquals("2001:db8::1:0:0:1", fmt("2001:db8:0:0:1:0:0:1"), "the first of equal runs");
        assertEquals("198.18.1.2", fmt("198.18.1.2"));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 198;
        mapped[13] = 18;
        mapped[15] = 1;
        assertEquals("::ffff:198.18.0.1", EventText.address(mapped), "an IPv4-mapped IPv6 address stays IPv6");
    }

    @Test
    void typesAndAddresses() throws Exception {
        PacketEvent e = new PacketEvent().family(6).protocol(17).src(InetAddress.getByName("2001:db8::1").getAddress())
                .dst(InetAddress.getByName("2001:db8::2").getAddress()).srcPort(5353).dstPort(53);
        assertEquals("udp", EventText.type(e));
        assertEquals("[2001:db8::1]:5353 -> [2001:db8::2]:53", EventText.addresses(e));
        e.protocol(58).icmpType(129).srcPort(0).dstPort(0);
        assertEquals("reply", EventText.type(e));
        assertEquals("2001:db8::1 -> 2001:db8::2", EventText.addresses(e));
    }

    @Test
    void netfilterVerdictsInTracepktsColumnAndTheRuleInInfo() throws Exception {
        PacketEvent e = new PacketEvent().family(4).protocol(1).icmpType(8).icmpId(7).icmpSeq(1)
                .src(InetAddress.getByName("198.18.1.2").getAddress()).dst(InetAddress.getByName("198.18.2.2").getAddress());
        assertEquals("", EventText.iptables(e));
        assertEquals("id 7 seq 1", EventText.info(e));
        e.netfilter("filter", "FORWARD", "JUMP").nfFamily("ip").nfTarget("PTCHK").nfRule(5, "counter jump PTCHK", false);
        assertEquals("filter.FORWARD :JUMP PTCHK", EventText.iptables(e));
        assertEquals("id 7 seq 1, ip rule 5: counter jump PTCHK", EventText.info(e));
        e.netfilter("filter", "OUTPUT", "ACCEPT").nfTarget(null).nfRule(-1, null, false).nfPolicy(true);
        assertEquals("filter.OUTPUT :ACCEPT", EventText.iptables(e));
        assertEquals("ip policy", EventText.rule(e));
        e.nfPolicy(false).nfRule(9, "meta l4proto icmp drop", true);
        assertEquals("ip rule 9 (stale): meta l4proto icmp drop", EventText.rule(e));
        e.nfRule(9, null, true);
        assertEquals("ip rule 9 (text unknown: the ruleset changed before it was listed)", EventText.rule(e));
        e.netfilter("filter", "PTCHK", "RETURN").nfRule(-1, null, false);
        assertEquals("ip end of chain", EventText.rule(e));
    }

    @Test
    void infoShowsCallsTunnelsAndAttributes() throws Exception {
        PacketEvent e = TestEvents.echo(new PacketEvent(), "1.1.1.3", "1.1.1.5", true, 4145, 0)
                .call(PacketEvent.CALL_ENTRY, 3).outerFamily(4).outerProtocol(17).outerPorts(53363, 6635)
                .encap("mpls-udp").attr("label", PacketEvent.AttrKind.NUMBER, 144)
                .attr("eth_src", PacketEvent.AttrKind.MAC, 0x02c2234cd055L);
        System.arraycopy(TestEvents.ip("8.0.0.2"), 0, e.outerSrcBytes(), 0, 4);
        System.arraycopy(TestEvents.ip("8.0.0.3"), 0, e.outerDstBytes(), 0, 4);
        assertEquals("entry, id 4145 seq 0, outer udp 8.0.0.2:53363 -> 8.0.0.3:6635 mpls-udp, label 144, eth_src 02:c2:23:4c:d0:55",
                EventText.info(e));
        e.call(PacketEvent.CALL_RETURN_MISSED, 3);
        assertEquals("return not seen", EventText.call(e));
    }
}
