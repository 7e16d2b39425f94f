package io.pkttrace.plugins.sinks.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.sinks.TestEvents;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Ground truth for the flow sink's grouping: thousands of packets through client -- router -- server,
 * some masqueraded, many in flight at once, whose buffers are freed without a traced end and reused at
 * once by the next packet anywhere (as the slab allocator does), in both directions, by user sockets
 * and by the kernel. Each event carries its true packet's number (in its length field, which grouping
 * never reads). Every packet the tracker prints must be exactly one true packet, whole.
 */
class FlowReuseSimulationTest {
    static final long C = 101;
    static final long R = 102;
    static final long S = 103;

    /** A device crossing of the topology. */
    record Place(long ns, String ifname, int ifindex, String hook) {
    }

    static final Place C_TX = new Place(C, "eth0", 2, "tx");
    static final Place C_RX = new Place(C, "eth0", 2, "rx");
    static final Place R0_RX = new Place(R, "r0", 3, "rx");
    static final Place R0_TX = new Place(R, "r0", 3, "tx");
    static final Place R1_TX = new Place(R, "r1", 4, "tx");
    static final Place R1_RX = new Place(R, "r1", 4, "rx");
    static final Place S_RX = new Place(S, "eth0", 2, "rx");
    static final Place S_TX = new Place(S, "eth0", 2, "tx");

    /** One true packet: its hops (place, time, tuple) and, for a response, the request it answers. */
    static final class Truth {
        final int number;
        final List<PacketEvent> hops = new ArrayList<>();
        final Truth answers;
        long id;

        Truth(int number, Truth answers) {
            this.number = number;
            this.answers = answers;
        }

        long start() {
            return hops.get(0).timestampNs();
        }

        long end() {
            return hops.get(hops.size() - 1).timestampNs() + 1000;
        }
    }

    private final Random random = new Random(20261130);
    private final List<Truth> truths = new ArrayList<>();
    private long clock;

    private PacketEvent hop(Truth t, Place p, long sock, int proto, String src, int sport, String dst, int dport, int icmpType) {
        clock += 1000 + random.nextInt(20_000);
        PacketEvent e = new PacketEvent().timestampNs(clock).netnsInode(p.ns()).ifname(p.ifname()).ifindex(p.ifindex())
                .hook(p.hook()).probe("netpath").length(t.number).socketInode(sock).family(4)
                .src(TestEvents.ip(src)).dst(TestEvents.ip(dst)).protocol(proto);
        if (proto == PacketEvent.PROTO_ICMP) {
            e.icmpType(icmpType).icmpCode(0).icmpId(icmpType == 8 || icmpType == 0 ? sport : -1).icmpSeq(icmpType == 8 || icmpType == 0 ? dport : -1);
        } else {
            e.srcPort(sport).dstPort(dport);
        }
        t.hops.add(e);
        return e;
    }

    private Truth packet(Truth answers) {
        Truth t = new Truth(truths.size() + 1, answers);
        truths.add(t);
        return t;
    }

    /**
     * One exchange: a client request (sometimes masqueraded, sometimes dropped at the router) and maybe
     * its answer; or a datagram to the router itself, after which the router's own socket sends one.
     */
    private void exchange(int flow, long start) {
        clock = start;
        if (random.nextInt(6) == 0) {
            Truth in = packet(null);
            hop(in, C_TX, 5000 + flow, PacketEvent.PROTO_UDP, "198.18.1.2", 1024 + flow, "198.18.1.1", 161, -1);
            hop(in, R0_RX, 5000 + flow, PacketEvent.PROTO_UDP, "198.18.1.2", 1024 + flow, "198.18.1.1", 161, -1);
            clock += 1000;
            Truth out = packet(null);
            hop(out, R1_TX, 7000 + flow, PacketEvent.PROTO_UDP, "198.18.2.1", 30000 + flow, "198.18.2.2", 123, -1);
            hop(out, S_RX, 0, PacketEvent.PROTO_UDP, "198.18.2.1", 30000 + flow, "198.18.2.2", 123, -1);
            return;
        }
        int kind = random.nextInt(3);
        int proto = kind == 0 ? PacketEvent.PROTO_UDP : kind == 1 ? PacketEvent.PROTO_ICMP : PacketEvent.PROTO_TCP;
        boolean nat = random.nextBoolean();
        int sport = 1024 + flow;
        int natPort = 40000 + flow;
        int dport = proto == PacketEvent.PROTO_ICMP ? 1 : 53;
        int reqType = proto == PacketEvent.PROTO_ICMP ? 8 : -1;
        long sock = 5000 + flow;
        Truth req = packet(null);
        hop(req, C_TX, sock, proto, "198.18.1.2", sport, "198.18.2.2", dport, reqType);
        hop(req, R0_RX, sock, proto, "198.18.1.2", sport, "198.18.2.2", dport, reqType); // veth keeps the owner
        if (random.nextInt(10) == 0) {
            hop(req, new Place(R, null, 0, "drop"), 0, proto, "198.18.1.2", sport, "198.18.2.2", dport, reqType)
                    .drop(12, "NETFILTER_DROP");
            return;
        }
        String src = nat ? "198.18.2.1" : "198.18.1.2";
        int sp = nat ? natPort : sport;
        hop(req, R1_TX, 0, proto, src, sp, "198.18.2.2", dport, reqType);
        hop(req, S_RX, 0, proto, src, sp, "198.18.2.2", dport, reqType);
        if (random.nextInt(10) < 3) {
            return; // no answer
        }
        clock += random.nextBoolean() ? 0 : random.nextInt(50_000); // at once: the request's buffer is the freshest
        // UDP: the server's socket answers; ICMP echo: the kernel; TCP: the kernel's reset (a closed port).
        long owner = proto == PacketEvent.PROTO_UDP ? 9000 + flow : 0;
        int repType = proto == PacketEvent.PROTO_ICMP ? 0 : -1;
        Truth rep = packet(req);
        boolean icmp = proto == PacketEvent.PROTO_ICMP; // an echo reply keeps id (sport) and sequence (dport)
        hop(rep, S_TX, owner, proto, "198.18.2.2", icmp ? sp : dport, src, icmp ? dport : sp, repType);
        hop(rep, R1_RX, owner, proto, "198.18.2.2", icmp ? sp : dport, src, icmp ? dport : sp, repType);
        hop(rep, R0_TX, 0, proto, "198.18.2.2", icmp ? sport : dport, "198.18.1.2", icmp ? dport : sport, repType);
        hop(rep, C_RX, 0, proto, "198.18.2.2", icmp ? sport : dport, "198.18.1.2", icmp ? dport : sport, repType);
    }

