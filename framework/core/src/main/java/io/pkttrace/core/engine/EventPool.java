package io.pkttrace.core.engine;

import io.pkttrace.api.PacketEvent;

/**
 * Reused events for the consumer thread: events are taken, filled, passed down the pipeline and
 * given back, so the steady state allocates nothing. Grows (once) to the most events in flight at a
 * time: a batch handed to sinks, plus what the reorder window holds.
 */
final class EventPool {
    private PacketEvent[] free;
    private int size;

    EventPool(int initial) {
        free = new PacketEvent[Math.max(16, initial)];
        for (int i = 0; i < initial; i++) {
            free[size++] = new PacketEvent();
        }
    }

    /** A cleared event. */
    PacketEvent take() {
        return size == 0 ? new PacketEvent() : free[--size].clear();
    }

    void give(PacketEvent e) {
        if (size == free.length) {
            free = java.util.Arrays.copyOf(free, free.length * 2);
        }
        free[size++] = e;
    }
}
