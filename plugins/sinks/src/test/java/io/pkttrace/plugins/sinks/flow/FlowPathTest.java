package io.pkttrace.plugins.sinks.flow;

import static io.pkttrace.plugins.sinks.TestEvents.at;
import static io.pkttrace.plugins.sinks.TestEvents.echo;
import static io.pkttrace.plugins.sinks.TestEvents.ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A packet is its buffer: the flow sink follows one skb through NAT, encapsulation and
 * decapsulation, and splits a buffer's events into two packets only where one packet could not have
 * made them. Scripted after what the kernel showed on 6.18 (masquerade on a router, VXLAN over a veth
 * underlay, buffers reused across devices).
 */
class FlowPathTest {
    static final long CLIENT = 4026532281L;
    static final long ROUTER = 4026532350L;
    static final long SERVER = 4026532419L;
    static final long ID = 0xffff888172332c00L;

    private final StringWriter out = new StringWriter();
    private final FlowSink sink = new FlowSink(new FlowConfig(OutputTarget.stdout("sink flow"), 1000, 10_000, 64), out);

    /** An event at a device with its own ifindex. */
    static PacketEvent dev(long ts, long id, long ns, String nsName, String ifname, int ifindex, String hook) {
        return at(ts, id, ns, nsName, ifname, hook).ifindex(ifname == null ? 0 : ifindex);
    }

    private String finish() {
        sink.finish(new RunStats(0, 0, 0, 0, 0, 0));
        return out.toString();
    }

    @Test
    void aMasqueradedPingIsOnePacketEachWayWithTheRewriteShownAndTheReplyPaired() throws Exception {
        sink.start();
        // ptpathnat-c 198.18.81.2 -> router (masquerade on r1 as 198.18.82.1) -> ptpathnat-s 198.18.82.2
        sink.accept(echo(dev(0, ID, CLIENT, "c", "eth0", 2, "tx").socketInode(77), "198.18.81.2", "198.18.82.2", true, 4075, 1));
        sink.accept(echo(dev(12_400, ID, ROUTER, "r", "r0", 3, "rx").socketInode(77), "198.18.81.2", "198.18.82.2", true, 4075, 1));
        sink.accept(echo(dev(69_500, ID, ROUTER, "r", "r1", 4, "tx"), "198.18.82.1", "198.18.82.2", true, 4075, 1));
        sink.accept(echo(dev(71_900, ID, SERVER, "s", "eth0", 2, "rx"), "198.18.82.1", "198.18.82.2", true, 4075, 1));
        long rep = ID + 0x700;
        sink.accept(echo(dev(90_100, rep, SERVER, "s", "eth0", 2, "tx"), "198.18.82.2", "198.18.82.1", false, 4075, 1));
        sink.accept(echo(dev(94_100, rep, ROUTER, "r", "r1", 4, "rx"), "198.18.82.2", "198.18.82.1", false, 4075, 1));
        sink.accept(echo(dev(99_400, rep, ROUTER, "r", "r0", 3, "tx"), "198.18.82.2", "198.18.81.2", false, 4075, 1));
        sink.accept(echo(dev(100_700, rep, CLIENT, "c", "eth0", 2, "rx"), "198.18.82.2", "198.18.81.2", false, 4075, 1));
        assertEquals("""
                #1 request 198.18.81.2 -> 198.18.82.2 id 4075 seq 1: 4 hops in 71.9 µs, in flight at exit; answered by #2
                     +0.0 µs  [4026532281 (c)]  eth0  tx
                    +12.4 µs  [4026532350 (r)]  r0    rx
                    +57.1 µs  [4026532350 (r)]  r1    tx  NAT: request 198.18.82.1 -> 198.18.82.2 id 4075 seq 1
                     +2.4 µs  [4026532419 (s)]  eth0  rx
                #2 reply 198.18.82.2 -> 198.18.82.1 id 4075 seq 1: 4 hops in 10.6 µs, in flight at exit; reply to #1 after 90.1 µs
                     +0.0 µs  [4026532419 (s)]  eth0  tx
                     +4.0 µs  [4026532350 (r)]  r1    rx
                     +5.3 µs  [4026532350 (r)]  r0    tx  NAT: reply 198.18.82.2 -> 198.18.81.2 id 4075 seq 1
                     +1.3 µs  [4026532281 (c)]  eth0  rx
                flow: 2 packets, 1 reply paired with a request, 0 evicted
                """, finish());
    }

