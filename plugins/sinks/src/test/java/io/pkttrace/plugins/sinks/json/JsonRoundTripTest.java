package io.pkttrace.plugins.sinks.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.jsonl.JsonlEventReader;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the json sink writes, the jsonl module's JsonlEventReader reads back into equal events (pkttrace replay). */
class JsonRoundTripTest {
    private static final String[] ODD = {"eth0", "we\"ird", "back\\slash", "ctl\u0001\n\t", "é✓", "veth-3f2a@if7", ""};

    /** Random events shaped as probes make them: fields only where the protocol has them. */
    static PacketEvent random(Random r, int i) {
        PacketEvent e = new PacketEvent().timestampNs(1_000_000_000L + i * 1_337L).cpu(r.nextInt(4))
                .hook(new String[] {"tx", "rx", "drop", "consume", "ip_rcv\"x"}[r.nextInt(5)]).probe("netpath")
                .pid(r.nextInt(100_000)).length(r.nextInt(65_536));
        if (r.nextInt(10) > 0) {
            e.packetId(r.nextLong());
        }
        if (r.nextBoolean()) {
            e.netnsInode(4026531840L + r.nextInt(1000)).ifindex(1 + r.nextInt(50)).ifname(ODD[r.nextInt(ODD.length)]);
        }
        if (r.nextInt(3) == 0) {
            e.netnsName(ODD[r.nextInt(ODD.length)]);
        }
        if (r.nextInt(4) == 0) {
            e.socketInode(1 + r.nextInt(1_000_000));
        }
        int kind = r.nextInt(5);
        if (kind > 0) {
            boolean v6 = r.nextBoolean();
            byte[] s = new byte[v6 ? 16 : 4];
            byte[] d = new byte[v6 ? 16 : 4];
            r.nextBytes(s);
            r.nextBytes(d);
            if (v6 && r.nextBoolean()) {
                Arrays.fill(s, 2, 14, (byte) 0); // zero runs
            }
            if (v6 && r.nextInt(10) == 0) {
                Arrays.fill(d, 0, 10, (byte) 0); // IPv4-mapped
                d[10] = (byte) 0xff;
                d[11] = (byte) 0xff;
            }
            e.family(v6 ? 6 : 4).src(s).dst(d);
            switch (kind) {
                case 1 -> e.protocol(PacketEvent.PROTO_TCP).srcPort(r.nextInt(65_536)).dstPort(r.nextInt(65_536));
                case 2 -> e.protocol(PacketEvent.PROTO_UDP).srcPort(r.nextInt(65_536)).dstPort(r.nextInt(65_536));
                case 3 -> {
                    e.protocol(v6 ? PacketEvent.PROTO_ICMPV6 : PacketEvent.PROTO_ICMP).icmpType(r.nextInt(256)).icmpCode(r.nextInt(256));
                    if (e.isEchoRequest() || e.isEchoReply() || r.nextBoolean()) {
                        e.icmpType(v6 ? 128 : 8).icmpId(r.nextInt(65_536)).icmpSeq(r.nextInt(65_536));
                    }
                }
                default -> e.protocol(r.nextInt(2) == 0 ? 47 : 132);
            }
        }
        if (r.nextInt(5) == 0) {
            e.returnValue(r.nextLong());
        }
        if (r.nextInt(5) == 0) {
            e.netfilter("filter", ODD[r.nextInt(ODD.length)], "DROP").nfFamily(r.nextBoolean() ? "ip6" : "inet");
            switch (r.nextInt(3)) {
                case 0 -> e.nfPolicy(true);
                case 1 -> e.nfTarget(ODD[r.nextInt(ODD.length)]).nfRule(r.nextInt(1000), "jump " + ODD[r.nextInt(ODD.length)], false);
                default -> e.nfRule(r.nextInt(1 << 20), "meta l4proto { 6, 17 } th dport 53 counter drop \"x\"", r.nextBoolean());
            }
        }
        if (r.nextInt(5) == 0) {
            e.drop(r.nextInt(120), r.nextBoolean() ? "NETFILTER_DROP" : null);
        }
        if (r.nextInt(4) == 0) {
            callFields(r, e);
        }
        if (r.nextInt(3) == 0) { // what a pcapng sink asked the probe for
            byte[] b = new byte[1 + r.nextInt(PacketEvent.MAX_PACKET_BYTES)];
            r.nextBytes(b);
            e.packetBytes(b, 0, b.length);
        }
        return e;
    }

