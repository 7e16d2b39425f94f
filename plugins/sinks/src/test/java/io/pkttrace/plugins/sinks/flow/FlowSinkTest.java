package io.pkttrace.plugins.sinks.flow;

import static io.pkttrace.plugins.sinks.TestEvents.at;
import static io.pkttrace.plugins.sinks.TestEvents.echo;
import static io.pkttrace.plugins.sinks.TestEvents.ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The flow sink over scripted events. Time is event time, so the tests control the clock through
 * the events' timestamps: 1 ms = 1 000 000 ns.
 */
class FlowSinkTest {
    static final long MS = 1_000_000L;
    static final long CLIENT = 4026532281L;
    static final long ROUTER = 4026532350L;
    static final long SERVER = 4026532419L;
    static final long REQ = 0xffff888004a1c000L;
    static final long REP = 0xffff888004a1d100L;

    private final StringWriter out = new StringWriter();

    private FlowSink sink(long idleMs, int maxPackets, int maxHops) throws Exception {
        FlowSink s = new FlowSink(new FlowConfig(OutputTarget.stdout("sink flow"), idleMs, maxPackets, maxHops), out);
        s.start();
        return s;
    }

    private FlowSink sink() throws Exception {
        return sink(1000, 10_000, 64);
    }

    private static PacketEvent req(long ts, long ns, String nsName, String ifname, String hook) {
        return echo(at(ts, REQ, ns, nsName, ifname, hook), "198.18.1.2", "198.18.2.2", true, 7, 1);
    }

    private static PacketEvent rep(long ts, long ns, String nsName, String ifname, String hook) {
        return echo(at(ts, REP, ns, nsName, ifname, hook), "198.18.2.2", "198.18.1.2", false, 7, 1);
    }

    /** The request's path through the demo topology, starting at t0 (ns). */
    private static void requestPath(FlowSink s, long t0) {
        s.accept(req(t0, CLIENT, "client", "eth0", "tx"));
        s.accept(req(t0 + 14_200, ROUTER, "router", "r0", "rx"));
        s.accept(req(t0 + 20_500, ROUTER, "router", "r1", "tx"));
        s.accept(req(t0 + 41_900, SERVER, "server", "eth0", "rx"));
    }

    @Test
    void groupsOnePacketsHopsAcrossNamespacesAndPrintsItWhenConsumed() throws Exception {
        FlowSink s = sink();
        requestPath(s, 1000 * MS);
        s.flush();
        assertEquals("", out.toString(), "not finished yet");
        s.accept(req(1000 * MS + 52_000, SERVER, "server", null, "consume"));
        s.flush();
        assertEquals("""
                #1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 5 hops in 52.0 µs, consumed
                     +0.0 µs  [4026532281 (client)]  eth0  tx
                    +14.2 µs  [4026532350 (router)]  r0    rx
                     +6.3 µs  [4026532350 (router)]  r1    tx
                    +21.4 µs  [4026532419 (server)]  eth0  rx
                    +10.1 µs  [4026532419 (server)]  -     consume
                """, out.toString());
    }

    @Test
    void aDropEndsThePacketWithItsReason() throws Exception {
        FlowSink s = sink();
        s.accept(req(0, CLIENT, "client", "eth0", "tx"));
        s.accept(req(3_000, ROUTER, "router", "r0", "rx"));
        s.accept(req(9_000, ROUTER, "router", null, "drop").drop(12, "NETFILTER_DROP"));
        s.flush();
        assertEquals("""
                #1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 3 hops in 9.0 µs, dropped NETFILTER_DROP
                     +0.0 µs  [4026532281 (client)]  eth0  tx
                     +3.0 µs  [4026532350 (router)]  r0    rx
                     +6.0 µs  [4026532350 (router)]  -     drop  reason NETFILTER_DROP
                """, out.toString());
    }

