package io.pkttrace.plugins.sinks.flow;

import static io.pkttrace.plugins.sinks.TestEvents.at;
import static io.pkttrace.plugins.sinks.TestEvents.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flow sink's grouping as other sinks use it: finished packets are snapshots that stay valid. */
class PacketGrouperTest {
    static final long MS = 1_000_000L;

    @Test
    void handsOutFinishedPacketsThatStayValidAfterTheCallback() {
        List<PacketPath> done = new ArrayList<>();
        PacketGrouper g = new PacketGrouper(1000 * MS, 100, 64, done::add);
        PacketEvent e = at(1 * MS, 0xa, 1, "client", "eth0", "tx");
        g.accept(echo(e, "198.18.1.2", "198.18.2.2", true, 7, 1));
        e.hook("rx").timestampNs(1 * MS + 20_000).netnsInode(2); // the caller reuses its event: the grouper copied it
        g.accept(e);
        g.accept(echo(at(1 * MS + 30_000, 0xa, 2, "server", "eth0", "drop"), "198.18.1.2", "198.18.2.2", true, 7, 1)
                .drop(12, "NETFILTER_DROP"));
        g.accept(echo(at(2 * MS, 0xb, 2, "server", "eth0", "tx"), "198.18.2.2", "198.18.1.2", false, 7, 1));
        assertEquals(1, done.size(), "the drop ends the first packet at once");
        g.tick(5000 * MS);
        assertEquals(2, done.size(), "the idle tick ends the second");

        PacketPath req = done.get(0);
        assertEquals(1, req.number());
        assertEquals(List.of("tx", "rx", "drop"), req.hops().stream().map(PacketEvent::hook).toList());
        assertEquals(List.of(1L, 2L, 2L), req.hops().stream().map(PacketEvent::netnsInode).toList());
        assertEquals(PacketEnd.DROPPED, req.end());
        assertEquals("NETFILTER_DROP", req.endEvent().dropReasonName());
        assertEquals(30_000, req.spanNs());
        assertEquals(0, req.omittedHops());
        assertTrue(req.tupleEvent().isEchoRequest());
        assertThrows(UnsupportedOperationException.class, () -> req.hops().clear());

        PacketPath rep = done.get(1);
        assertEquals(PacketEnd.IDLE, rep.end());
        assertEquals(1, rep.replyTo());
        assertEquals(1 * MS, rep.replyToFirstTs());
        assertEquals(1, g.paired());
        assertEquals(2, g.packets());
        assertEquals(0, g.evicted());
    }

    @Test
    void finishAllEndsWhatIsStillInFlight() {
        List<PacketPath> done = new ArrayList<>();
        PacketGrouper g = new PacketGrouper(1000 * MS, 1, 2, done::add);
        g.accept(at(1, 0xa, 1, "a", "eth0", "tx"));
        g.accept(at(2, 0xb, 1, "a", "eth0", "tx")); // max-packets 1: evicts 0xa
        g.accept(at(3, 0xb, 2, "b", "eth0", "rx"));
        g.accept(at(4, 0xb, 2, "b", "eth1", "tx")); // max-hops 2: counted only
        g.finishAll();
        assertEquals(List.of(PacketEnd.EVICTED, PacketEnd.AT_EXIT), done.stream().map(PacketPath::end).toList());
        assertEquals(3, done.get(1).hopCount());
        assertEquals(1, done.get(1).omittedHops());
        assertEquals(1, g.evicted());
    }
}