    /** What function-call probes add: call side and depth, duration, return name, parent, outer header, attributes. */
    private static void callFields(Random r, PacketEvent e) {
        int phase = 1 + r.nextInt(3);
        e.call(phase, r.nextInt(40));
        if (phase == PacketEvent.CALL_RETURN) {
            e.durationNs(r.nextInt(1_000_000));
            if (r.nextBoolean()) {
                e.returnValueName(r.nextBoolean() ? "FLOW_HOLD" : ODD[r.nextInt(ODD.length)]);
            }
        }
        if (r.nextBoolean()) {
            e.parentPacketId(r.nextLong());
        }
        if (r.nextBoolean()) {
            boolean v6 = r.nextInt(4) == 0;
            byte[] a = new byte[v6 ? 16 : 4];
            r.nextBytes(a);
            System.arraycopy(a, 0, e.outerSrcBytes(), 0, a.length);
            r.nextBytes(a);
            System.arraycopy(a, 0, e.outerDstBytes(), 0, a.length);
            e.outerFamily(v6 ? 6 : 4).outerProtocol(r.nextBoolean() ? 17 : 47);
            if (e.outerProtocol() == 17) {
                e.outerPorts(1 + r.nextInt(65_535), 6635);
            }
            e.encap(e.outerProtocol() == 17 ? "mpls-udp" : "mpls-gre");
        }
        int attrs = r.nextInt(6);
        for (int i = 0; i < attrs; i++) {
            switch (r.nextInt(5)) {
                case 0 -> e.attr("vif", PacketEvent.AttrKind.NUMBER, r.nextInt(4096) - 1);
                case 1 -> e.attr("vp_flags", PacketEvent.AttrKind.HEX, r.nextInt(65_536));
                case 2 -> e.attr("eth_src", PacketEvent.AttrKind.MAC, r.nextLong() & 0xffffffffffffL);
                case 3 -> e.attr("arp_spa", PacketEvent.AttrKind.IPV4, r.nextLong() & 0xffffffffL);
                default -> e.attr("vp_type", ODD[r.nextInt(ODD.length)]);
            }
        }
    }