    @Test
    void replyIsPairedWithItsRequestWhicheverIsPrintedFirst() throws Exception {
        FlowSink s = sink();
        requestPath(s, 0);
        s.accept(rep(60_000, SERVER, "server", "eth0", "tx"));
        s.accept(rep(70_000, ROUTER, "router", "r1", "rx"));
        s.accept(rep(75_000, ROUTER, "router", "r0", "tx"));
        s.accept(rep(90_000, CLIENT, "client", "eth0", "rx"));
        s.accept(rep(95_000, CLIENT, "client", null, "drop").drop(3, "NO_SOCKET"));
        s.flush();
        // The reply ended (freed) first; the request's end was not traced: it is printed at exit.
        assertTrue(out.toString().startsWith(
                "#2 reply 198.18.2.2 -> 198.18.1.2 id 7 seq 1: 5 hops in 35.0 µs, dropped NO_SOCKET; reply to #1 after 60.0 µs\n"),
                out.toString());
        s.finish(new RunStats(0, 9, 0, 0, 0, 9));
        String text = out.toString();
        assertTrue(text.contains("\n#1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 4 hops in 41.9 µs, in flight at exit; answered by #2\n"), text);
        assertTrue(text.endsWith("flow: 2 packets, 1 reply paired with a request, 0 evicted\n"), text);
    }

    @Test
    void ipv6EchoIsPairedToo() throws Exception {
        FlowSink s = sink();
        s.accept(echo(at(0, 1, CLIENT, null, "eth0", "tx"), "2001:db8:1::2", "2001:db8:2::2", true, 9, 4));
        s.accept(echo(at(10, 2, CLIENT, null, "eth0", "rx"), "2001:db8:2::2", "2001:db8:1::2", false, 9, 4));
        s.accept(echo(at(20, 3, CLIENT, null, "eth0", "rx"), "2001:db8:2::2", "2001:db8:1::2", false, 9, 5));
        s.finish(new RunStats(0, 3, 0, 0, 0, 3));
        String text = out.toString();
        assertTrue(text.contains("#2 reply 2001:db8:2::2 -> 2001:db8:1::2 id 9 seq 4: 1 hop, in flight at exit; reply to #1 after 0.0 µs\n"), text);
        assertTrue(text.contains("#3 reply 2001:db8:2::2 -> 2001:db8:1::2 id 9 seq 5: 1 hop, in flight at exit\n"),
                "another sequence number answers nothing: " + text);
    }

    @Test
    void aReplyPairsWithTheBufferOfItsRequestThatWentFurthest() throws Exception {
        // As seen for the first IPv6 ping: copies of the request with the same tuple in other buffers
        // (one queued for neighbour discovery, consumed where it waited).
        String c = "2001:db8:1::2";
        String srv = "2001:db8:2::2";
        FlowSink s = sink();
        s.accept(echo(at(0, 1, CLIENT, null, "eth0", "consume"), c, srv, true, 5, 1));
        s.accept(echo(at(10, 2, CLIENT, null, "eth0", "tx"), c, srv, true, 5, 1));
        s.accept(echo(at(20, 2, ROUTER, null, "r0", "rx"), c, srv, true, 5, 1));
        s.accept(echo(at(30, 3, ROUTER, null, "r1", "consume"), c, srv, true, 5, 1));
        s.accept(echo(at(40, 2, ROUTER, null, "r1", "tx"), c, srv, true, 5, 1));
        s.accept(echo(at(50, 2, SERVER, null, "eth0", "rx"), c, srv, true, 5, 1));
        s.accept(echo(at(60, 4, SERVER, null, "eth0", "tx"), srv, c, false, 5, 1));
        s.accept(echo(at(70, 4, CLIENT, null, "eth0", "drop"), srv, c, false, 5, 1).drop(3, "NO_SOCKET"));
        s.accept(echo(at(80, 5, CLIENT, null, null, "consume"), srv, c, false, 5, 1)); // the socket's clone
        s.finish(new RunStats(0, 9, 0, 0, 0, 9));
        String text = out.toString();
        assertTrue(text.contains("#4 reply 2001:db8:2::2 -> 2001:db8:1::2 id 5 seq 1: 2 hops in 0.0 µs, dropped NO_SOCKET;"
                + " reply to #2 after 0.1 µs\n"), text);
        assertTrue(text.contains("#5 reply 2001:db8:2::2 -> 2001:db8:1::2 id 5 seq 1: 1 hop, consumed; reply to #2 after 0.1 µs\n"),
                "every buffer of the reply names the same request: " + text);
        assertTrue(text.contains("#2 request 2001:db8:1::2 -> 2001:db8:2::2 id 5 seq 1: 4 hops in 0.0 µs, in flight at exit; answered by #4\n"), text);
        assertTrue(text.endsWith("flow: 5 packets, 2 replies paired with a request, 0 evicted\n"), text);
    }