    /** Buffers as the slab hands them out: the most recently freed first, on any device. */
    private void assignBuffers() {
        List<long[]> changes = new ArrayList<>(); // time, +1 start / -1 end, truth index
        for (int i = 0; i < truths.size(); i++) {
            changes.add(new long[] {truths.get(i).start(), 1, i});
            changes.add(new long[] {truths.get(i).end(), -1, i});
        }
        changes.sort(Comparator.<long[]>comparingLong(c -> c[0]).thenComparingLong(c -> c[1]));
        Deque<Long> free = new ArrayDeque<>();
        long minted = 0;
        for (long[] c : changes) {
            Truth t = truths.get((int) c[2]);
            if (c[1] > 0) {
                t.id = free.isEmpty() ? 0xffff888000000000L + (++minted << 8) : free.pop();
            } else {
                free.push(t.id);
            }
        }
        assertTrue(minted < truths.size() / 20, "buffers are reused a lot: " + minted + " for " + truths.size() + " packets");
    }

    @Test
    void everyPrintedPacketIsExactlyOneTruePacketWholeAndRepliesPairWithTheirRequests() {
        for (int flow = 0; flow < 4000; flow++) {
            exchange(flow, flow * 40_000L); // several exchanges in flight at once
        }
        assignBuffers();
        List<PacketEvent> events = new ArrayList<>();
        for (Truth t : truths) {
            for (PacketEvent e : t.hops) {
                events.add(e.packetId(t.id));
            }
        }
        events.sort(Comparator.comparingLong(PacketEvent::timestampNs)); // the ring's order

        Map<Long, Integer> truthOfPrinted = new HashMap<>();
        Map<Integer, Long> printedOfTruth = new HashMap<>();
        Map<Long, Long> replyTo = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        FlowTracker tracker = new FlowTracker(1_000_000_000L, 100_000, 64, p -> {
            Set<Integer> numbers = new TreeSet<>();
            long last = Long.MIN_VALUE;
            for (TrackedPacket.Hop h : p.hopsInOrder()) {
                numbers.add(h.event().length());
                if (h.event().timestampNs() < last) {
                    wrong.add("#" + p.number() + " goes back in time");
                }
                last = h.event().timestampNs();
            }
            if (numbers.size() != 1) {
                wrong.add("#" + p.number() + " joins true packets " + numbers);
                return;
            }
            int n = numbers.iterator().next();
            if (p.hopCount() != truths.get(n - 1).hops.size()) {
                wrong.add("#" + p.number() + " has " + p.hopCount() + " of the " + truths.get(n - 1).hops.size() + " hops of packet " + n);
            }
            if (printedOfTruth.put(n, p.number()) != null) {
                wrong.add("packet " + n + " printed twice");
            }
            truthOfPrinted.put(p.number(), n);
            replyTo.put(p.number(), p.replyTo());
        });
        for (PacketEvent e : events) {
            tracker.accept(e);
        }
        tracker.finishAll();
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), wrong.size() + " wrong");
        assertEquals(truths.size(), printedOfTruth.size(), "every packet printed");
        int responses = 0;
        for (Truth t : truths) {
            if (t.answers != null) {
                responses++;
                long printed = printedOfTruth.get(t.number);
                long request = replyTo.get(printed);
                assertEquals(t.answers.number, request == 0 ? -1 : truthOfPrinted.get(request),
                        "packet " + t.number + " answers packet " + t.answers.number);
            }
        }
        assertTrue(responses > 1000, "responses: " + responses);
        assertTrue(tracker.reused() > truths.size() / 2, "most buffers were reused unseen: " + tracker.reused());
    }
}
