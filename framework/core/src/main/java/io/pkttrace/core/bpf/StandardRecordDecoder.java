package io.pkttrace.core.bpf;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes {@code struct pkttrace_event} (bpf/include/pkttrace/event.h, 120 bytes, little-endian)
 * without allocating in the steady state: interface names come from a small cache keyed by
 * namespace and ifindex and checked against the raw bytes, so renames are seen.
 */
public final class StandardRecordDecoder implements RecordDecoder {
    public static final int SIZE = 120;
    private static final int F_HAS_L3 = 1;
    private static final int F_HAS_L4 = 1 << 1;
    private static final int F_HAS_RETVAL = 1 << 2;
    private static final int F_ICMP = 1 << 3;
    private static final int CACHE = 256;

    private final String probeType;
    private final String[] hookNames;
    private final DropReasons dropReasons;
    private final long[] cacheKey = new long[CACHE];
    private final byte[][] cacheBytes = new byte[CACHE][16];
    private final String[] cacheName = new String[CACHE];
    private final byte[] scratch = new byte[16];

    public StandardRecordDecoder(String probeType, String[] hookNames, DropReasons dropReasons) {
        this.probeType = probeType;
        this.hookNames = hookNames.clone();
        this.dropReasons = dropReasons;
    }

    @Override
    public boolean decode(ByteBuffer b, int o, int length, PacketEvent e) {
        if (length < SIZE) {
            return false;
        }
        int hook = b.getShort(o + 44) & 0xffff;
        int flags = b.getInt(o + 112);
        e.timestampNs(b.getLong(o))
                .packetId(b.getLong(o + 8))
                .netnsInode(b.getInt(o + 24) & 0xffffffffL)
                .ifindex(b.getInt(o + 28))
                .pid(b.getInt(o + 32))
                .length(b.getInt(o + 36))
                .socketInode(b.getInt(o + 40) & 0xffffffffL)
                .hook(hook < hookNames.length && hookNames[hook] != null ? hookNames[hook] : "hook" + hook)
                .probe(probeType)
                .cpu(b.getShort(o + 90) & 0xffff);
        if ((flags & F_HAS_RETVAL) != 0) {
            e.returnValue(b.getLong(o + 16));
        }
        if ((flags & F_HAS_L3) != 0) {
            e.family(b.get(o + 46)).protocol(b.get(o + 47) & 0xff);
            b.get(o + 48, e.srcBytes(), 0, 16);
            b.get(o + 64, e.dstBytes(), 0, 16);
        }
        if ((flags & F_HAS_L4) != 0) {
            if ((flags & F_ICMP) != 0) {
                e.icmpType(b.get(o + 84) & 0xff).icmpCode(b.get(o + 85) & 0xff);
                if (e.isEchoRequest() || e.isEchoReply()) {
                    e.icmpId(b.getShort(o + 86) & 0xffff).icmpSeq(b.getShort(o + 88) & 0xffff);
                }
            } else {
                e.srcPort(b.getShort(o + 80) & 0xffff).dstPort(b.getShort(o + 82) & 0xffff);
            }
        }
        int reason = b.getInt(o + 92);
        if (reason >= 0) {
            e.drop(reason, dropReasons.name(reason));
        }
        e.ifname(ifname(b, o + 96, e.netnsInode(), e.ifindex()));
        return true;
    }

    private String ifname(ByteBuffer b, int off, long netns, int ifindex) {
        if (b.get(off) == 0) {
            return null;
        }
        b.get(off, scratch, 0, 16);
        long key = (netns << 32) ^ ifindex;
        int slot = (int) ((key ^ (key >>> 17)) * 0x9E3779B1L >>> 24) & (CACHE - 1);
        if (cacheName[slot] != null && cacheKey[slot] == key && java.util.Arrays.equals(cacheBytes[slot], scratch)) {
            return cacheName[slot];
        }
        int len = 0;
        while (len < 16 && scratch[len] != 0) {
            len++;
        }
        String name = new String(scratch, 0, len, StandardCharsets.UTF_8);
        cacheKey[slot] = key;
        System.arraycopy(scratch, 0, cacheBytes[slot], 0, 16);
        cacheName[slot] = name;
        return name;
    }
}