    static void assertSameEvent(PacketEvent a, PacketEvent b) {
        String m = a.toString();
        assertEquals(a.timestampNs(), b.timestampNs(), m);
        assertEquals(a.cpu(), b.cpu(), m);
        assertEquals(a.hook(), b.hook(), m);
        assertEquals(a.probe(), b.probe(), m);
        assertEquals(a.packetId(), b.packetId(), m);
        assertEquals(a.netnsInode(), b.netnsInode(), m);
        assertEquals(a.netnsName(), b.netnsName(), m);
        assertEquals(a.ifindex(), b.ifindex(), m);
        assertEquals(a.ifname(), b.ifname(), m);
        assertEquals(a.pid(), b.pid(), m);
        assertEquals(a.length(), b.length(), m);
        assertEquals(a.socketInode(), b.socketInode(), m);
        assertEquals(a.family(), b.family(), m);
        int n = a.family() == PacketEvent.FAMILY_IPV4 ? 4 : 16;
        assertArrayEquals(Arrays.copyOf(a.srcBytes(), n), Arrays.copyOf(b.srcBytes(), n), m);
        assertArrayEquals(Arrays.copyOf(a.dstBytes(), n), Arrays.copyOf(b.dstBytes(), n), m);
        assertEquals(a.protocol(), b.protocol(), m);
        assertEquals(a.srcPort(), b.srcPort(), m);
        assertEquals(a.dstPort(), b.dstPort(), m);
        assertEquals(a.icmpType(), b.icmpType(), m);
        assertEquals(a.icmpCode(), b.icmpCode(), m);
        assertEquals(a.icmpId(), b.icmpId(), m);
        assertEquals(a.icmpSeq(), b.icmpSeq(), m);
        assertEquals(a.hasReturnValue(), b.hasReturnValue(), m);
        assertEquals(a.returnValue(), b.returnValue(), m);
        assertEquals(a.nfTable(), b.nfTable(), m);
        assertEquals(a.nfChain(), b.nfChain(), m);
        assertEquals(a.nfVerdict(), b.nfVerdict(), m);
        assertEquals(a.nfFamily(), b.nfFamily(), m);
        assertEquals(a.nfTarget(), b.nfTarget(), m);
        assertEquals(a.nfPolicy(), b.nfPolicy(), m);
        assertEquals(a.nfRuleHandle(), b.nfRuleHandle(), m);
        assertEquals(a.nfRule(), b.nfRule(), m);
        assertEquals(a.nfRuleStale(), b.nfRuleStale(), m);
        assertEquals(a.dropReason(), b.dropReason(), m);
        assertEquals(a.dropReasonName(), b.dropReasonName(), m);
        assertEquals(a.call(), b.call(), m);
        assertEquals(a.callDepth(), b.callDepth(), m);
        assertEquals(a.durationNs(), b.durationNs(), m);
        assertEquals(a.returnValueName(), b.returnValueName(), m);
        assertEquals(a.parentPacketId(), b.parentPacketId(), m);
        assertEquals(a.outerFamily(), b.outerFamily(), m);
        int o = a.outerFamily() == PacketEvent.FAMILY_IPV4 ? 4 : 16;
        assertArrayEquals(Arrays.copyOf(a.outerSrcBytes(), o), Arrays.copyOf(b.outerSrcBytes(), o), m);
        assertArrayEquals(Arrays.copyOf(a.outerDstBytes(), o), Arrays.copyOf(b.outerDstBytes(), o), m);
        assertEquals(a.outerProtocol(), b.outerProtocol(), m);
        assertEquals(a.packetBytesLength(), b.packetBytesLength(), m);
        if (a.packetBytesLength() > 0) {
            assertArrayEquals(Arrays.copyOf(a.packetBytes(), a.packetBytesLength()), Arrays.copyOf(b.packetBytes(), b.packetBytesLength()), m);
        }
        assertEquals(a.outerSrcPort(), b.outerSrcPort(), m);
        assertEquals(a.outerDstPort(), b.outerDstPort(), m);
        assertEquals(a.encap(), b.encap(), m);
        assertEquals(a.attrCount(), b.attrCount(), m);
        for (int i = 0; i < a.attrCount(); i++) {
            assertEquals(a.attrName(i), b.attrName(i), m);
            assertEquals(a.formatAttr(i), b.formatAttr(i), m);
        }
    }

    private static String write(List<PacketEvent> events, Long offset, boolean summary) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonSink s = new JsonSink(new JsonConfig(OutputTarget.stdout("sink json"), summary, offset), bytes);
        s.start();
        for (PacketEvent e : events) {
            s.accept(e);
        }
        s.flush();
        s.finish(new RunStats(0, events.size(), 0, 0, 0, events.size()));
        s.close();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyFieldSurvivesWriteAndReadAndRewritingIsByteIdentical() throws Exception {
        Random r = new Random(2024);
        List<PacketEvent> events = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            events.add(random(r, i));
        }
        String text = write(events, null, true);
        List<PacketEvent> back = new ArrayList<>();
        long offset;
        try (JsonlEventReader reader = new JsonlEventReader(new StringReader(text), "mem.jsonl")) {
            PacketEvent e = new PacketEvent();
            while (reader.next(e)) {
                back.add(e.copy());
            }
            assertEquals(1, reader.skipped(), "the summary object is not an event");
            assertEquals(null, reader.truncatedTail());
            assertTrue(reader.clockOffsetNs().isPresent());
            offset = reader.clockOffsetNs().getAsLong();
        }
        assertEquals(events.size(), back.size());
        for (int i = 0; i < events.size(); i++) {
            assertSameEvent(events.get(i), back.get(i));
        }
        // Replaying into the json sink with the recording's clock offset reproduces the file exactly.
        String again = write(back, offset, false);
        String eventsOnly = text.substring(0, text.lastIndexOf("{\"v\":1,\"type\":\"summary\""));
        assertEquals(eventsOnly, again);
        assertFalse(again.contains("summary"));
    }
}
