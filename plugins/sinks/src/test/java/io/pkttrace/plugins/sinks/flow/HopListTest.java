package io.pkttrace.plugins.sinks.flow;

import static io.pkttrace.plugins.sinks.TestEvents.at;
import static io.pkttrace.plugins.sinks.TestEvents.echo;
import static io.pkttrace.plugins.sinks.TestEvents.ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.sinks.TextBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact hops: what they keep, their stable sort, and a printout the same as with whole events. */
class HopListTest {
    @Test
    void keepsPlacesAndTheCopiesGivenSortsStablyAndGivesCopiesBack() {
        PacketPool pool = new PacketPool(16);
        HopList hops = new HopList();
        PacketEvent a = at(300, 1, 11, "a", "eth0", "tx").ifindex(5);
        PacketEvent b = at(100, 1, 12, null, null, "rx").ifindex(7);
        PacketEvent c = at(100, 1, 13, "c", "r1", "drop").drop(2, "NOT_SPECIFIED");
        PacketEvent copyOfC = pool.copy(c);
        hops.add(a, TupleChange.NONE, null, 64);
        hops.add(b, TupleChange.NAT, null, 64);
        hops.add(c, TupleChange.DECAP, copyOfC, 64);
        assertEquals(3, hops.size());
        assertTrue(hops.has("tx", 5, 11));
        assertFalse(hops.has("rx", 5, 11));
        assertFalse(hops.has("tx", 5, 12));
        hops.sortByTime();
        // b and c tie at 100: arrival order kept; a (300) last.
        assertEquals(List.of(100L, 100L, 300L), List.of(hops.timestampNs(0), hops.timestampNs(1), hops.timestampNs(2)));
        assertEquals(12, hops.netnsInode(0));
        assertEquals(7, hops.ifindex(0));
        assertEquals(TupleChange.NAT, hops.change(0));
        assertNull(hops.ifname(0));
        assertNull(hops.netnsName(0));
        assertEquals("rx", hops.hook(0));
        assertNull(hops.event(0));
        assertSame(copyOfC, hops.event(1));
        assertEquals(TupleChange.DECAP, hops.change(1));
        assertEquals("drop", hops.hook(1));
        assertEquals("eth0", hops.ifname(2));
        assertEquals("a", hops.netnsName(2));
        assertEquals(TupleChange.NONE, hops.change(2));
        assertNull(hops.event(2));
        hops.clear(pool);
        assertEquals(0, hops.size());
        assertSame(copyOfC, pool.copy(a), "the copy went back to the pool");
    }

    @Test
    void growsToMaxHopsAndKeepsCopiesAlignedWhenGrowing() {
        PacketPool pool = new PacketPool(16);
        HopList hops = new HopList();
        List<PacketEvent> copies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PacketEvent e = at(1000 - i, 1, 1, null, "d" + i, "tx").ifindex(i + 1);
            PacketEvent copy = i % 2 == 1 ? pool.copy(e) : null;
            copies.add(copy);
            hops.add(e, TupleChange.NONE, copy, 5);
        }
        hops.sortByTime(); // reversed
        for (int i = 0; i < 5; i++) {
            assertEquals("d" + (4 - i), hops.ifname(i));
            assertEquals(4 - i + 1, hops.ifindex(i));
            assertSame(copies.get(4 - i), hops.event(i));
        }
    }

    /**
     * The flow sink keeps compact hops; a tracker that keeps whole events must print the very same text
     * for the same events: random packets with NAT, drops, netfilter verdicts, calls, hops out of order.
     */
    @Test
    void compactHopsPrintAsWholeEvents() {
        Random r = new Random(7);
        List<PacketEvent> events = new ArrayList<>();
        String[] names = {null, "client", "router", "sérveur\u0007"};
        String[] hooks = {"tx", "rx", "tx", "rx", "drop", "consume", "ip_rcv", null};
        long ts = 1_000_000;
        for (int i = 0; i < 20_000; i++) {
            ts += r.nextInt(3_000) - 200; // sometimes back in time: merged probes
            long id = 0xffff888000000000L + r.nextInt(40) * 256L;
            int ns = r.nextInt(names.length);
            String hook = hooks[r.nextInt(hooks.length)];
            PacketEvent e = at(ts, r.nextInt(50) == 0 ? 0 : id, 4026532000L + ns, names[ns],
                    r.nextInt(6) == 0 ? null : "veth" + r.nextInt(3), hook).ifindex(1 + r.nextInt(3));
            if (r.nextInt(10) < 8) {
                if (r.nextBoolean()) {
                    echo(e, "198.18.0." + (1 + r.nextInt(3)), "198.18.1." + (1 + r.nextInt(2)), r.nextBoolean(), 7, r.nextInt(3));
                } else {
                    ports(e, r.nextBoolean() ? 6 : 17, "198.18.0." + (1 + r.nextInt(2)), 1000 + r.nextInt(2),
                            "198.18.1.1", 80);
                }
            }
            switch (r.nextInt(12)) {
                case 0 -> e.drop(2 + r.nextInt(3), r.nextBoolean() ? "NETFILTER_DROP" : null);
                case 1 -> e.netfilter("filter", "FORWARD", "ACCEPT").nfFamily("ip");
                case 2 -> e.call(PacketEvent.CALL_ENTRY, 1);
                case 3 -> e.returnValue(-r.nextInt(3));
                default -> { }
            }
            e.socketInode(r.nextInt(4) == 0 ? 77 : 0);
            events.add(e);
        }
        assertEquals(print(events, true, 3), print(events, false, 3));
        assertEquals(print(events, true, 64), print(events, false, 64));
    }

    private static String print(List<PacketEvent> events, boolean keepEvents, int maxHops) {
        TextBuffer text = new TextBuffer(1 << 16);
        PathPrinter printer = new PathPrinter();
        FlowTracker tracker = new FlowTracker(50_000, 25, maxHops, keepEvents, p -> printer.print(p, text));
        for (PacketEvent e : events) {
            tracker.accept(e);
        }
        tracker.finishAll();
        String s = text.toString();
        for (String shown : new String[] {"NAT", "reason", "filter", "entry", "ret -2", "INCOMPLETE", "?", "é",
            maxHops < 4 ? "max-hops" : "hops in"}) {
            assertTrue(s.contains(shown), shown + " in " + s.substring(0, 2000));
        }
        return s;
    }
}
