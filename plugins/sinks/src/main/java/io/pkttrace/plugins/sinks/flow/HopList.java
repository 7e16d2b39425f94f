package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;
import java.util.Arrays;

/**
 * One packet's kept hops, in compact parallel arrays: per hop its time, namespace, interface index and
 * tuple change in three longs, and its hook, interface and namespace names (the event's own strings,
 * not copied). That is what the path printout and {@link Continuity} read. A whole event is kept only
 * where the printout shows more than the hop's place (a new tuple, a drop reason, a netfilter verdict,
 * a call) or where the tracker is asked to keep every event ({@link PacketGrouper}); those copies come
 * from and go back to a {@link PacketPool}. The arrays grow when needed and are kept when the packet
 * object is recycled, so following packets allocates nothing in the steady state.
 */
final class HopList {
    private static final int LONGS = 3;
    private static final int NAMES = 3;
    private static final TupleChange[] CHANGES = TupleChange.values();
    private static final long[] NO_LONGS = new long[0];
    private static final String[] NO_NAMES = new String[0];
    private static final PacketEvent[] NO_EVENTS = new PacketEvent[0];

    /** Per hop: timestamp, namespace inode, interface index << 8 | tuple change ordinal. */
    private long[] longs = NO_LONGS;
    /** Per hop: hook, interface name, namespace name. */
    private String[] names = NO_NAMES;
    /** Per hop: a whole copy of the event, or null; empty until the first copy, then as long as the others. */
    private PacketEvent[] events = NO_EVENTS;
    private int size;

    int size() {
        return size;
    }

    /** Adds a hop; {@code copy} (may be null) is a copy of {@code e} that the list now owns. */
    void add(PacketEvent e, TupleChange change, PacketEvent copy, int maxHops) {
        if (size * LONGS == longs.length) {
            int n = Math.min(Math.max(2, size * 2), maxHops);
            longs = Arrays.copyOf(longs, n * LONGS);
            names = Arrays.copyOf(names, n * NAMES);
            if (events.length > 0) {
                events = Arrays.copyOf(events, n);
            }
        }
        int l = size * LONGS;
        longs[l] = e.timestampNs();
        longs[l + 1] = e.netnsInode();
        longs[l + 2] = (long) e.ifindex() << 8 | change.ordinal();
        int s = size * NAMES;
        names[s] = e.hook();
        names[s + 1] = e.ifname();
        names[s + 2] = e.netnsName();
        if (copy != null) {
            if (events.length == 0) {
                events = new PacketEvent[names.length / NAMES];
            }
            events[size] = copy;
        }
        size++;
    }

    long timestampNs(int i) {
        return longs[i * LONGS];
    }

    long netnsInode(int i) {
        return longs[i * LONGS + 1];
    }

    int ifindex(int i) {
        return (int) (longs[i * LONGS + 2] >> 8);
    }

    TupleChange change(int i) {
        return CHANGES[(int) (longs[i * LONGS + 2] & 0xff)];
    }

    String hook(int i) {
        return names[i * NAMES];
    }

    String ifname(int i) {
        return names[i * NAMES + 1];
    }

    String netnsName(int i) {
        return names[i * NAMES + 2];
    }

    /** The whole event of hop {@code i} if it was kept, else null. */
    PacketEvent event(int i) {
        return events.length > 0 ? events[i] : null;
    }

    /** True when a hop was seen at {@code hook} on the same interface of the same namespace. */
    boolean has(String hook, int ifindex, long netnsInode) {
        for (int i = 0; i < size; i++) {
            if (ifindex(i) == ifindex && netnsInode(i) == netnsInode && hook.equals(hook(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Puts the hops in time order. One packet's events come from one ring in the order they happened;
     * sorting (stable: ties keep arrival order) only matters when several probes' events are merged, so
     * an insertion sort in place, which does not allocate and is linear on sorted hops.
     */
    void sortByTime() {
        for (int i = 1; i < size; i++) {
            long ts = timestampNs(i);
            if (timestampNs(i - 1) <= ts) {
                continue;
            }
            long netns = netnsInode(i);
            long packed = longs[i * LONGS + 2];
            String hook = hook(i);
            String ifname = ifname(i);
            String netnsName = netnsName(i);
            PacketEvent event = event(i);
            int j = i - 1;
            while (j >= 0 && timestampNs(j) > ts) {
                System.arraycopy(longs, j * LONGS, longs, (j + 1) * LONGS, LONGS);
                System.arraycopy(names, j * NAMES, names, (j + 1) * NAMES, NAMES);
                if (events.length > 0) {
                    events[j + 1] = events[j];
                }
                j--;
            }
            int l = (j + 1) * LONGS;
            longs[l] = ts;
            longs[l + 1] = netns;
            longs[l + 2] = packed;
            int s = (j + 1) * NAMES;
            names[s] = hook;
            names[s + 1] = ifname;
            names[s + 2] = netnsName;
            if (events.length > 0) {
                events[j + 1] = event;
            }
        }
    }

    /** Empties the list, giving the kept events back to {@code pool}. */
    void clear(PacketPool pool) {
        for (int i = 0; i < size && events.length > 0; i++) {
            if (events[i] != null) {
                pool.give(events[i]);
                events[i] = null;
            }
        }
        Arrays.fill(names, 0, size * NAMES, null);
        size = 0;
    }
}
