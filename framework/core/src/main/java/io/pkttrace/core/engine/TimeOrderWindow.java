package io.pkttrace.core.engine;

import io.pkttrace.api.PacketEvent;
import java.util.function.Consumer;

/**
 * Puts events of several sources back into kernel-time order: each event waits up to the window
 * length, then leaves in timestamp order (ties in arrival order). Several rings and event sources
 * are read one after the other, and a source such as netfilter's trace messages reports a packet's
 * hook a little after the device event that followed it, so arrival order is not time order.
 *
 * <p>Bounded: at most {@code capacity} events wait; when full, the oldest leaves early. An event older
 * than one already released cannot be put in order any more: it is released at once and counted as
 * {@link #late()}. Events are copied into pooled instances: no allocation once the pool is warm.
 */
final class TimeOrderWindow {
    private final long windowNs;
    private final int capacity;
    private final PacketEvent[] heap;
    private final long[] seqOf;
    private final PacketEvent[] free;
    private int size;
    private int freeCount;
    private int allocated;
    private long seq;
    private long lastReleasedTs = Long.MIN_VALUE;
    private long late;

    TimeOrderWindow(long windowNs, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.windowNs = windowNs;
        this.capacity = capacity;
        this.heap = new PacketEvent[capacity];
        this.seqOf = new long[capacity];
        this.free = new PacketEvent[capacity];
    }

    /** Takes a copy of {@code e}; may release events to {@code out} (when full, or when {@code e} is late). */
    void offer(PacketEvent e, Consumer<PacketEvent> out) {
        if (e.timestampNs() < lastReleasedTs) {
            late++;
            out.accept(e);
            return;
        }
        if (size == capacity) {
            releaseOne(out);
        }
        PacketEvent slot = freeCount > 0 ? free[--freeCount] : newSlot();
        slot.copyFrom(e);
        heap[size] = slot;
        seqOf[size] = seq++;
        siftUp(size++);
    }

    private PacketEvent newSlot() {
        allocated++;
        return new PacketEvent();
    }

    /** Releases, in time order, every event older than {@code nowNs} minus the window. */
    int releaseUntil(long nowNs, Consumer<PacketEvent> out) {
        int n = 0;
        long horizon = nowNs - windowNs;
        while (size > 0 && heap[0].timestampNs() <= horizon) {
            releaseOne(out);
            n++;
        }
        return n;
    }

    /** Releases everything, in time order (end of the run). */
    int releaseAll(Consumer<PacketEvent> out) {
        int n = size;
        while (size > 0) {
            releaseOne(out);
        }
        return n;
    }

    private void releaseOne(Consumer<PacketEvent> out) {
        PacketEvent top = heap[0];
        size--;
        heap[0] = heap[size];
        seqOf[0] = seqOf[size];
        heap[size] = null;
        if (size > 0) {
            siftDown(0);
        }
        lastReleasedTs = Math.max(lastReleasedTs, top.timestampNs());
        out.accept(top);
        free[freeCount++] = top;
    }

    int size() {
        return size;
    }

    /** Events that arrived after a later one had already been released, and were passed on out of order. */
    long late() {
        return late;
    }

    /** Pooled instances created so far (at most capacity). */
    int allocated() {
        return allocated;
    }

    private boolean less(int a, int b) {
        long ta = heap[a].timestampNs();
        long tb = heap[b].timestampNs();
        return ta < tb || (ta == tb && seqOf[a] < seqOf[b]);
    }

    private void swap(int a, int b) {
        PacketEvent e = heap[a];
        heap[a] = heap[b];
        heap[b] = e;
        long s = seqOf[a];
        seqOf[a] = seqOf[b];
        seqOf[b] = s;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int smallest = l + 1 < size && less(l + 1, l) ? l + 1 : l;
            if (!less(smallest, i)) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }
}
