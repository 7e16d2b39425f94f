package io.pkttrace.plugins.sinks.flow;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pairs replies with requests, within {@link #WINDOW_NS}. An ICMP echo reply answers the echo request
 * with reversed addresses and the same id and sequence. For TCP and UDP a packet that is not itself a
 * reply is a request; a packet of the reversed 5-tuple answers the latest one, so a SYN-ACK answers
 * the SYN, a DNS response its query, every segment of an HTTP response the request before it.
 *
 * <p>A packet can show up as several buffers with the same tuple: an IPv6 packet that waited for
 * neighbour discovery, a clone handed to a socket. So a reply is paired with the request candidate
 * that went furthest (most device crossings; the latest of equals, e.g. successive TCP segments);
 * candidates stay after a match so that every buffer of the reply is paired with the same request;
 * the request names the first reply. The table is bounded: at most {@value #PER_KEY} candidates per
 * tuple, and beyond the capacity the oldest tuple makes room.
 *
 * <p>Across NAT a packet has several tuples (the client's, then the translated one): every tuple a
 * request had is a key its reply can answer, and a reply is tried with each tuple it shows until it is
 * paired. So a reply that arrives at the router with the translated addresses, and reaches the client
 * with the original ones, pairs with the request either way.
 */
final class ReplyMatcher {
    /** A reply later than this after its request is not paired (an old flow, not an answer). */
    static final long WINDOW_NS = 60_000_000_000L;
    static final int PER_KEY = 4;

    private final Map<FlowKey, ArrayDeque<TrackedPacket>> waiting;
    private long paired;

    ReplyMatcher(int capacity) {
        this.waiting = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<FlowKey, ArrayDeque<TrackedPacket>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Called for each tuple a packet gets: its first, and each one NAT or a tunnel gives it. */
    void classify(TrackedPacket p) {
        if (p.replyTo() != 0) {
            return; // a reply keeps its request whatever it is rewritten to
        }
        FlowKey k = p.currentKey();
        FlowKey requestKey = k.requestKey();
        if (requestKey != null) {
            ArrayDeque<TrackedPacket> candidates = waiting.get(requestKey);
            TrackedPacket best = null;
            if (candidates != null) {
                for (TrackedPacket c : candidates) {
                    boolean inWindow = p.firstTs() >= c.firstTs() && p.firstTs() - c.firstTs() <= WINDOW_NS;
                    if (c != p && inWindow && (best == null || c.crossings() >= best.crossings())) {
                        best = c;
                    }
                }
            }
            if (best != null) {
                p.replyTo(best);
                paired++;
                return;
            }
        }
        if (k.isEchoRequest() || k.hasPorts()) {
            ArrayDeque<TrackedPacket> candidates = waiting.remove(k); // re-insert at the young end
            if (candidates == null) {
                candidates = new ArrayDeque<>(PER_KEY);
            } else if (candidates.size() == PER_KEY) {
                candidates.removeFirst();
            }
            candidates.addLast(p);
            waiting.put(k, candidates);
        }
    }

    /** Replies paired so far. */
    long paired() {
        return paired;
    }
}
