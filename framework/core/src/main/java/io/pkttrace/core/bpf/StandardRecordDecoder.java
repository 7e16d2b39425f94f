package io.pkttrace.core.bpf;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RecordDecoder;
import io.pkttrace.btf.LayoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes {@code struct pkttrace_event} (the probe SDK's event.h, little-endian) without allocating in
 * the steady state: interface names come from a small cache keyed by namespace and ifindex and checked
 * against the raw bytes, so renames are seen. Field offsets and flag bits come from the BTF of the
 * engine's own contract.bpf.o, built from the same event.h ({@link EventLayout#builtIn()}), and are held
 * in static final fields, so they are constants to the JIT; a probe object whose record differs is refused.
 */
public final class StandardRecordDecoder implements RecordDecoder {
    private static final int CACHE = 256;

    private final String probeType;
    private final String[] hookNames;
    private final DropReasons dropReasons;
    private final long[] cacheKey = new long[CACHE];
    /** The cached name's 16 raw bytes as two words, compared with two loads instead of a copy and an array compare. */
    private final long[] cacheLow = new long[CACHE];
    private final long[] cacheHigh = new long[CACHE];
    private final String[] cacheName = new String[CACHE];
    private final byte[] scratch = new byte[EventLayout.IFNAME_BYTES];
    /** The layout this pkttrace reads (core's contract.bpf.o): constants, so the JIT folds the bounds checks. */
    static final EventLayout BUILT = EventLayout.builtIn();
    private static final int SIZE = BUILT.size();
    private static final int TS_NS = BUILT.tsNs();
    private static final int SKB = BUILT.skb();
    private static final int RETVAL = BUILT.retval();
    private static final int NETNS = BUILT.netns();
    private static final int IFINDEX = BUILT.ifindex();
    private static final int PID = BUILT.pid();
    private static final int LEN = BUILT.len();
    private static final int SK_INO = BUILT.skIno();
    private static final int HOOK = BUILT.hook();
    private static final int FAMILY = BUILT.family();
    private static final int PROTO = BUILT.proto();
    private static final int SADDR = BUILT.saddr();
    private static final int DADDR = BUILT.daddr();
    private static final int SPORT = BUILT.sport();
    private static final int DPORT = BUILT.dport();
    private static final int ICMP_TYPE = BUILT.icmpType();
    private static final int ICMP_CODE = BUILT.icmpCode();
    private static final int ICMP_ID = BUILT.icmpId();
    private static final int ICMP_SEQ = BUILT.icmpSeq();
    private static final int CPU = BUILT.cpu();
    private static final int REASON = BUILT.reason();
    private static final int IFNAME = BUILT.ifname();
    private static final int FLAGS = BUILT.flags();
    private static final int CAPLEN = BUILT.caplen();
    private static final int DATA = BUILT.data();
    private static final int FLAG_L3 = BUILT.flagL3();
    private static final int FLAG_L4 = BUILT.flagL4();
    private static final int FLAG_RETVAL = BUILT.flagRetval();
    private static final int FLAG_ICMP = BUILT.flagIcmp();

    /**
     * @param l         the layout of the probe's object, which must be the one this pkttrace reads
     * @param hookNames the name of each hook id (null entries: unnamed ids show as "hookN")
     * @throws LayoutException naming the first field (or flag) where the object's record differs
     */
    public StandardRecordDecoder(EventLayout l, String probeType, String[] hookNames, DropReasons dropReasons)
            throws LayoutException {
        this.probeType = probeType;
        this.hookNames = hookNames.clone();
        this.dropReasons = dropReasons;
        String difference = l.firstDifference(BUILT);
        if (difference != null) {
            throw new LayoutException(difference);
        }
    }

    @Override
    public boolean decode(ByteBuffer b, int o, int length, PacketEvent e) {
        if (length < SIZE) {
            return false;
        }
        int h = b.getShort(o + HOOK) & 0xffff;
        int f = b.getInt(o + FLAGS);
        e.timestampNs(b.getLong(o + TS_NS))
                .packetId(b.getLong(o + SKB))
                .netnsInode(b.getInt(o + NETNS) & 0xffffffffL)
                .ifindex(b.getInt(o + IFINDEX))
                .pid(b.getInt(o + PID))
                .length(b.getInt(o + LEN))
                .socketInode(b.getInt(o + SK_INO) & 0xffffffffL)
                .hook(h < hookNames.length && hookNames[h] != null ? hookNames[h] : "hook" + h)
                .probe(probeType)
                .cpu(b.getShort(o + CPU) & 0xffff);
        if ((f & FLAG_RETVAL) != 0) {
            e.returnValue(b.getLong(o + RETVAL));
        }
        if ((f & FLAG_L3) != 0) {
            e.family(b.get(o + FAMILY)).protocol(b.get(o + PROTO) & 0xff);
            b.get(o + SADDR, e.srcBytes(), 0, EventLayout.ADDRESS_BYTES);
            b.get(o + DADDR, e.dstBytes(), 0, EventLayout.ADDRESS_BYTES);
        }
        if ((f & FLAG_L4) != 0) {
            if ((f & FLAG_ICMP) != 0) {
                e.icmpType(b.get(o + ICMP_TYPE) & 0xff).icmpCode(b.get(o + ICMP_CODE) & 0xff);
                if (e.isEchoRequest() || e.isEchoReply()) {
                    e.icmpId(b.getShort(o + ICMP_ID) & 0xffff).icmpSeq(b.getShort(o + ICMP_SEQ) & 0xffff);
                }
            } else {
                e.srcPort(b.getShort(o + SPORT) & 0xffff).dstPort(b.getShort(o + DPORT) & 0xffff);
            }
        }
        int r = b.getInt(o + REASON);
        if (r >= 0) {
            e.drop(r, dropReasons.name(r));
        }
        e.ifname(ifname(b, o + IFNAME, e.netnsInode(), e.ifindex()));
        int c = b.getInt(o + CAPLEN);
        if (c > 0 && DATA + c <= length) { // the tail the probe wrote when the engine set a snap length
            e.packetBytes(b, o + DATA, c);
        }
        return true;
    }

    private String ifname(ByteBuffer b, int off, long netnsInode, int index) {
        if (b.get(off) == 0) {
            return null;
        }
        long low = b.getLong(off);
        long high = b.getLong(off + 8);
        long key = (netnsInode << 32) ^ index;
        int slot = (int) ((key ^ (key >>> 17)) * 0x9E3779B1L >>> 24) & (CACHE - 1);
        if (cacheName[slot] != null && cacheKey[slot] == key && cacheLow[slot] == low && cacheHigh[slot] == high) {
            return cacheName[slot];
        }
        b.get(off, scratch, 0, EventLayout.IFNAME_BYTES);
        int n = 0;
        while (n < EventLayout.IFNAME_BYTES && scratch[n] != 0) {
            n++;
        }
        String name = new String(scratch, 0, n, StandardCharsets.UTF_8);
        cacheKey[slot] = key;
        cacheLow[slot] = low;
        cacheHigh[slot] = high;
        cacheName[slot] = name;
        return name;
    }
}
