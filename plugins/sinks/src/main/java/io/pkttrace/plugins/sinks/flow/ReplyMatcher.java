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

    /** Called once per packet, when its tuple becomes known. */
    void classify(TrackedPacket p) {
        FlowKey k = p.key();
        FlowKey requestKey = k.requestKey();
        if (requestKey != null) {
            ArrayDeque<TrackedPacket> candidates = waiting.get(requestKey);
            TrackedPacket best = null;
            if (candidates != null) {
                for (TrackedPacket c : candidates) {
                    boolean inWindow = p.firstTs() >= c.firstTs() && p.firstTs() - c.firstTs() <= WINDOW_NS;
                    if (inWindow && (best == null || c.crossings() >= best.crossings())) {
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
