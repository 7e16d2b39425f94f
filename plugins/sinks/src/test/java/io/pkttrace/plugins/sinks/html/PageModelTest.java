package io.pkttrace.plugins.sinks.html;

import static io.pkttrace.plugins.sinks.TestEvents.at;
import static io.pkttrace.plugins.sinks.TestEvents.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.sinks.flow.PacketGrouper;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The page model over scripted events grouped by the flow sink's grouper (1 µs = 1000 ns). */
class PageModelTest {
    static final long CLIENT = 4026532281L;
    static final long ROUTER = 4026532350L;
    static final long SERVER = 4026532419L;

    /** Scripted events of ping packets through client -- router -- server. */
    static final class Ping {
        final List<PacketEvent> events = new java.util.ArrayList<>();

        Ping request(long t0, long id, int seq, boolean dropped) {
            events.add(req(t0, id, seq, CLIENT, "client", "eth0", "tx"));
            events.add(req(t0 + 14_200, id, seq, ROUTER, "router", "r0", "rx"));
            events.add(req(t0 + 20_500, id, seq, ROUTER, "router", "r1", "tx"));
            events.add(req(t0 + 41_900, id, seq, SERVER, "server", "eth0", "rx"));
            if (dropped) {
                events.add(req(t0 + 45_000, id, seq, SERVER, "server", "eth0", "drop").drop(12, "NETFILTER_DROP"));
            }
            return this;
        }

        Ping reply(long t0, long id, int seq) {
            events.add(rep(t0, id, seq, SERVER, "server", "eth0", "tx"));
            events.add(rep(t0 + 9_000, id, seq, ROUTER, "router", "r1", "rx"));
            events.add(rep(t0 + 13_000, id, seq, ROUTER, "router", "r0", "tx"));
            events.add(rep(t0 + 30_000, id, seq, CLIENT, "client", "eth0", "rx"));
            return this;
        }

        private static PacketEvent req(long ts, long id, int seq, long ns, String name, String ifname, String hook) {
            return echo(at(ts, id, ns, name, ifname, hook), "198.18.1.2", "198.18.2.2", true, 7, seq);
        }

        private static PacketEvent rep(long ts, long id, int seq, long ns, String name, String ifname, String hook) {
            return echo(at(ts, id, ns, name, ifname, hook), "198.18.2.2", "198.18.1.2", false, 7, seq);
        }
    }

    /** Three pings, the second dropped by netfilter at the server. */
    static List<PacketEvent> threePings() {
        return new Ping().request(1_000_000, 0xa1, 1, false).reply(1_060_000, 0xb1, 1)
                .request(201_000_000, 0xa2, 2, true)
                .request(401_000_000, 0xa3, 3, false).reply(401_060_000, 0xb3, 3).events;
    }

    static PageModel model(List<PacketEvent> events, int maxPackets) {
        PacketSelection selection = new PacketSelection(maxPackets);
        PacketGrouper g = new PacketGrouper(1_000_000_000L, 10_000, 64, selection::offer);
        events.forEach(g::accept);
        g.finishAll();
        return PageModel.of(selection, events.size(), g.paired(), g.evicted());
    }

    private static List<String> stations(PageModel m) {
        return m.stations().stream().map(s -> m.lanes().get(s.lane()).title() + "/" + s.ifname() + "/" + s.hook()).toList();
    }

    private static List<Integer> columns(PageModel.Packet p) {
        return p.hops().stream().map(h -> h.station().column()).toList();
    }

