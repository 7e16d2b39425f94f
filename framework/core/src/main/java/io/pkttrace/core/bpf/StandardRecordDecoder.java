package io.pkttrace.core.bpf;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes {@code struct pkttrace_event} (the probe SDK's event.h, little-endian) without allocating in
 * the steady state: interface names come from a small cache keyed by namespace and ifindex and checked
 * against the raw bytes, so renames are seen. Field offsets and flag bits come from the object's BTF
 * ({@link EventLayout}) and are held in final fields.
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
    private final int size;
    private final int tsNs;
    private final int skb;
    private final int retval;
    private final int netns;
    private final int ifindex;
    private final int pid;
    private final int len;
    private final int skIno;
    private final int hook;
    private final int family;
    private final int proto;
    private final int saddr;
    private final int daddr;
    private final int sport;
    private final int dport;
    private final int icmpType;
    private final int icmpCode;
    private final int icmpId;
    private final int icmpSeq;
    private final int cpu;
    private final int reason;
    private final int ifname;
    private final int flags;
    private final int caplen;
    private final int data;
    private final int flagL3;
    private final int flagL4;
    private final int flagRetval;
    private final int flagIcmp;

    /** @param hookNames the name of each hook id (null entries: unnamed ids show as "hookN") */
    public StandardRecordDecoder(EventLayout l, String probeType, String[] hookNames, DropReasons dropReasons) {
        this.probeType = probeType;
        this.hookNames = hookNames.clone();
        this.dropReasons = dropReasons;
        size = l.size();
        tsNs = l.tsNs();
        skb = l.skb();
        retval = l.retval();
        netns = l.netns();
        ifindex = l.ifindex();
        pid = l.pid();
        len = l.len();
        skIno = l.skIno();
        hook = l.hook();
        family = l.family();
        proto = l.proto();
        saddr = l.saddr();
        daddr = l.daddr();
        sport = l.sport();
        dport = l.dport();
        icmpType = l.icmpType();
        icmpCode = l.icmpCode();
        icmpId = l.icmpId();
        icmpSeq = l.icmpSeq();
        cpu = l.cpu();
        reason = l.reason();
        ifname = l.ifname();
        flags = l.flags();
        caplen = l.caplen();
        data = l.data();
        flagL3 = l.flagL3();
        flagL4 = l.flagL4();
        flagRetval = l.flagRetval();
        flagIcmp = l.flagIcmp();
    }

    @Override
    public boolean decode(ByteBuffer b, int o, int length, PacketEvent e) {
        if (length < size) {
            return false;
        }
        int h = b.getShort(o + hook) & 0xffff;
        int f = b.getInt(o + flags);
        e.timestampNs(b.getLong(o + tsNs))
                .packetId(b.getLong(o + skb))
                .netnsInode(b.getInt(o + netns) & 0xffffffffL)
                .ifindex(b.getInt(o + ifindex))
                .pid(b.getInt(o + pid))
                .length(b.getInt(o + len))
                .socketInode(b.getInt(o + skIno) & 0xffffffffL)
                .hook(h < hookNames.length && hookNames[h] != null ? hookNames[h] : "hook" + h)
                .probe(probeType)
                .cpu(b.getShort(o + cpu) & 0xffff);
        if ((f & flagRetval) != 0) {
            e.returnValue(b.getLong(o + retval));
        }
        if ((f & flagL3) != 0) {
            e.family(b.get(o + family)).protocol(b.get(o + proto) & 0xff);
            b.get(o + saddr, e.srcBytes(), 0, EventLayout.ADDRESS_BYTES);
            b.get(o + daddr, e.dstBytes(), 0, EventLayout.ADDRESS_BYTES);
        }
        if ((f & flagL4) != 0) {
            if ((f & flagIcmp) != 0) {
                e.icmpType(b.get(o + icmpType) & 0xff).icmpCode(b.get(o + icmpCode) & 0xff);
                if (e.isEchoRequest() || e.isEchoReply()) {
                    e.icmpId(b.getShort(o + icmpId) & 0xffff).icmpSeq(b.getShort(o + icmpSeq) & 0xffff);
                }
            } else {
                e.srcPort(b.getShort(o + sport) & 0xffff).dstPort(b.getShort(o + dport) & 0xffff);
            }
        }
        int r = b.getInt(o + reason);
        if (r >= 0) {
            e.drop(r, dropReasons.name(r));
        }
        e.ifname(ifname(b, o + ifname, e.netnsInode(), e.ifindex()));
        int c = b.getInt(o + caplen);
        if (c > 0 && data + c <= length) { // the tail the probe wrote when the engine set a snap length
            e.packetBytes(b, o + data, c);
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
