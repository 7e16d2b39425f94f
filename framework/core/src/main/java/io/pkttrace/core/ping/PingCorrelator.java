package io.pkttrace.core.ping;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes on exactly the echo requests and replies of one ping process.
 *
 * <p>Modern ping uses unprivileged ICMP datagram sockets, where the kernel, not ping, chooses the
 * echo id. The id is therefore learned from the first echo request that the ping process itself
 * sent: its owning socket's inode is one of the process's sockets (read from /proc/PID/fd), or, as
 * a fallback, the process was current when it was queued. Until the id is known, events wait in a
 * bounded buffer; afterwards they stream through. Where NAT rewrites the id on the way, the packet is
 * still followed ({@link EchoIds}).
 */
public final class PingCorrelator implements Sink {
    static final int MAX_PENDING = 4096;

    private final List<Sink> delegates;
    private final Set<Long> socketInodes = ConcurrentHashMap.newKeySet();
    private final Deque<PacketEvent> pending = new ArrayDeque<>();
    private final EchoIds ids = new EchoIds();
    private volatile int pingPid;
    private long overflow;

    public PingCorrelator(List<Sink> delegates) {
        this.delegates = List.copyOf(delegates);
    }

    /** The ping process, once started. */
    public void pingStarted(int pid) {
        this.pingPid = pid;
    }

    /** A socket inode of the ping process (from /proc/PID/fd). */
    public void socketSeen(long inode) {
        socketInodes.add(inode);
    }

    /** The echo id once learned, else -1. */
    public int echoId() {
        return ids.own();
    }

    /** Events dropped because the buffer before identification was full. */
    public long overflow() {
        return overflow;
    }

    @Override
    public void start() throws io.pkttrace.api.PkttraceException {
        for (Sink s : delegates) {
            s.start();
        }
    }

    @Override
    public void accept(PacketEvent e) {
        if (!e.isEchoRequest() && !e.isEchoReply()) {
            return;
        }
        if (ids.own() < 0) {
            if (pending.size() == MAX_PENDING) {
                pending.removeFirst();
                overflow++;
            }
            pending.addLast(e.copy());
            learnFromPending();
            return;
        }
        handle(e);
    }

    /** Forwards one of ours; noise is not shown, but its free still counts (the buffer may carry another packet next). */
    private void handle(PacketEvent e) {
        if (ids.claims(e) && !isDeliveryNoise(e)) {
            forward(e);
        }
    }

    /**
     * Looks for ping's own echo request among the waiting events, oldest first. Called for every new
     * event and at every batch end and idle tick, because what identifies ping (its pid, its socket
     * inodes) arrives from other threads and may come after ping's first packets were read.
     */
    private void learnFromPending() {
        if (ids.own() >= 0) {
            return;
        }
        for (PacketEvent p : pending) {
            if (p.isEchoRequest() && !isDeliveryNoise(p) && isOurs(p)) {
                ids.own(p.icmpId());
                replayPending();
                return;
            }
        }
    }

    /**
     * Frees of copies the kernel made of an echo packet for sockets, not drops of the packet itself:
     * <ul>
     *   <li>NO_SOCKET: every echo reply that reaches ping also ends in kfree_skb with this reason (the
     *       ICMP layer's own copy finds no raw socket after the ping socket took the reply);</li>
     *   <li>SOCKET_FILTER: each raw ICMP socket of the namespace (another ping run as root, e.g. a
     *       second pkttrace ping) gets a copy of every echo packet, and its filter drops the copies
     *       that are not its own;</li>
     *   <li>QUEUE_PURGE: such a copy was queued on a socket that closed before reading it.</li>
     * </ul>
     * The packet itself goes on (or was delivered) as its other rows show.
     */
    static boolean isDeliveryNoise(PacketEvent e) {
        String reason = e.dropReasonName();
        if (reason == null) {
            return false;
        }
        return switch (reason) {
            case "NO_SOCKET" -> e.isEchoReply();
            case "SOCKET_FILTER", "QUEUE_PURGE" -> e.isEchoRequest() || e.isEchoReply();
            default -> false;
        };
    }

    private boolean isOurs(PacketEvent e) {
        return (e.socketInode() != 0 && socketInodes.contains(e.socketInode()))
                || (pingPid != 0 && e.pid() == pingPid);
    }

    private void replayPending() {
        while (!pending.isEmpty()) {
            handle(pending.removeFirst());
        }
    }

    private void forward(PacketEvent e) {
        for (int i = 0; i < delegates.size(); i++) {
            delegates.get(i).accept(e);
        }
    }

    @Override
    public void flush() {
        learnFromPending();
        for (Sink s : delegates) {
            s.flush();
        }
    }

    @Override
    public void tick(long monotonicNowNs) {
        learnFromPending();
        for (Sink s : delegates) {
            s.tick(monotonicNowNs);
        }
    }

    /**
     * At the end, if ping's own packet was never recognised (e.g. it exited before its sockets were
     * read and it was not current at transmit), an id is still certain when only one echo id was seen.
     */
    @Override
    public void finish(RunStats stats) {
        learnFromPending();
        if (ids.own() < 0 && !pending.isEmpty()) {
            long distinct = pending.stream().filter(PacketEvent::isEchoRequest).mapToInt(PacketEvent::icmpId).distinct().count();
            if (distinct == 1) {
                ids.own(pending.stream().filter(PacketEvent::isEchoRequest).findFirst().get().icmpId());
                replayPending();
            }
        }
        pending.clear();
        for (Sink s : delegates) {
            s.flush();
            s.finish(stats);
        }
    }

    @Override
    public void close() {
        for (int i = delegates.size() - 1; i >= 0; i--) {
            delegates.get(i).close();
        }
    }
}
