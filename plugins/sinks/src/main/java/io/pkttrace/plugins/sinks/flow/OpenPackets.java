package io.pkttrace.plugins.sinks.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * The packets being followed, by packet id, in order of their last activity: an open-addressing table
 * of primitive ids (linear probing, deletion by backward shift, so no tombstones and no boxed keys)
 * and an {@link ActivityList} threaded through the packets themselves.
 * Looking a packet up moves it to the young end, so the idle check and eviction look at the oldest
 * only. The table grows with the number of open packets (at most half full) and never allocates per
 * lookup; id 0 marks an empty slot (packets without an id are never kept).
 */
final class OpenPackets {
    private long[] ids = new long[64];
    private TrackedPacket[] packets = new TrackedPacket[64];
    private int size;
    private final ActivityList<TrackedPacket> activity = new ActivityList<>();

    int size() {
        return size;
    }

    /** The least recently active packet, or null. */
    TrackedPacket oldest() {
        return activity.oldest();
    }

    /** The open packet with this id, made the youngest, or null. */
    TrackedPacket get(long id) {
        int mask = ids.length - 1;
        for (int i = home(id, mask); ids[i] != 0; i = (i + 1) & mask) {
            if (ids[i] == id) {
                TrackedPacket p = packets[i];
                activity.touch(p);
                return p;
            }
        }
        return null;
    }

    /** Adds {@code p} (its id not open yet, not 0) as the youngest. */
    void put(TrackedPacket p) {
        if (2 * (size + 1) > ids.length) {
            grow();
        }
        insert(p);
        size++;
        activity.addYoungest(p);
    }

    /** Removes the open packet {@code p}. */
    void remove(TrackedPacket p) {
        long[] k = ids;
        int mask = k.length - 1;
        int i = home(p.packetId(), mask);
        while (k[i] != p.packetId()) {
            i = (i + 1) & mask;
        }
        // Backward shift: move up every later entry of the run whose home is not between the gap and it.
        for (int j = (i + 1) & mask; k[j] != 0; j = (j + 1) & mask) {
            int h = home(k[j], mask);
            if (((j - h) & mask) >= ((j - i) & mask)) {
                k[i] = k[j];
                packets[i] = packets[j];
                i = j;
            }
        }
        k[i] = 0;
        packets[i] = null;
        size--;
        activity.remove(p);
    }

    /** Removes every packet; returns them (end of the run). */
    List<TrackedPacket> removeAll() {
        List<TrackedPacket> all = new ArrayList<>(size);
        for (TrackedPacket p = activity.oldest(); p != null; p = activity.oldest()) {
            activity.remove(p);
            all.add(p);
        }
        java.util.Arrays.fill(ids, 0);
        java.util.Arrays.fill(packets, null);
        size = 0;
        return all;
    }

    private void insert(TrackedPacket p) {
        int mask = ids.length - 1;
        int i = home(p.packetId(), mask);
        while (ids[i] != 0) {
            i = (i + 1) & mask;
        }
        ids[i] = p.packetId();
        packets[i] = p;
    }

    private void grow() {
        long[] oldIds = ids;
        TrackedPacket[] oldPackets = packets;
        ids = new long[oldIds.length * 2];
        packets = new TrackedPacket[oldIds.length * 2];
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != 0) {
                insert(oldPackets[i]);
            }
        }
    }

    /** Packet ids are buffer addresses (aligned, high bits alike): Fibonacci hashing spreads them. */
    private static int home(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ h >>> 32) & mask;
    }
}