    @Test
    void pingThroughThreeNamespaces() {
        PageModel m = model(threePings(), 100);
        assertEquals(List.of("client", "router", "server"), m.lanes().stream().map(PageModel.Lane::title).toList());
        assertEquals(List.of("4026532281", "4026532350", "4026532419"), m.lanes().stream().map(PageModel.Lane::subtitle).toList());
        // One interface's stations side by side: the request crosses them left to right, the reply right to left.
        assertEquals(List.of("client/eth0/tx", "client/eth0/rx", "router/r0/rx", "router/r0/tx", "router/r1/tx", "router/r1/rx",
                "server/eth0/rx", "server/eth0/tx", "server/eth0/drop"), stations(m));

        List<PageModel.Packet> ps = m.packets();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ps.stream().map(PageModel.Packet::number).toList());
        PageModel.Packet req = ps.get(0);
        PageModel.Packet rep = ps.get(1);
        assertEquals(PageModel.Role.REQUEST, req.role());
        assertEquals(PageModel.Role.REPLY, rep.role());
        assertEquals(1, rep.path().replyTo());
        assertEquals(List.of(0, 2, 4, 6), columns(req));
        assertEquals(List.of(7, 5, 3, 1), columns(rep));
        assertEquals(1, req.rows(), "a request that keeps going right is one row");
        assertEquals(1, rep.rows());
        assertEquals(List.of(-1L, 14_200L, 6_300L, 21_400L), req.hops().stream().map(PageModel.Hop::sincePreviousNs).toList());
        assertEquals("#1 request 198.18.1.2 → 198.18.2.2", req.title());
        assertEquals("id 7 seq 1 · 4 hops in 41.9 µs", req.detail());
        assertEquals("", req.outcome(), "an end that was not traced is not an outcome");
        assertEquals("id 7 seq 1 · 4 hops in 30.0 µs", rep.detail());
        assertEquals("reply to #1 after 60.0 µs", rep.outcome());

        PageModel.Packet dropped = ps.get(2);
        assertEquals(List.of(0, 2, 4, 6, 8), columns(dropped));
        assertEquals(1, dropped.rows());
        PageModel.Hop drop = dropped.hops().get(4);
        assertEquals(PageModel.Mark.DROP, drop.mark());
        assertEquals(List.of("NETFILTER_DROP"), drop.notes());
        assertEquals("id 7 seq 2 · 5 hops in 45.0 µs", dropped.detail());
        assertEquals("dropped: NETFILTER_DROP", dropped.outcome());
        assertTrue(dropped.hops().subList(0, 4).stream().allMatch(h -> h.mark() == PageModel.Mark.PLAIN && h.notes().isEmpty()));

