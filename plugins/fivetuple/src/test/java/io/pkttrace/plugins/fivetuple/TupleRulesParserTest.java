package io.pkttrace.plugins.fivetuple;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TupleRulesParserTest {
    private static final String C = "filter fivetuple";

    private static TupleRules rules(String... items) throws ConfigException {
        return TupleRulesParser.parse(Options.parse(C, List.of(items)));
    }

    /** The one line the CLI prints for a bad option. */
    private static String error(String... items) {
        ConfigException e = assertThrows(ConfigException.class, () -> rules(items), () -> "accepted: " + Arrays.toString(items));
        String line = e.userLine();
        assertFalse(line.contains("\n"), "one line: " + line);
        assertTrue(line.startsWith(C + ": "), line);
        return line;
    }

    private static byte[] ip(String s) throws Exception {
        return InetAddress.getByName(s).getAddress(); // literals only: no name lookup happens
    }

    private static PacketEvent packet(int proto, String src, int sport, String dst, int dport) throws Exception {
        byte[] s = ip(src);
        return new PacketEvent().family(s.length == 4 ? 4 : 6).protocol(proto).src(s).dst(ip(dst)).srcPort(sport).dstPort(dport);
    }

    // ---- values ---------------------------------------------------------------------------------

    @Test
    void addressesAndPrefixes() throws Exception {
        TupleRules r = rules("src=198.18.1.2", "dest=198.18.0.0/15", "either=2001:db8::/32");
        assertEquals(new TupleRules.Prefix(4, ip("198.18.1.2"), 32).length(), r.src().get(0).length());
        assertArrayEquals(ip("198.18.1.2"), r.src().get(0).address());
        assertEquals(4, r.dst().get(0).family());
        assertEquals(15, r.dst().get(0).length());
        assertEquals(6, r.either().get(0).family());
        assertEquals(32, r.either().get(0).length());
        assertArrayEquals(ip("2001:db8::"), r.either().get(0).address());
    }

    @ParameterizedTest
    @CsvSource({
            "::, ::", "::1, ::1", "1::, 1::", "2001:db8::2, 2001:db8::2", "2001:DB8:0:0:0:0:0:2, 2001:db8::2",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0", "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
            "::ffff:198.18.1.2, ::ffff:c612:102", "64:ff9b::198.18.1.2, 64:ff9b::c612:102",
            "1:2:3:4:5:6:198.18.1.2, 1:2:3:4:5:6:c612:102", "fe80::0001:00ab, fe80::1:ab"})
    void ipv6Text(String text, String same) throws Exception {
        byte[] parsed = TupleRulesParser.ipv6(text);
        assertArrayEquals(InetAddress.getByName(same).getAddress().length == 16 ? InetAddress.getByName(same).getAddress()
                : mapped(same), parsed, text);
    }

    /** InetAddress turns ::ffff:a.b.c.d into an IPv4 address; the filter keeps it IPv6. */
    private static byte[] mapped(String s) throws Exception {
        byte[] v4 = InetAddress.getByName(s).getAddress();
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }

    @Test
    void ipv4MappedStaysIpv6() throws Exception {
        TupleRules r = rules("src=::ffff:198.18.1.2");
        assertEquals(6, r.src().get(0).family());
        assertEquals(128, r.src().get(0).length());
    }

    @ParameterizedTest
    @ValueSource(strings = {":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
            ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "1::2:3:4:5:6:7:8", "::1.2.3", "::256.1.1.1", "1.2.3.4::", "fe80::1%eth0",
            "[2001:db8::1]", "::1.2.3.4:5", " ::1"})
    void malformedIpv6(String text) {
        assertNull(TupleRulesParser.ipv6(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "01.2.3.4", "1..3.4", "1.2.3.4.", "a.b.c.d",
            "1.2.3.4 ", "localhost", "", "1234.1.1.1", "+1.2.3.4", "\u0661.2.3.4"})
    void malformedIpv4(String text) {
        assertNull(TupleRulesParser.ipv4(text), text);
    }

    @Test
    void ipv4EdgeValues() {
        assertArrayEquals(new byte[] {0, 0, 0, 0}, TupleRulesParser.ipv4("0.0.0.0"));
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, TupleRulesParser.ipv4("255.255.255.255"));
    }

    @Test
    void prefixLengthsAtTheirEdges() throws Exception {
        assertEquals(0, rules("src=0.0.0.0/0").src().get(0).length());
        assertEquals(32, rules("src=198.18.1.2/32").src().get(0).length());
        assertEquals(0, rules("src=::/0").src().get(0).length());
        assertEquals(128, rules("src=2001:db8::1/128").src().get(0).length());
        // Host bits beyond the prefix are allowed and ignored, as in ip route.
        TupleRules r = rules("src=198.18.1.2/15");
        assertTrue(r.matches(packet(17, "198.19.255.255", 1, "10.0.0.1", 2)));
        assertFalse(r.matches(packet(17, "198.20.0.0", 1, "10.0.0.1", 2)));
    }

    @Test
    void protocolsByNameAndNumber() throws Exception {
        // Values keep their order per key (protocol, then its alias proto); duplicates are dropped.
        assertEquals(List.of(6, 1, 58, 132, 47, 17),
                rules("protocol=tcp", "proto=UDP", "protocol=icmp,icmp6", "proto=ipv6-icmp", "proto=icmpv6", "protocol=sctp",
                        "protocol=gre").protocols());
        assertEquals(List.of(50, 51, 2, 41, 136), rules("protocol=esp,ah,IGMP,ipv6,udplite").protocols());
        assertEquals(List.of(0, 255, 6), rules("protocol=0,255,006").protocols());
    }

    @Test
    void portsAndRangesInHostOrder() throws Exception {
        TupleRules r = rules("sport=0080", "dport=1000-2000", "dport=0-0", "port=65535", "dport=65535-65535");
        assertEquals(List.of(new TupleRules.PortRange(80, 80)), r.srcPorts());
        assertEquals(List.of(new TupleRules.PortRange(1000, 2000), new TupleRules.PortRange(0, 0),
                new TupleRules.PortRange(65535, 65535)), r.dstPorts());
        assertEquals(List.of(new TupleRules.PortRange(65535, 65535)), r.eitherPorts());
    }

    // ---- combining ------------------------------------------------------------------------------

    @Test
    void keysAreAndedRepeatsAndCommasAreOred() throws Exception {
        TupleRules r = rules("src=198.18.1.2", "src=198.18.1.3,198.18.1.4", "dport=53", "protocol=udp");
        assertEquals(3, r.src().size());
        assertTrue(r.matches(packet(17, "198.18.1.3", 999, "198.18.2.2", 53)));
        assertTrue(r.matches(packet(17, "198.18.1.4", 999, "198.18.2.2", 53)));
        assertFalse(r.matches(packet(6, "198.18.1.4", 999, "198.18.2.2", 53)), "protocol is ANDed");
        assertFalse(r.matches(packet(17, "198.18.1.4", 999, "198.18.2.2", 54)), "dport is ANDed");
        assertFalse(r.matches(packet(17, "198.18.1.5", 999, "198.18.2.2", 53)));
    }

    @Test
    void duplicatesDoNotUseUpAlternatives() throws Exception {
        TupleRules r = rules("src=198.18.1.2,198.18.1.2/32", "src=198.18.1.2", "src=198.18.1.0/24", "dport=80,80,80-80",
                "proto=tcp,6");
        assertEquals(2, r.src().size());
        assertEquals(1, r.dstPorts().size());
        assertEquals(List.of(6), r.protocols());
        assertEquals(8, rules("sport=1,2,3,4,5,6,7,8,8,8,1").srcPorts().size());
    }

    @Test
    void aliasesShareTheirKey() throws Exception {
        TupleRules r = rules("dst=198.18.2.2", "dest=2001:db8:2::2", "proto=tcp", "protocol=udp");
        assertEquals(2, r.dst().size());
        assertEquals(List.of(6, 17), r.protocols());
    }

    @Test
    void eitherAndPortMatchBothDirections() throws Exception {
        TupleRules r = rules("either=198.18.2.2", "port=80");
        assertTrue(r.matches(packet(6, "198.18.1.2", 40000, "198.18.2.2", 80)));
        assertTrue(r.matches(packet(6, "198.18.2.2", 80, "198.18.1.2", 40000)));
        assertFalse(r.matches(packet(6, "198.18.1.2", 40000, "198.18.2.3", 80)));
        assertFalse(r.matches(packet(6, "198.18.1.2", 40000, "198.18.2.2", 81)));
    }

    @Test
    void replyKeepsTheReverseDirection() throws Exception {
        PacketEvent request = packet(6, "198.18.1.2", 40000, "198.18.2.2", 80);
        PacketEvent reply = packet(6, "198.18.2.2", 80, "198.18.1.2", 40000);
        TupleRules oneWay = rules("src=198.18.1.2", "dport=80");
        TupleRules both = rules("src=198.18.1.2", "dport=80", "reply=true");
        TupleRules bare = rules("src=198.18.1.2", "dport=80", "reply"); // a key without '=' means true
        assertFalse(oneWay.bothDirections());
        assertTrue(both.bothDirections());
        assertTrue(bare.bothDirections());
        assertFalse(rules("src=198.18.1.2", "reply=no").bothDirections());
        assertTrue(oneWay.matches(request));
        assertFalse(oneWay.matches(reply));
        assertTrue(both.matches(reply));
    }

    @Test
    void atMostEightAlternativesPerKey() throws Exception {
        assertEquals(8, rules("dport=1,2,3,4,5,6,7,8").dstPorts().size());
        String line = error("dport=1,2,3,4,5", "dport=6,7,8,9");
        assertEquals(C + ": dport has 9 values, at most 8 are supported per key: narrow the list, e.g. with a prefix or a port range", line);
        assertTrue(error("dst=198.18.0.1,198.18.0.2,198.18.0.3,198.18.0.4", "dest=198.18.0.5,198.18.0.6,198.18.0.7,198.18.0.8,198.18.0.9")
                .startsWith(C + ": dest has 9 values"));
    }

    @Test
    void emptyOptionsMatchEverything() throws Exception {
        assertTrue(rules().isEmpty());
    }

    // ---- errors: one clear line each -------------------------------------------------------------

    @Test
    void unknownKeyListsTheValidOnes() {
        assertEquals(C + ": unknown key 'sprot': valid keys: src, dest, dst, protocol, proto, sport, dport, either, port, reply",
                error("src=198.18.1.2", "sprot=80"));
    }

    @Test
    void malformedAddress() {
        assertEquals(C + ": src: '198.18.1' is not an IPv4 or IPv6 address: write an IPv4 or IPv6 address, optionally with /LEN "
                + "(e.g. 198.18.1.2, 198.18.0.0/15, 2001:db8::/32)", error("src=198.18.1"));
        assertTrue(error("dst=2001:db8:::1").startsWith(C + ": dst: '2001:db8:::1' is not an IPv4 or IPv6 address"));
        assertTrue(error("either=example.com").startsWith(C + ": either: 'example.com' is not an IPv4 or IPv6 address"),
                "host names are not resolved");
        assertTrue(error("src=198.18.1.2/").contains("has no valid prefix length after '/'"));
        assertTrue(error("src=198.18.1.2/x").contains("has no valid prefix length after '/'"));
    }

    @Test
    void prefixLengthOutOfRange() {
        assertEquals(C + ": src: prefix length 33 in '198.18.0.0/33' is out of range for IPv4: use 0 to 32", error("src=198.18.0.0/33"));
        assertEquals(C + ": dest: prefix length 129 in '2001:db8::/129' is out of range for IPv6: use 0 to 128",
                error("dest=2001:db8::/129"));
        assertTrue(error("src=::/99999999999").contains("is out of range for IPv6"));
    }

    @Test
    void portOutOfRangeOrReversed() {
        assertEquals(C + ": dport: port 65536 is out of range: ports are 0 to 65535", error("dport=65536"));
        assertEquals(C + ": sport: port 99999999999999 is out of range: ports are 0 to 65535", error("sport=99999999999999"));
        assertEquals(C + ": port: port 70000 is out of range: ports are 0 to 65535", error("port=1-70000"));
        assertEquals(C + ": dport: port range 2000-1000 is reversed: write the lower port first: 1000-2000", error("dport=2000-1000"));
        assertTrue(error("dport=-5").startsWith(C + ": dport: '-5' is not a port or a port range: write a port or an inclusive range"));
        assertTrue(error("dport=http").contains("'http' is not a port or a port range"));
        assertTrue(error("dport=80:90").contains("'80:90' is not a port or a port range"));
    }

    @Test
    void unknownProtocolName() {
        String line = error("protocol=tcpp");
        assertTrue(line.startsWith(C + ": protocol: unknown protocol 'tcpp': use a name (tcp, udp, icmp, icmp6, "), line);
        assertTrue(line.endsWith(") or a number 0 to 255"), line);
        assertEquals(C + ": proto: protocol number 256 is out of range: IP protocol numbers are 0 to 255", error("proto=256"));
    }

    @Test
    void emptyValue() {
        assertEquals(C + ": src has an empty value: give it a value, e.g. src=198.18.1.2", error("src="));
        assertEquals(C + ": dport has an empty value: give it a value, e.g. dport=80", error("dport=80,,81"));
        assertEquals(C + ": protocol has an empty value: give it a value, e.g. protocol=tcp", error("protocol= "));
        assertTrue(error("reply=").startsWith(C + ": reply has an empty value"));
    }

    @Test
    void badReplyValue() {
        assertEquals(C + ": reply: 'maybe' is not true or false: write reply=true or reply=false", error("reply=maybe"));
        assertTrue(error("reply=true", "reply=false").startsWith(C + ": reply is given more than once"));
    }

    @Test
    void portsWithAProtocolWithoutPortsCanNeverMatch() {
        assertEquals(C + ": ports only match tcp and udp packets, but protocol is icmp: remove the port keys or add protocol=tcp "
                + "or protocol=udp", error("protocol=icmp", "dport=80"));
    }

    @Test
    void portsWithTcpOrUdpAmongTheProtocolsAreFine() throws Exception {
        assertEquals(1, rules("protocol=icmp,tcp", "dport=80").dstPorts().size());
    }

    // ---- the factory (-a items: the CLI's short-form tests, TraceCommandOptionsTest) ----------------

    @Test
    void theFilterTestsAndOffersTheSameRulesToTheKernel() throws Exception {
        FiveTupleFilterFactory f = new FiveTupleFilterFactory();
        assertEquals("fivetuple", f.type());
        TupleRules r = f.configure(Options.parse(C, List.of("src=198.18.1.2", "dport=80", "protocol=tcp")));
        io.pkttrace.api.Filter filter = f.create(r);
        assertEquals(Optional.of(r), filter.kernelRules());
        assertTrue(filter.test(packet(6, "198.18.1.2", 40000, "198.18.2.2", 80)));
        assertFalse(filter.test(packet(17, "198.18.1.2", 40000, "198.18.2.2", 80)));
        assertFalse(filter.test(packet(6, "198.18.1.3", 40000, "198.18.2.2", 80)));
        assertFalse(filter.test(new PacketEvent()), "an event without an IP header does not match address rules");
        assertTrue(f.options().keys().containsAll(List.of("src", "dest", "protocol", "sport", "dport", "either", "port", "reply")));
    }
}
