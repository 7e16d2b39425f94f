package io.pkttrace.plugins.netfilter.correlate;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Hook-entry records from the BPF ring, waiting for the nftrace message of the same hook entry,
 * per namespace, protocol family and hook, oldest first. Consumer thread only.
 *
 * <p>A record is reserved in the ring before the trace message of its hook entry is even built (the
 * BPF program runs before pkttrace's marking chain), so once the ring has been read past a
 * message's receive time, a missing record is missing for good: {@link #watermark()} tells how far
 * the ring was read. Records nobody asked for (their message was lost, or it has not come yet) are
 * dropped after {@link #MAX_AGE_NS}, and a queue keeps at most {@link #MAX_PER_QUEUE}.
 */
public final class HookRecords {
    static final long MAX_AGE_NS = 2_000_000_000L;
    static final int MAX_PER_QUEUE = 4096;
    private static final int QUEUES = 10; // IPv4 and IPv6 x five hooks

    private final Map<Long, ArrayDeque<HookRecord>[]> byNetns = new HashMap<>();
    private final ArrayDeque<HookRecord> pool = new ArrayDeque<>();
    private long watermark = Long.MIN_VALUE;
    private long unclaimed;

    /** Takes the record at {@code o} of the ring, {@code length} bytes long (with the packet's bytes, if any). */
    public void add(ByteBuffer b, int o, int length) {
        HookRecord r = pool.isEmpty() ? new HookRecord() : pool.poll();
        r.read(b, o, length);
        ArrayDeque<HookRecord> q = queue(r.netns, r.pf, r.hook, true);
        if (q == null) {
            pool.add(r);
            return;
        }
        if (q.size() == MAX_PER_QUEUE) {
            release(q.poll());
            unclaimed++;
        }
        q.add(r);
        watermark = Math.max(watermark, r.ts);
    }

    @SuppressWarnings("unchecked")
    private ArrayDeque<HookRecord> queue(long netns, int pf, int hook, boolean create) {
        int family = pf == 2 ? 0 : pf == 10 ? 1 : -1;
        if (family < 0 || hook < 0 || hook > 4) {
            return null;
        }
        ArrayDeque<HookRecord>[] qs = byNetns.get(netns);
        if (qs == null) {
            if (!create) {
                return null;
            }
            qs = new ArrayDeque[QUEUES];
            for (int i = 0; i < QUEUES; i++) {
                qs[i] = new ArrayDeque<>();
            }
            byNetns.put(netns, qs);
        }
        return qs[family * 5 + hook];
    }

    /**
     * Removes and returns the oldest record of that hook entry whose headers are the message's, or
     * null. The caller hands it back with {@link #release} when done.
     */
    public HookRecord claim(long netns, int pf, int hook, byte[] nh, int nhLen, byte[] th, int thLen) {
        ArrayDeque<HookRecord> q = queue(netns, pf, hook, false);
        if (q == null) {
            return null;
        }
        for (Iterator<HookRecord> it = q.iterator(); it.hasNext(); ) {
            HookRecord r = it.next();
            if (r.sameHeaders(nh, nhLen, th, thLen)) {
                it.remove();
                return r;
            }
        }
        return null;
    }

    /** How many waiting records of that hook entry have exactly these headers (ambiguity check). */
    public int countSame(long netns, int pf, int hook, byte[] nh, int nhLen, byte[] th, int thLen) {
        ArrayDeque<HookRecord> q = queue(netns, pf, hook, false);
        int n = 0;
        if (q != null) {
            for (HookRecord r : q) {
                if (r.sameHeaders(nh, nhLen, th, thLen)) {
                    n++;
                }
            }
        }
        return n;
    }

    public void release(HookRecord r) {
        if (r != null && pool.size() < MAX_PER_QUEUE) {
            pool.add(r);
        }
    }

    /** Newest record time read from the ring so far. */
    public long watermark() {
        return watermark;
    }

    /** Drops records older than {@link #MAX_AGE_NS} before {@code nowNs}; forgets a namespace's queues when asked. */
    public void expire(long nowNs) {
        for (ArrayDeque<HookRecord>[] qs : byNetns.values()) {
            for (ArrayDeque<HookRecord> q : qs) {
                while (!q.isEmpty() && nowNs - q.peek().ts > MAX_AGE_NS) {
                    release(q.poll());
                    unclaimed++;
                }
            }
        }
    }

    public void forget(long netns) {
        ArrayDeque<HookRecord>[] qs = byNetns.remove(netns);
        if (qs != null) {
            for (ArrayDeque<HookRecord> q : qs) {
                q.forEach(this::release);
            }
        }
    }

    /** Records that no trace message claimed. */
    public long unclaimed() {
        return unclaimed;
    }
}
