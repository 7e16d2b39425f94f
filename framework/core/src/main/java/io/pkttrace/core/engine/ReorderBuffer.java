package io.pkttrace.core.engine;

import io.pkttrace.api.PacketEvent;
import java.util.function.Consumer;

/**
 * Puts the events of several sources back into timestamp order: a binary min-heap of pooled events,
 * released once no source can still deliver an older one.
 *
 * <p>The bound: an event is held until every source has either been read up to a moment at least
 * {@code window} nanoseconds later (it was polled and had nothing more pending) or has delivered an
 * event at least that much later. So a source may hand over an event up to {@code window} after the
 * moment it could first have been read (a ring record committed late, a netlink message stamped before
 * it was read) and it is still ordered; a later one is delivered at once, out of order, and counted
 * ({@link #late()}). When {@code capacity} events are held, the oldest is released early and counted
 * ({@link #forced()}). Events with equal timestamps leave in the order they arrived.
 */
final class ReorderBuffer {
    private final long window;
    private final PacketEvent[] heap;
    /** Arrival number of each held event: equal timestamps leave in arrival order (one packet's verdicts share one). */
    private final long[] seq;
    private long nextSeq;
    private int size;
    private long lastReleased = Long.MIN_VALUE;
    private long late;
    private long forced;

    ReorderBuffer(long windowNanos, int capacity) {
        this.window = windowNanos;
        this.heap = new PacketEvent[capacity];
        this.seq = new long[capacity];
    }

    long window() {
        return window;
    }

    /** Adds an event; when full, first releases the oldest to {@code out}. */
    void add(PacketEvent e, Consumer<PacketEvent> out) {
        if (e.timestampNs() < lastReleased) {
            late++; // older than something already released: ordering it is no longer possible
            out.accept(e);
            return;
        }
        if (size == heap.length) {
            forced++;
            release(out);
        }
        long s = nextSeq++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(e.timestampNs(), s, parent)) {
                break;
            }
            heap[i] = heap[parent];
            seq[i] = seq[parent];
            i = parent;
        }
        heap[i] = e;
        seq[i] = s;
    }

    /** True when an event stamped {@code ts} that arrived as {@code s} leaves before the one at {@code slot}. */
    private boolean before(long ts, long s, int slot) {
        long other = heap[slot].timestampNs();
        return ts < other || (ts == other && s < seq[slot]);
    }

    /**
     * Releases, oldest first, every event at or before {@code watermark - window}, where the watermark
     * is the oldest moment up to which every source is known to have delivered.
     */
    int releaseUpTo(long watermark, Consumer<PacketEvent> out) {
        long limit = watermark - window;
        int n = 0;
        while (size > 0 && heap[0].timestampNs() <= limit) {
            release(out);
            n++;
        }
        return n;
    }

    /** Releases everything, oldest first (end of the run). */
    int releaseAll(Consumer<PacketEvent> out) {
        int n = size;
        while (size > 0) {
            release(out);
        }
        return n;
    }

    private void release(Consumer<PacketEvent> out) {
        PacketEvent top = heap[0];
        PacketEvent last = heap[--size];
        long lastSeq = seq[size];
        heap[size] = null;
        if (size > 0) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && before(heap[child + 1].timestampNs(), seq[child + 1], child)) {
                    child++;
                }
                if (before(last.timestampNs(), lastSeq, child)) {
                    break;
                }
                heap[i] = heap[child];
                seq[i] = seq[child];
                i = child;
            }
            heap[i] = last;
            seq[i] = lastSeq;
        }
        lastReleased = Math.max(lastReleased, top.timestampNs());
        out.accept(top);
    }

    int size() {
        return size;
    }

    /** Events that arrived after a younger one had been released: delivered out of order. */
    long late() {
        return late;
    }

    /** Events released before their time because the buffer was full. */
    long forced() {
        return forced;
    }
}
