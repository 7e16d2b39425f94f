package io.pkttrace.jsonl;

/**
 * The two runs of an event's JSON that describe where it was seen and that consecutive events
 * repeat: {@code ,"probe":"...","hook":"..."} and
 * {@code ,"netns":N,"netns_name":"...","ifindex":I,"ifname":"..."} (each field present only when set).
 * Each run is encoded once per distinct context and copied as bytes after, instead of four field names,
 * two escaped strings and numbers per run and event. Direct-mapped slots keyed by the fields' values;
 * a run holding a name longer than {@link #CACHED_CHARS} is written, not cached. An empty slot holds
 * the empty run of the all-unset context, which is right. Not thread-safe.
 */
final class ContextRuns {
    /** Names longer than this are not cached (they still fit {@link #RUN_BYTES} escaped at worst, 6 bytes each). */
    private static final int CACHED_CHARS = 20;
    /** Bytes a slot holds: the longest cacheable place run (~320) rounded up to whole words. */
    static final int RUN_BYTES = 384;
    private static final int SLOTS = 64;
    private static final byte[] PROBE = JsonBytes.fieldPrefix(JsonLines.PROBE, false);
    private static final byte[] HOOK = JsonBytes.fieldPrefix(JsonLines.HOOK, false);
    private static final byte[] NETNS = JsonBytes.fieldPrefix(JsonLines.NETNS, false);
    private static final byte[] NETNS_NAME = JsonBytes.fieldPrefix(JsonLines.NETNS_NAME, false);
    private static final byte[] IFINDEX = JsonBytes.fieldPrefix(JsonLines.IFINDEX, false);
    private static final byte[] IFNAME = JsonBytes.fieldPrefix(JsonLines.IFNAME, false);

    private final JsonBytes g;
    private final byte[] names = new byte[SLOTS * RUN_BYTES];
    private final int[] namesLength = new int[SLOTS];
    private final String[] probeKey = new String[SLOTS];
    private final String[] hookKey = new String[SLOTS];
    private final byte[] places = new byte[SLOTS * RUN_BYTES];
    private final int[] placesLength = new int[SLOTS];
    private final long[] netnsKey = new long[SLOTS];
    private final String[] netnsNameKey = new String[SLOTS];
    private final int[] ifindexKey = new int[SLOTS];
    private final String[] ifnameKey = new String[SLOTS];

    ContextRuns(JsonBytes g) {
        this.g = g;
    }

    /** The probe and hook run at {@code p} inside the event's reserve; returns the position after it. */
    int names(String probe, String hook, byte[] b, int p) {
        int slot = (hash(probe) * 31 + hash(hook)) & (SLOTS - 1);
        if (same(probeKey[slot], probe) && same(hookKey[slot], hook)) {
            return JsonBytes.putWords(names, slot * RUN_BYTES, namesLength[slot], b, p);
        }
        return namesMiss(slot, probe, hook, p);
    }

    /** The namespace and interface run at {@code p} inside the event's reserve; returns the position after it. */
    int place(long netns, String netnsName, int ifindex, String ifname, byte[] b, int p) {
        int slot = ((Long.hashCode(netns) * 31 + ifindex) * 31 + hash(netnsName) * 7 + hash(ifname)) & (SLOTS - 1);
        if (netnsKey[slot] == netns && ifindexKey[slot] == ifindex && same(netnsNameKey[slot], netnsName)
                && same(ifnameKey[slot], ifname)) {
            return JsonBytes.putWords(places, slot * RUN_BYTES, placesLength[slot], b, p);
        }
        return placeMiss(slot, netns, netnsName, ifindex, ifname, p);
    }

    private int namesMiss(int slot, String probe, String hook, int p) {
        boolean cache = cacheable(probe) && cacheable(hook);
        int start = begin(cache, p);
        string(PROBE, probe);
        string(HOOK, hook);
        if (cache) {
            probeKey[slot] = probe;
            hookKey[slot] = hook;
            namesLength[slot] = keep(names, slot, start);
        }
        return g.reserve();
    }

    private int placeMiss(int slot, long netns, String netnsName, int ifindex, String ifname, int p) {
        boolean cache = cacheable(netnsName) && cacheable(ifname);
        int start = begin(cache, p);
        number(NETNS, netns);
        string(NETNS_NAME, netnsName);
        number(IFINDEX, ifindex);
        string(IFNAME, ifname);
        if (cache) {
            placesLength[slot] = keep(places, slot, start);
            netnsKey[slot] = netns;
            netnsNameKey[slot] = netnsName;
            ifindexKey[slot] = ifindex;
            ifnameKey[slot] = ifname;
        }
        return g.reserve();
    }

    /** Where a run not found starts: at {@code p}, or where it lands in one piece to be cached from the buffer. */
    private int begin(boolean cache, int p) {
        g.position(p);
        if (cache) {
            g.room(RUN_BYTES + 8);
        }
        return g.position();
    }

    /** Copies the run just written from {@code start} into the slot; returns its length. */
    private int keep(byte[] runs, int slot, int start) {
        int n = g.position() - start;
        System.arraycopy(g.buffer(), start, runs, slot * RUN_BYTES, n);
        return n;
    }

    private void string(byte[] field, String value) {
        if (value != null) {
            g.raw(field);
            g.string(value);
        }
    }

    private void number(byte[] field, long value) {
        if (value != 0) {
            g.raw(field);
            g.number(value);
        }
    }

    private static boolean cacheable(String s) {
        return s == null || s.length() <= CACHED_CHARS;
    }

    private static int hash(String s) {
        return s == null ? 0 : s.hashCode();
    }

    /** The same key: the same instance (names are constants), or an equal string. */
    private static boolean same(String key, String s) {
        return key == s || (s != null && s.equals(key));
    }
}
