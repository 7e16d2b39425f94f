package io.pkttrace.plugins.sinks.flow;

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
 * tuple, and beyond the capacity the tuple with the oldest request makes room. It is an open-addressing
 * table of reused entries, so pairing allocates nothing; the candidates are pinned in the
 * {@link PacketPool} while kept, so a printed request stays what it was until it is let go.
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

    /** One tuple's request candidates, oldest first; reused once its tuple is pushed out. */
    private static final class Waiting extends ActivityList.Node<Waiting> {
        final FlowKey key = new FlowKey();
        int hash;
        final TrackedPacket[] candidates = new TrackedPacket[PER_KEY];
        int count;
    }

    private final int capacity;
    private final PacketPool pool;
    /** Open addressing by {@link FlowKey#hash()}, linear probing, at most half full. */
    private Waiting[] table = new Waiting[64];
    private int size;
    /** Tuples in order of their latest request (a new candidate makes a tuple the youngest). */
    private final ActivityList<Waiting> activity = new ActivityList<>();
    private Waiting spare;
    private final FlowKey requestKey = new FlowKey();
    private long paired;

    /** @param pool where candidates are pinned while kept, and unpinned when let go */
    ReplyMatcher(int capacity, PacketPool pool) {
        this.capacity = capacity;
        this.pool = pool;
    }

    /** Called for each tuple a packet gets: its first, and each one NAT or a tunnel gives it. */
    void classify(TrackedPacket p) {
        if (p.replyTo() != 0) {
            return; // a reply keeps its request whatever it is rewritten to
        }
        FlowKey k = p.currentKey();
        if (k.requestKey(requestKey)) {
            Waiting w = find(requestKey, requestKey.hash());
            TrackedPacket best = null;
            if (w != null) {
                for (int i = 0; i < w.count; i++) {
                    TrackedPacket c = w.candidates[i];
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
            int hash = k.hash();
            Waiting w = find(k, hash);
            if (w == null) {
                w = add(k, hash);
            } else {
                activity.touch(w);
                if (w.count == PER_KEY) {
                    pool.unpin(w.candidates[0]);
                    System.arraycopy(w.candidates, 1, w.candidates, 0, PER_KEY - 1);
                    w.count--;
                }
            }
            w.candidates[w.count++] = p;
            pool.pin(p);
            if (size > capacity) {
                evict(activity.oldest());
            }
        }
    }

    private Waiting find(FlowKey k, int hash) {
        Waiting[] t = table;
        int mask = t.length - 1;
        for (int i = hash & mask; t[i] != null; i = (i + 1) & mask) {
            if (t[i].hash == hash && t[i].key.sameAs(k)) {
                return t[i];
            }
        }
        return null;
    }

    private Waiting add(FlowKey k, int hash) {
        if (2 * (size + 1) > table.length) {
            grow();
        }
        Waiting w = spare != null ? spare : new Waiting();
        spare = null;
        w.key.set(k);
        w.hash = hash;
        w.count = 0;
        insert(w);
        size++;
        activity.addYoungest(w);
        return w;
    }

    /** Lets the tuple's candidates go and removes it (backward shift, as {@link OpenPackets}). */
    private void evict(Waiting w) {
        for (int i = 0; i < w.count; i++) {
            pool.unpin(w.candidates[i]);
            w.candidates[i] = null;
        }
        w.count = 0;
        Waiting[] t = table;
        int mask = t.length - 1;
        int i = w.hash & mask;
        while (t[i] != w) {
            i = (i + 1) & mask;
        }
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            if (((j - t[j].hash) & mask) >= ((j - i) & mask)) {
                t[i] = t[j];
                i = j;
            }
        }
        t[i] = null;
        size--;
        activity.remove(w);
        spare = w;
    }

    private void insert(Waiting w) {
        int mask = table.length - 1;
        int i = w.hash & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = w;
    }

    private void grow() {
        Waiting[] old = table;
        table = new Waiting[old.length * 2];
        for (Waiting w : old) {
            if (w != null) {
                insert(w);
            }
        }
    }

    /** Replies paired so far. */
    long paired() {
        return paired;
    }
}