    @Test
    void tcpAndUdpPairByReversedTupleAlternately() throws Exception {
        FlowSink s = sink();
        s.accept(ports(at(0, 11, CLIENT, null, "eth0", "tx"), 6, "198.18.1.2", 40000, "198.18.2.2", 80));     // SYN
        s.accept(ports(at(10, 12, CLIENT, null, "eth0", "rx"), 6, "198.18.2.2", 80, "198.18.1.2", 40000));    // SYN-ACK
        s.accept(ports(at(20, 13, CLIENT, null, "eth0", "tx"), 6, "198.18.1.2", 40000, "198.18.2.2", 80));    // ACK
        s.accept(ports(at(30, 14, CLIENT, null, "eth0", "tx"), 17, "198.18.1.2", 5353, "198.18.2.2", 53));    // query
        s.accept(ports(at(40, 15, CLIENT, null, "eth0", "rx"), 17, "198.18.2.2", 53, "198.18.1.2", 5354));    // other port
        s.accept(ports(at(50, 16, CLIENT, null, "eth0", "rx"), 17, "198.18.2.2", 53, "198.18.1.2", 5353));    // response
        s.finish(new RunStats(0, 6, 0, 0, 0, 6));
        String text = out.toString();
        assertTrue(text.contains("#2 tcp 198.18.2.2:80 -> 198.18.1.2:40000: 1 hop, in flight at exit; reply to #1 after 0.0 µs\n"), text);
        assertTrue(text.contains("#3 tcp 198.18.1.2:40000 -> 198.18.2.2:80: 1 hop, in flight at exit\n"), text);
        assertTrue(text.contains("#5 udp 198.18.2.2:53 -> 198.18.1.2:5354: 1 hop, in flight at exit\n"), text);
        assertTrue(text.contains("#6 udp 198.18.2.2:53 -> 198.18.1.2:5353: 1 hop, in flight at exit; reply to #4 after 0.0 µs\n"), text);
        assertTrue(text.endsWith("flow: 6 packets, 2 replies paired with a request, 0 evicted\n"), text);
    }

    @Test
    void everySegmentOfAResponseAnswersTheRequestBeforeIt() throws Exception {
        FlowSink s = sink();
        s.accept(ports(at(0, 21, CLIENT, null, "eth0", "tx"), 6, "198.18.1.2", 40000, "198.18.2.2", 80));  // GET
        s.accept(ports(at(10, 22, CLIENT, null, "eth0", "rx"), 6, "198.18.2.2", 80, "198.18.1.2", 40000)); // response 1/2
        s.accept(ports(at(20, 23, CLIENT, null, "eth0", "rx"), 6, "198.18.2.2", 80, "198.18.1.2", 40000)); // response 2/2
        s.accept(ports(at(30, 24, CLIENT, null, "eth0", "tx"), 6, "198.18.1.2", 40000, "198.18.2.2", 80)); // next request
        s.accept(ports(at(40, 25, CLIENT, null, "eth0", "rx"), 6, "198.18.2.2", 80, "198.18.1.2", 40000)); // its response
        s.finish(new RunStats(0, 5, 0, 0, 0, 5));
        String text = out.toString();
        assertTrue(text.contains("#2 tcp 198.18.2.2:80 -> 198.18.1.2:40000: 1 hop, in flight at exit; reply to #1 after 0.0 µs\n"), text);
        assertTrue(text.contains("#3 tcp 198.18.2.2:80 -> 198.18.1.2:40000: 1 hop, in flight at exit; reply to #1 after 0.0 µs\n"), text);
        assertTrue(text.contains("#5 tcp 198.18.2.2:80 -> 198.18.1.2:40000: 1 hop, in flight at exit; reply to #4 after 0.0 µs\n"), text);
        assertTrue(text.contains("#1 tcp 198.18.1.2:40000 -> 198.18.2.2:80: 1 hop, in flight at exit; answered by #2\n"), text);
    }