        PageModel.Totals t = m.totals();
        assertEquals(new PageModel.Totals(21, 5, 5, 0, 100, 1, 2, 0), t);
    }

    @Test
    void repliesAreDrawnRightAfterTheirRequestsWhateverTheOrderTheyArrived() {
        Ping p = new Ping().request(1_000_000, 0xa1, 1, false).request(1_001_000, 0xa2, 2, false)
                .reply(1_060_000, 0xb1, 1).reply(1_061_000, 0xb2, 2);
        p.events.sort(java.util.Comparator.comparingLong(PacketEvent::timestampNs));
        PageModel m = model(p.events, 100);
        assertEquals(List.of(1L, 3L, 2L, 4L), m.packets().stream().map(PageModel.Packet::number).toList());
        assertEquals(List.of(0L, 1L, 0L, 2L), m.packets().stream().map(x -> x.path().replyTo()).toList());
    }

    @Test
    void aFunctionLevelTraceFoldsAtEachTurnAndMarksReturns() {
        // vrouter-like: the hook is the datapath function, a return carries the return value.
        long id = 0xbeef;
        long t = 5_000_000;
        List<PacketEvent> events = List.of(
                fn(t, id, "vm_rx"), fn(t + 1_000, id, "vr_virtual_input"), fn(t + 2_000, id, "vr_flow_forward"),
                fn(t + 3_000, id, "vr_flow_forward").returnValue(1),
                fn(t + 4_000, id, "vr_bridge_input"),
                fn(t + 5_000, id, "vr_bridge_input").returnValue(0),
                fn(t + 6_000, id, "vr_virtual_input").returnValue(0));
        PageModel m = model(events, 100);
        assertEquals(1, m.lanes().size());
        assertEquals("netns 4026531840", m.lanes().get(0).title());
        assertEquals(List.of("netns 4026531840/null/vm_rx", "netns 4026531840/null/vr_virtual_input",
                "netns 4026531840/null/vr_flow_forward", "netns 4026531840/null/vr_bridge_input"), stations(m));
        PageModel.Packet p = m.packets().get(0);
        assertEquals(List.of(0, 1, 2, 2, 3, 3, 1), columns(p));
        // calls go right; a return at the same function, or back left, starts a new row
        assertEquals(List.of(0, 0, 0, 1, 1, 2, 2), p.hops().stream().map(PageModel.Hop::row).toList());
        assertEquals(3, p.rows());
        assertEquals(List.of(PageModel.Mark.PLAIN, PageModel.Mark.PLAIN, PageModel.Mark.PLAIN, PageModel.Mark.RETURN,
                PageModel.Mark.PLAIN, PageModel.Mark.RETURN, PageModel.Mark.RETURN), p.hops().stream().map(PageModel.Hop::mark).toList());
        assertEquals(List.of("ret 1"), p.hops().get(3).notes());
        assertEquals("7 hops in 6.0 µs", p.detail());
        assertEquals("#1 non-IP packet", p.title());
        assertEquals(PageModel.Role.OTHER, p.role());
    }

    private static PacketEvent fn(long ts, long id, String function) {
        return new PacketEvent().timestampNs(ts).packetId(id).netnsInode(4026531840L).hook(function).probe("vrouter");
    }

    @Test
    void netfilterVerdictsAreMarkedFromWhateverFieldsTheEventsCarry() {
        PacketEvent accept = at(1_000, 0xc1, ROUTER, "router", "r0", "nf").netfilter("filter", "FORWARD", "ACCEPT");
        PacketEvent drop = at(2_000, 0xc1, ROUTER, "router", "r0", "nf").netfilter("filter", "FORWARD", "DROP");
        PacketEvent jump = at(3_000, 0xc1, ROUTER, "router", null, "nf").netfilter(null, "input", "jump");
        PacketEvent onlyVerdict = at(4_000, 0xc1, ROUTER, "router", null, "nf").netfilter(null, null, "ACCEPT");
        assertEquals(PageModel.Mark.VERDICT_ACCEPT, PageModel.mark(accept));
        assertEquals(List.of("filter.FORWARD", "ACCEPT"), PageModel.notes(accept));
        assertEquals(PageModel.Mark.VERDICT_DROP, PageModel.mark(drop));
        assertEquals(PageModel.Mark.VERDICT_OTHER, PageModel.mark(jump));
        assertEquals(List.of("input", "jump"), PageModel.notes(jump));
        assertEquals(List.of("ACCEPT"), PageModel.notes(onlyVerdict));
        PacketEvent tableOnly = at(5_000, 0xc1, ROUTER, "router", null, "nf").netfilter("t", null, null);
        assertEquals(PageModel.Mark.VERDICT_OTHER, PageModel.mark(tableOnly));
        assertEquals(List.of("t"), PageModel.notes(tableOnly));
        PacketEvent both = at(6_000, 0xc1, ROUTER, "router", "r0", "drop").drop(12, null).netfilter("filter", "INPUT", "DROP");
        assertEquals(PageModel.Mark.DROP, PageModel.mark(both));
        assertEquals(List.of("reason 12", "filter.INPUT", "DROP"), PageModel.notes(both));
    }

    @Test
    void theCapDrawsTheFirstPacketsAndTheRepliesToThemAndCountsTheRest() {
        Ping p = new Ping();
        for (int i = 0; i < 10; i++) {
            p.request(1_000_000 + i * 200_000_000L, 0x100 + i, i + 1, false).reply(1_060_000 + i * 200_000_000L, 0x200 + i, i + 1);
        }
        PageModel m = model(p.events, 3);
        // 1 (req), 2 (reply), 3 (req) drawn; 4 is the reply to drawn 3: drawn beside it beyond the cap.
        assertEquals(List.of(1L, 2L, 3L, 4L), m.packets().stream().map(PageModel.Packet::number).toList());
        assertEquals(new PageModel.Totals(80, 20, 4, 16, 3, 0, 10, 0), m.totals());
    }

    @Test
    void eventsWithoutANamespaceGetTheirOwnLaneAndThoseWithoutAnIdAreSinglePackets() {
        PacketEvent e = at(1_000, 0, 0, null, null, "consume");
        PageModel m = model(List.of(e), 10);
        assertEquals("namespace unknown", m.lanes().get(0).title());
        assertEquals("no namespace in the event", m.lanes().get(0).subtitle());
        assertEquals("1 hop", m.packets().get(0).detail());
        assertEquals("no packet id, not grouped", m.packets().get(0).outcome());
    }

    @Test
    void durationsSwitchUnits() {
        assertEquals("0.4 µs", PageModel.duration(400));
        assertEquals("999.9 µs", PageModel.duration(999_900));
        assertEquals("4.17 ms", PageModel.duration(4_170_000));
        assertEquals("1.20 s", PageModel.duration(1_200_000_000));
    }
}
