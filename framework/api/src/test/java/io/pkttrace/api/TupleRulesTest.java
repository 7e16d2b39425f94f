package io.pkttrace.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TupleRulesTest {
    private static PacketEvent udp(String src, int sport, String dst, int dport) throws Exception {
        InetAddress s = InetAddress.getByName(src);
        return new PacketEvent().family(s.getAddress().length == 4 ? 4 : 6).protocol(17)
                .src(s.getAddress()).dst(InetAddress.getByName(dst).getAddress()).srcPort(sport).dstPort(dport);
    }

    private static TupleRules.Prefix prefix(String addr, int len) throws Exception {
        byte[] a = InetAddress.getByName(addr).getAddress();
        return new TupleRules.Prefix(a.length == 4 ? 4 : 6, a, len);
    }

    @Test
    void emptyMatchesEverything() throws Exception {
        assertTrue(TupleRules.matchAll().matches(new PacketEvent()));
        assertTrue(TupleRules.matchAll().matches(udp("198.18.0.1", 1, "198.18.0.2", 2)));
    }

    @Test
    void keysAreAndedAndRepeatedKeysOred() throws Exception {
        TupleRules r = new TupleRules(List.of(prefix("198.18.1.0", 24), prefix("2001:db8:1::", 48)), List.of(),
                List.of(), List.of(17), List.of(), List.of(new TupleRules.PortRange(53, 53),
                new TupleRules.PortRange(1000, 2000)), List.of(), false);
        assertTrue(r.matches(udp("198.18.1.9", 5, "198.18.2.2", 53)));
        assertTrue(r.matches(udp("198.18.1.9", 5, "198.18.2.2", 2000)));
        assertTrue(r.matches(udp("2001:db8:1:ffff::1", 5, "2001:db8:2::2", 1000)));
        assertFalse(r.matches(udp("198.18.1.9", 5, "198.18.2.2", 2001)));
        assertFalse(r.matches(udp("198.18.2.9", 5, "198.18.2.2", 53)));
        assertFalse(r.matches(udp("2001:db8:2::1", 5, "2001:db8:2::2", 53)));
    }

    @Test
    void prefixEdgesAndFamilies() throws Exception {
        TupleRules.Prefix p = prefix("198.18.0.0", 15);
        assertTrue(p.matches(4, InetAddress.getByName("198.19.255.255").getAddress()));
        assertFalse(p.matches(4, InetAddress.getByName("198.20.0.0").getAddress()));
        assertFalse(p.matches(6, new byte[16]), "an IPv4 prefix never matches IPv6");
        assertTrue(prefix("0.0.0.0", 0).matches(4, InetAddress.getByName("1.2.3.4").getAddress()));
        assertThrows(IllegalArgumentException.class, () -> prefix("198.18.0.0", 33));
    }

    @Test
    void bothDirectionsMatchesTheReply() throws Exception {
        TupleRules oneWay = new TupleRules(List.of(prefix("198.18.1.2", 32)), List.of(), List.of(), List.of(),
                List.of(), List.of(new TupleRules.PortRange(80, 80)), List.of(), false);
        TupleRules both = new TupleRules(oneWay.src(), List.of(), List.of(), List.of(), List.of(), oneWay.dstPorts(),
                List.of(), true);
        PacketEvent reply = udp("198.18.2.2", 80, "198.18.1.2", 40000);
        assertFalse(oneWay.matches(reply));
        assertTrue(both.matches(reply));
    }

    @Test
    void portsNeverMatchIcmp() throws Exception {
        TupleRules r = new TupleRules(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 
                List.of(new TupleRules.PortRange(0, 65535)), false);
        assertFalse(r.matches(new PacketEvent().family(4).protocol(1)));
    }

    @Test
    void tooManyAlternativesAreRejected() {
        List<Integer> nine = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThrows(IllegalArgumentException.class, () -> new TupleRules(List.of(), List.of(), List.of(), nine,
                List.of(), List.of(), List.of(), false));
    }
}