    @Test
    void theLiveEnginesIdleTickEndsPacketsWithoutFurtherEvents() throws Exception {
        FlowSink s = sink(1000, 10_000, 64);
        requestPath(s, 5000 * MS);
        s.tick(5500 * MS);
        assertEquals("", out.toString(), "half of idle-ms later the packet is still open");
        s.tick(4000 * MS); // a clock never goes back
        s.tick(6000 * MS + 41_901);
        assertTrue(out.toString().startsWith("#1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 4 hops in 41.9 µs, idle"),
                out.toString());
    }

    @Test
    void idlePacketsEndAfterIdleMsOfEventTime() throws Exception {
        FlowSink s = sink(1000, 10_000, 64);
        s.accept(req(0, CLIENT, "client", "eth0", "tx"));
        s.accept(ports(at(500 * MS, 99, CLIENT, null, "eth0", "tx"), 17, "198.18.1.2", 1, "198.18.2.2", 2));
        s.flush();
        assertEquals("", out.toString());
        s.accept(ports(at(1000 * MS, 98, CLIENT, null, "eth0", "tx"), 17, "198.18.1.2", 1, "198.18.2.2", 3));
        s.flush();
        assertEquals("", out.toString(), "exactly idle-ms is not yet idle");
        s.accept(ports(at(1000 * MS + 1, 97, CLIENT, null, "eth0", "tx"), 17, "198.18.1.2", 1, "198.18.2.2", 4));
        assertEquals("#1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 1 hop, idle, end not seen\n"
                + "     +0.0 µs  [4026532281 (client)]  eth0  tx\n", out.toString().replace("\r", ""));
    }

    @Test
    void theSameIdAfterAnIdleGapIsANewPacket() throws Exception {
        FlowSink s = sink(1000, 10_000, 64);
        s.accept(req(0, CLIENT, "client", "eth0", "tx"));
        s.accept(req(2000 * MS, CLIENT, "client", "eth0", "tx"));
        s.finish(new RunStats(0, 2, 0, 0, 0, 2));
        assertTrue(out.toString().startsWith("#1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 1 hop, idle, end not seen\n"), out.toString());
        assertTrue(out.toString().contains("#2 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 1 hop, in flight at exit\n"), out.toString());
    }

    @Test
    void aReusedIdWithAnotherTupleStartsANewPacket() throws Exception {
        FlowSink s = sink();
        s.accept(req(0, CLIENT, "client", "eth0", "tx"));
        s.accept(req(10, ROUTER, "router", "r0", "rx"));
        // Same skb address, next echo: the first buffer was freed unseen (no consume hook).
        s.accept(echo(at(20, REQ, CLIENT, "client", "eth0", "tx"), "198.18.1.2", "198.18.2.2", true, 7, 2));
        // An event without an IP header joins the current packet instead of splitting it.
        s.accept(at(30, REQ, ROUTER, "router", "r0", "rx"));
        s.flush();
        assertEquals("""
                #1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 2 hops in 0.0 µs, end not seen, its buffer was reused
                     +0.0 µs  [4026532281 (client)]  eth0  tx
                     +0.0 µs  [4026532350 (router)]  r0    rx
                """, out.toString());
        s.finish(new RunStats(0, 4, 0, 0, 0, 4));
        assertTrue(out.toString().contains("#2 request 198.18.1.2 -> 198.18.2.2 id 7 seq 2: 2 hops in 0.0 µs, in flight at exit\n"),
                out.toString());
    }

