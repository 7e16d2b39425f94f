package io.pkttrace.core.ping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PingCorrelatorTest {
    /** Records copies of what it receives (events are reused upstream). */
    static final class Recorder implements Sink {
        final List<PacketEvent> got = new ArrayList<>();

        @Override
        public void accept(PacketEvent event) {
            got.add(event.copy());
        }
    }

    private static PacketEvent echo(boolean request, int id, int seq, long sockIno, int pid, String hook) {
        return new PacketEvent().protocol(PacketEvent.PROTO_ICMP).family(4).icmpType(request ? 8 : 0)
                .icmpId(id).icmpSeq(seq).socketInode(sockIno).pid(pid).hook(hook);
    }

    @Test
    void learnsIdFromOwnSocketAndDropsOtherPings() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.pingStarted(100);
        c.socketSeen(555);
        c.accept(echo(true, 7, 1, 999, 200, "tx"));  // someone else's ping, seen first: buffered
        c.accept(echo(true, 42, 1, 555, 0, "tx"));   // ours: the kernel chose id 42
        c.accept(echo(true, 42, 1, 0, 0, "rx"));
        c.accept(echo(false, 7, 1, 0, 0, "rx"));     // reply to the other ping
        c.accept(echo(false, 42, 1, 0, 0, "rx"));
        c.finish(new RunStats(0, 0, 0, 0, 0, 0));
        assertEquals(42, c.echoId());
        assertEquals(List.of("tx", "rx", "rx"), r.got.stream().map(PacketEvent::hook).toList());
        assertEquals(List.of(42, 42, 42), r.got.stream().map(PacketEvent::icmpId).toList());
    }

    @Test
    void eventsReadBeforePingsPidWasKnownAreRecognisedLater() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        // The consumer read both pings' requests before the launcher thread published ping's pid.
        c.accept(echo(true, 7, 1, 0, 200, "tx"));
        c.accept(echo(true, 42, 1, 0, 100, "tx"));
        c.accept(echo(false, 7, 1, 0, 0, "rx"));
        assertEquals(-1, c.echoId());
        c.pingStarted(100);
        c.flush(); // the next batch end (or idle tick) re-examines what is waiting
        assertEquals(42, c.echoId());
        c.accept(echo(false, 42, 1, 0, 0, "rx"));
        c.finish(new RunStats(0, 0, 0, 0, 0, 0));
        assertEquals(List.of("tx", "rx"), r.got.stream().map(PacketEvent::hook).toList());
        assertEquals(List.of(42, 42), r.got.stream().map(PacketEvent::icmpId).toList());
    }

    @Test
    void fallsBackToThePidWhenTheSocketWasNotSeen() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.pingStarted(100);
        c.accept(echo(true, 9, 1, 0, 100, "tx"));
        assertEquals(9, c.echoId());
        assertEquals(1, r.got.size());
    }

    @Test
    void replaysBufferedEventsOfTheLearnedId() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.socketSeen(1);
        c.accept(echo(false, 5, 1, 0, 0, "rx"));     // arrives before we know the id (other CPU)
        c.accept(echo(true, 5, 2, 1, 0, "tx"));
        assertEquals(List.of(1, 2), r.got.stream().map(PacketEvent::icmpSeq).toList());
    }

    @Test
    void atTheEndASingleCandidateIdIsTaken() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.accept(echo(true, 11, 1, 0, 0, "tx"));
        c.accept(echo(false, 11, 1, 0, 0, "rx"));
        assertEquals(0, r.got.size());
        c.finish(new RunStats(0, 0, 0, 0, 0, 0));
        assertEquals(2, r.got.size());
    }

    @Test
    void ambiguousCandidatesAreNotGuessed() {
        Sink s = mock(Sink.class);
        PingCorrelator c = new PingCorrelator(List.of(s));
        c.accept(echo(true, 11, 1, 0, 0, "tx"));
        c.accept(echo(true, 12, 1, 0, 0, "tx"));
        c.finish(new RunStats(0, 0, 0, 0, 0, 0));
        verify(s, never()).accept(any());
        verify(s).finish(any());
    }

    @Test
    void hidesTheNoSocketFreeOfDeliveredReplies() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.socketSeen(1);
        c.accept(echo(true, 3, 1, 1, 0, "tx"));
        c.accept(echo(false, 3, 1, 0, 0, "drop").drop(2, "NO_SOCKET"));
        c.accept(echo(true, 3, 1, 0, 0, "drop").drop(77, "NETFILTER_DROP"));
        assertEquals(List.of("tx", "drop"), r.got.stream().map(PacketEvent::hook).toList());
        assertEquals("NETFILTER_DROP", r.got.get(1).dropReasonName());
    }

    @Test
    void hidesCopiesThatOtherPingsSocketsFilteredOrNeverRead() {
        // A second ping run as root in the same namespace has a raw ICMP socket: it gets a copy of
        // every echo reply (and, where it runs, request) and its filter drops the ones not its own.
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.socketSeen(1);
        c.accept(echo(true, 3, 1, 1, 0, "tx"));
        c.accept(echo(false, 3, 1, 0, 0, "rx"));
        c.accept(echo(false, 3, 1, 0, 0, "drop").drop(7, "SOCKET_FILTER"));
        c.accept(echo(true, 3, 2, 0, 0, "drop").drop(7, "SOCKET_FILTER"));
        c.accept(echo(false, 3, 2, 0, 0, "drop").drop(9, "QUEUE_PURGE"));
        c.accept(echo(false, 3, 3, 0, 0, "drop").drop(12, "NETFILTER_DROP"));
        c.finish(new RunStats(0, 0, 0, 0, 0, 0));
        assertEquals(List.of("tx", "rx", "drop"), r.got.stream().map(PacketEvent::hook).toList());
        assertEquals("NETFILTER_DROP", r.got.get(2).dropReasonName(), "a real drop is still shown");
    }

    private static PacketEvent at(PacketEvent e, long ts, long buffer, String src, String dst) {
        return e.timestampNs(ts).packetId(buffer).src(ip(src)).dst(ip(dst));
    }

    private static byte[] ip(String dotted) {
        String[] p = dotted.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]),
                (byte) Integer.parseInt(p[3])};
    }

    @Test
    void followsItsPacketsWhenMasqueradeRewritesTheEchoId() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.socketSeen(1);
        long req = 0xa000;
        long rep = 0xb000;
        c.accept(at(echo(true, 42, 1, 1, 0, "tx"), 0, req, "198.18.1.2", "198.18.2.2"));
        c.accept(at(echo(true, 42, 1, 1, 0, "rx"), 10, req, "198.18.1.2", "198.18.2.2"));
        // The router's own ping uses id 42 too: masquerade gives ours id 900 and the router's address.
        c.accept(at(echo(true, 900, 1, 0, 0, "tx"), 20, req, "198.18.2.1", "198.18.2.2"));
        c.accept(at(echo(true, 900, 1, 0, 0, "rx"), 30, req, "198.18.2.1", "198.18.2.2"));
        c.accept(at(echo(false, 900, 1, 0, 0, "tx"), 40, rep, "198.18.2.2", "198.18.2.1")); // the reply, before de-NAT
        c.accept(at(echo(false, 42, 1, 0, 0, "tx"), 50, rep, "198.18.2.2", "198.18.1.2"));
        // Not ours: another id in a buffer of ours with the same type, sequence and addresses is another
        // ping reusing it; with other addresses but two seconds later, too.
        c.accept(at(echo(false, 43, 1, 0, 0, "tx"), 60, rep, "198.18.2.2", "198.18.1.2"));
        c.accept(at(echo(true, 44, 1, 0, 0, "tx"), 2_000_000_000L, req, "198.18.3.3", "198.18.2.2"));
        c.finish(new RunStats(0, 0, 0, 0, 0, 0));
        assertEquals(List.of(42, 42, 900, 900, 900, 42), r.got.stream().map(PacketEvent::icmpId).toList());
    }

    @Test
    void aFreedBufferIsForgottenEvenWhenItsFreeIsNotShown() {
        Recorder r = new Recorder();
        PingCorrelator c = new PingCorrelator(List.of(r));
        c.socketSeen(1);
        c.accept(at(echo(true, 42, 1, 1, 0, "tx"), 0, 7, "198.18.1.2", "198.18.2.2"));
        c.accept(at(echo(false, 42, 1, 0, 0, "drop"), 5, 7, "198.18.2.2", "198.18.1.2").drop(2, "NO_SOCKET"));
        c.accept(at(echo(true, 55, 1, 0, 0, "tx"), 9, 7, "198.18.9.9", "198.18.2.2")); // another ping, same seq
        c.finish(new RunStats(0, 0, 0, 0, 0, 0));
        assertEquals(List.of("tx"), r.got.stream().map(PacketEvent::hook).toList());
    }
}