    @Test
    void masqueradeRewritingTheEchoIdAndPortsStillPairs() throws Exception {
        sink.start();
        sink.accept(ports(dev(0, ID, CLIENT, null, "eth0", 2, "tx").socketInode(5), 17, "198.18.81.2", 40000, "198.18.82.2", 53));
        sink.accept(ports(dev(10, ID, ROUTER, null, "r0", 3, "rx").socketInode(5), 17, "198.18.81.2", 40000, "198.18.82.2", 53));
        sink.accept(ports(dev(20, ID, ROUTER, null, "r1", 4, "tx"), 17, "198.18.82.1", 61000, "198.18.82.2", 53));
        // The reply is seen only after de-NAT (e.g. its first hops were filtered out): pairs with the original tuple.
        sink.accept(ports(dev(90, ID + 1, ROUTER, null, "r0", 3, "tx"), 17, "198.18.82.2", 53, "198.18.81.2", 40000));
        // Another reply seen only before de-NAT: pairs with the translated tuple.
        sink.accept(ports(dev(95, ID + 2, SERVER, null, "eth0", 2, "tx").socketInode(9), 17, "198.18.82.2", 53, "198.18.82.1", 61000));
        String text = finish();
        assertTrue(text.contains("#2 udp 198.18.82.2:53 -> 198.18.81.2:40000: 1 hop, in flight at exit; reply to #1"), text);
        assertTrue(text.contains("#3 udp 198.18.82.2:53 -> 198.18.82.1:61000: 1 hop, in flight at exit; reply to #1"), text);
        assertTrue(text.contains("NAT: udp 198.18.82.1:61000 -> 198.18.82.2:53"), text);
    }

    @Test
    void aVxlanTunnelledPingIsOnePacketInnerOuterInner() throws Exception {
        sink.start();
        long a = 4026532876L;
        long b = 4026532949L;
        sink.accept(echo(dev(0, ID, a, "a", "vx0", 3, "tx").socketInode(8), "198.18.86.1", "198.18.86.2", true, 5255, 1));
        sink.accept(ports(dev(10_700, ID, a, "a", "eth0", 2, "tx").socketInode(8), 17, "198.18.85.1", 45426, "198.18.85.2", 4789));
        sink.accept(ports(dev(17_000, ID, b, "b", "eth0", 2, "rx").socketInode(8), 17, "198.18.85.1", 45426, "198.18.85.2", 4789));
        sink.accept(echo(dev(29_900, ID, b, "b", "vx0", 3, "rx"), "198.18.86.1", "198.18.86.2", true, 5255, 1));
        sink.accept(echo(dev(42_100, ID, b, "b", "vx0", 3, "consume"), "198.18.86.1", "198.18.86.2", true, 5255, 1));
        assertEquals("""
                #1 request 198.18.86.1 -> 198.18.86.2 id 5255 seq 1: 5 hops in 42.1 µs, consumed
                     +0.0 µs  [4026532876 (a)]  vx0   tx
                    +10.7 µs  [4026532876 (a)]  eth0  tx       encapsulated: udp 198.18.85.1:45426 -> 198.18.85.2:4789
                     +6.3 µs  [4026532949 (b)]  eth0  rx
                    +12.9 µs  [4026532949 (b)]  vx0   rx       decapsulated: request 198.18.86.1 -> 198.18.86.2 id 5255 seq 1
                    +12.2 µs  [4026532949 (b)]  vx0   consume
                flow: 1 packet, 0 replies paired with a request, 0 evicted
                """, finish());
    }

    @Test
    void aReceiversRxIsNeverJoinedWithALaterTransmitInAnotherNamespace() throws Exception {
        // Seen on main: a buffer freed unseen after its receive on the server and reused by the client
        // for the next datagram of the same flow printed one path with the server's rx 411 µs before
        // the client's tx.
        sink.start();
        sink.accept(ports(dev(0, ID, SERVER, "s", "eth0", 2, "rx"), 17, "198.18.1.2", 4000, "198.18.2.2", 9));
        sink.accept(ports(dev(411_000, ID, CLIENT, "c", "eth0", 2, "tx"), 17, "198.18.1.2", 4000, "198.18.2.2", 9));
        sink.accept(ports(dev(420_000, ID, ROUTER, "r", "r0", 3, "rx"), 17, "198.18.1.2", 4000, "198.18.2.2", 9));
        String text = finish();
        assertTrue(text.startsWith("""
                #1 udp 198.18.1.2:4000 -> 198.18.2.2:9: 1 hop, end not seen, its buffer was reused
                     +0.0 µs  [4026532419 (s)]  eth0  rx
                #2 udp 198.18.1.2:4000 -> 198.18.2.2:9: 2 hops in 9.0 µs, in flight at exit
                """), text);
    }