    @Test
    void aReusedIdWithTheSameTupleIsNoticedWhenItCrossesADeviceAgain() throws Exception {
        // TCP frees coalesced segments without a consume event; the next segment may reuse the buffer.
        FlowSink s = sink();
        s.accept(ports(at(0, 7, SERVER, "server", "eth0", "tx"), 6, "198.18.2.2", 8080, "198.18.1.2", 39066));
        s.accept(ports(at(10, 7, ROUTER, "router", "r1", "rx"), 6, "198.18.2.2", 8080, "198.18.1.2", 39066));
        s.accept(ports(at(1000, 7, SERVER, "server", "eth0", "tx"), 6, "198.18.2.2", 8080, "198.18.1.2", 39066));
        s.accept(ports(at(1010, 7, ROUTER, "router", "r1", "rx"), 6, "198.18.2.2", 8080, "198.18.1.2", 39066));
        s.flush();
        assertEquals("""
                #1 tcp 198.18.2.2:8080 -> 198.18.1.2:39066: 2 hops in 0.0 µs, end not seen, its buffer was reused
                     +0.0 µs  [4026532419 (server)]  eth0  tx
                     +0.0 µs  [4026532350 (router)]  r1    rx
                """, out.toString());
    }

    @Test
    void aFreeBelongsToTheCurrentPacketWhateverHeadersItShows() throws Exception {
        FlowSink s = sink();
        s.accept(req(0, CLIENT, "client", "eth0", "tx"));
        // Seen on 6.x: consume_skb of a buffer whose headers are already gone.
        s.accept(at(10, REQ, CLIENT, null, null, "consume").family(4).src(new byte[4]).dst(new byte[] {2, 0, 0, 0}));
        s.accept(at(20, 0, CLIENT, null, null, null)); // no id, no hook
        s.flush();
        assertEquals("""
                #1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 2 hops in 0.0 µs, consumed
                     +0.0 µs  [4026532281 (client)]  eth0  tx
                     +0.0 µs  [4026532281]           -     consume
                #2 non-IP packet: 1 hop, no packet id, not grouped
                     +0.0 µs  [4026532281]  -  -
                """, out.toString());
    }

    @Test
    void theCapEvictsTheLeastRecentlyActiveAndCountsIt() throws Exception {
        FlowSink s = sink(1000, 2, 64);
        s.accept(echo(at(0, 1, CLIENT, null, "eth0", "tx"), "198.18.1.2", "198.18.2.2", true, 1, 1));
        s.accept(echo(at(1, 2, CLIENT, null, "eth0", "tx"), "198.18.1.2", "198.18.2.2", true, 1, 2));
        s.accept(echo(at(2, 1, ROUTER, null, "r0", "rx"), "198.18.1.2", "198.18.2.2", true, 1, 1)); // #1 active again
        s.accept(echo(at(3, 3, CLIENT, null, "eth0", "tx"), "198.18.1.2", "198.18.2.2", true, 1, 3)); // evicts #2
        s.flush();
        assertEquals("#2 request 198.18.1.2 -> 198.18.2.2 id 1 seq 2: 1 hop, INCOMPLETE: evicted by max-packets\n"
                + "     +0.0 µs  [4026532281]  eth0  tx\n", out.toString());
        assertEquals(1, s.evicted());
        s.finish(new RunStats(0, 4, 0, 0, 0, 4));
        String text = out.toString();
        assertTrue(text.endsWith("flow: 3 packets, 0 replies paired with a request, 1 evicted\n"
                + "flow: WARNING: 1 packets were evicted before they ended (max-packets=2): their paths are incomplete;"
                + " raise max-packets or lower idle-ms\n"), text);
        assertTrue(text.indexOf("#1 request") < text.indexOf("#3 request"), "pending packets in order at exit: " + text);
    }