    @Test
    void aSocketsTransmitAfterForwardedHopsIsANewPacket() throws Exception {
        sink.start();
        sink.accept(ports(dev(0, ID, ROUTER, "r", "r0", 3, "rx"), 6, "198.18.1.2", 4000, "198.18.2.2", 80));
        sink.accept(ports(dev(5, ID, ROUTER, "r", "r1", 4, "tx"), 6, "198.18.1.2", 4000, "198.18.2.2", 80));
        // The router's own socket sends in the same namespace, reusing the buffer.
        sink.accept(ports(dev(50, ID, ROUTER, "r", "r0", 3, "tx").socketInode(31), 6, "198.18.1.2", 4000, "198.18.2.2", 80));
        // Then another socket's packet in that buffer: a different owner.
        sink.accept(ports(dev(90, ID, CLIENT, "c", "eth0", 2, "tx").socketInode(40), 6, "198.18.1.2", 4001, "198.18.2.2", 80));
        sink.accept(ports(dev(95, ID, CLIENT, "c", "lo", 1, "tx").socketInode(41), 6, "198.18.1.2", 4001, "198.18.2.2", 80));
        String text = finish();
        assertTrue(text.startsWith("#1 tcp 198.18.1.2:4000 -> 198.18.2.2:80: 2 hops in 0.0 µs, end not seen, its buffer was reused\n"), text);
        assertTrue(text.contains("#2 tcp 198.18.1.2:4000 -> 198.18.2.2:80: 1 hop, end not seen, its buffer was reused\n"), text);
        assertTrue(text.contains("#3 tcp 198.18.1.2:4001 -> 198.18.2.2:80: 1 hop, end not seen, its buffer was reused\n"), text);
        assertTrue(text.contains("#4 tcp 198.18.1.2:4001 -> 198.18.2.2:80: 1 hop, in flight at exit\n"), text);
    }

    @Test
    void aReplyOrAnErrorInTheSameBufferIsANewPacketEvenFromTheKernel() throws Exception {
        sink.start();
        sink.accept(echo(dev(0, ID, SERVER, "s", "eth0", 2, "rx"), "198.18.1.2", "198.18.2.2", true, 3, 1));
        // The kernel's echo reply (no socket inode), same namespace, same device: looks like NAT but turns back.
        sink.accept(echo(dev(9, ID, SERVER, "s", "eth0", 2, "tx"), "198.18.2.2", "198.18.1.2", false, 3, 1));
        // An ICMP error about it from the router: another protocol kind, heading back as well.
        sink.accept(dev(20, ID, ROUTER, "r", "r0", 3, "tx").family(4).src(new byte[] {(byte) 198, 18, 1, 1})
                .dst(new byte[] {(byte) 198, 18, 1, 2}).protocol(1).icmpType(11).icmpCode(0));
        // A different protocol that no tunnel explains, after a receive in the same namespace.
        sink.accept(ports(dev(30, ID + 5, ROUTER, "r", "r0", 3, "rx"), 17, "198.18.1.2", 1, "198.18.3.3", 2));
        sink.accept(ports(dev(31, ID + 5, ROUTER, "r", "r1", 4, "tx"), 6, "198.18.1.2", 1, "198.18.3.3", 2));
        String text = finish();
        assertEquals(5, text.lines().filter(l -> l.startsWith("#")).count(), text);
        assertEquals(3, text.lines().filter(l -> l.contains("its buffer was reused")).count(), text);
        assertTrue(!text.contains("NAT") && !text.contains("encapsulated"), text);
    }

    @Test
    void aFreeShowingAnotherPacketsHeadersIsThatPacketsEnd() throws Exception {
        sink.start();
        sink.accept(echo(dev(0, ID, CLIENT, "c", "eth0", 2, "tx").socketInode(3), "198.18.1.2", "198.18.2.2", true, 3, 1));
        sink.accept(echo(dev(5, ID, ROUTER, "r", "r0", 3, "rx").socketInode(3), "198.18.1.2", "198.18.2.2", true, 3, 1));
        // The buffer was freed unseen and now carries a reply that is dropped at once.
        sink.accept(echo(dev(80, ID, CLIENT, "c", "eth0", 2, "drop"), "198.18.2.2", "198.18.1.2", false, 3, 1).drop(12, "NETFILTER_DROP"));
        String text = finish();
        assertTrue(text.startsWith("#1 request 198.18.1.2 -> 198.18.2.2 id 3 seq 1: 2 hops in 0.0 µs, end not seen, its buffer was reused\n"), text);
        assertTrue(text.contains("#2 reply 198.18.2.2 -> 198.18.1.2 id 3 seq 1: 1 hop, dropped NETFILTER_DROP; reply to #1"), text);
    }
}