    @Test
    void hopsBeyondMaxHopsAreCounted() throws Exception {
        FlowSink s = sink(1000, 10, 2);
        for (int i = 0; i < 5; i++) {
            s.accept(req(i * 1000, CLIENT, "client", "eth0", "fn" + i)); // e.g. traced functions
        }
        s.finish(new RunStats(0, 5, 0, 0, 0, 5));
        assertTrue(out.toString().startsWith("""
                #1 request 198.18.1.2 -> 198.18.2.2 id 7 seq 1: 5 hops in 4.0 µs, in flight at exit
                     +0.0 µs  [4026532281 (client)]  eth0  fn0
                     +1.0 µs  [4026532281 (client)]  eth0  fn1
                  ... 3 more hops not kept (max-hops)
                """), out.toString());
    }

    @Test
    void eventsWithoutPacketIdAreSinglePackets() throws Exception {
        FlowSink s = sink();
        s.accept(at(5, 0, CLIENT, null, "lo", "tx"));
        assertEquals("#1 non-IP packet: 1 hop, no packet id, not grouped\n     +0.0 µs  [4026532281]  lo  tx\n", out.toString());
    }

    @Test
    void hopsArePrintedInTimeOrderEvenIfTheyArrivedOutOfOrder() throws Exception {
        FlowSink s = sink();
        s.accept(req(0, CLIENT, "client", "eth0", "tx"));
        s.accept(req(30, ROUTER, "router", "r1", "tx"));
        s.accept(req(20, ROUTER, "router", "r0", "rx")); // another CPU's event, read later
        s.finish(new RunStats(0, 3, 0, 0, 0, 3));
        String text = out.toString();
        assertTrue(text.indexOf(" r0 ") < text.indexOf(" r1 "), text);
    }

    @Test
    void factoryOptionsAndDefaults() throws Exception {
        FlowSinkFactory f = new FlowSinkFactory();
        FlowConfig d = f.configure(Options.empty("sink flow"));
        assertEquals(1000, d.idleMs());
        assertEquals(10_000, d.maxPackets());
        assertEquals(64, d.maxHops());
        assertTrue(d.output().isStdout());
        FlowConfig c = f.configure(Options.parse("sink flow", List.of("idle-ms=50", "max-packets=3", "max-hops=9", "output=-")));
        assertEquals(50, c.idleMs());
        assertEquals(3, c.maxPackets());
        assertEquals(9, c.maxHops());
        assertEquals("sink flow: option 'max-packets' is out of range: 0: give a whole number between 1 and 10000000",
                assertThrows(ConfigException.class, () -> f.configure(Options.parse("sink flow", List.of("max-packets=0")))).userLine());
        assertEquals("sink flow: unknown option 'idle': valid options: idle-ms, max-hops, max-packets, output",
                assertThrows(ConfigException.class, () -> f.configure(Options.parse("sink flow", List.of("idle=5")))).userLine());
        assertFalse(f.options().options().isEmpty());
    }

    @Test
    void functionCallEventsEndWhenTheOutermostCallReturnsAndAreNotSplitByTupleChanges() throws Exception {
        FlowSink s = sink();
        s.accept(ports(at(0, 0x11, 0, null, "tap0", "vm_rx"), 17, "1.1.1.3", 10000, "1.1.1.5", 80).call(PacketEvent.CALL_ENTRY, 0));
        // NAT inside the datapath changes the tuple of the same packet: still one packet
        s.accept(ports(at(10, 0x11, 0, null, "tap0", "vr_flow_forward"), 17, "1.1.1.3", 20000, "9.9.9.9", 80)
                .call(PacketEvent.CALL_ENTRY, 1));
        s.accept(at(20, 0x11, 0, null, null, "vr_flow_forward").call(PacketEvent.CALL_RETURN, 1).durationNs(10_000)
                .returnValue(2).returnValueName("FLOW_HOLD"));
        assertEquals("", out.toString(), "not ended by a nested return");
        s.accept(at(30, 0x11, 0, null, null, "vm_rx").call(PacketEvent.CALL_RETURN, 0).durationNs(30_000).returnValue(0));
        String text = out.toString();
        assertTrue(text.startsWith("#1 udp 1.1.1.3:10000 -> 1.1.1.5:80: 4 hops in 0.0 µs, outermost call returned\n"), text);
        assertTrue(text.contains("vr_flow_forward  ret 2 FLOW_HOLD after 10.0 µs"), text);
    }
}
