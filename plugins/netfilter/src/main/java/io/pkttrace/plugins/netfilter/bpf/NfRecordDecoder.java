package io.pkttrace.plugins.netfilter.bpf;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RecordDecoder;
import io.pkttrace.plugins.netfilter.correlate.HookRecords;
import io.pkttrace.plugins.netfilter.trace.NfNetlink;
import io.pkttrace.plugins.netfilter.trace.PacketHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the netfilter object's ring: hook-entry records go to {@link HookRecords} for the
 * correlator (no event of their own); verdict records of the fexit/kretprobe programs become
 * verdict events (chain verdict, no rule).
 */
public final class NfRecordDecoder implements RecordDecoder {
    private final HookRecords records;
    private final byte[] nh = new byte[40];
    private final byte[] th = new byte[20];
    private final byte[] name = new byte[32];

    public NfRecordDecoder(HookRecords records) {
        this.records = records;
    }

    @Override
    public boolean decode(ByteBuffer b, int o, int length, PacketEvent e) {
        if (length < NfRecord.SIZE) {
            return false;
        }
        int kind = b.get(o + NfRecord.KIND) & 0xff;
        if (kind == NfRecord.KIND_HOOK) {
            records.add(b, o, length);
            return false;
        }
        if (kind != NfRecord.KIND_NFT_VERDICT && kind != NfRecord.KIND_XT_VERDICT) {
            return false;
        }
        int hook = b.get(o + NfRecord.HOOK) & 0xff;
        int pf = b.get(o + NfRecord.PF) & 0xff;
        boolean inbound = hook <= NfNetlink.NF_INET_FORWARD;
        e.probe("netfilter").hook(NfNetlink.hookName(hook)).timestampNs(b.getLong(o + NfRecord.TS_NS))
                .packetId(b.getLong(o + NfRecord.SKB)).netnsInode(b.getInt(o + NfRecord.NETNS) & 0xffffffffL)
                .cpu(b.getShort(o + NfRecord.CPU) & 0xffff).length(b.getInt(o + NfRecord.LEN));
        int ifindex = b.getInt(o + (inbound ? NfRecord.IN_IFINDEX : NfRecord.OUT_IFINDEX));
        if (ifindex != 0) {
            e.ifindex(ifindex).ifname(string(b, o + (inbound ? NfRecord.IN_NAME : NfRecord.OUT_NAME), 16));
        }
        int nhLen = Math.min(40, b.get(o + NfRecord.NH_LEN) & 0xff);
        int thLen = Math.min(b.get(o + NfRecord.TH_LEN) & 0xff, b.get(o + NfRecord.TH_READ) & 0xff);
        b.get(o + NfRecord.NH, nh, 0, 40);
        b.get(o + NfRecord.TH, th, 0, 20);
        PacketHeaders.fill(e, nh, nhLen, th, thLen, b.get(o + NfRecord.L4PROTO) & 0xff);
        String table = string(b, o + NfRecord.TABLE, 32);
        String family;
        String chain;
        if (kind == NfRecord.KIND_NFT_VERDICT) {
            family = NfNetlink.familyName(b.get(o + NfRecord.TABLE_FAMILY) & 0xff);
            chain = string(b, o + NfRecord.CHAIN, 32);
        } else {
            family = pf == NfNetlink.NFPROTO_IPV6 ? "ip6" : "ip"; // legacy x_tables: chains are the hooks
            chain = NfNetlink.hookName(hook).toUpperCase();
        }
        e.netfilter(table, chain, NfNetlink.verdictName((int) b.getLong(o + NfRecord.VERDICT))).nfFamily(family);
        NfRecord.packetBytes(b, o, length, e);
        return true;
    }

    private String string(ByteBuffer b, int off, int max) {
        int n = 0;
        while (n < max && b.get(off + n) != 0) {
            name[n] = b.get(off + n);
            n++;
        }
        return n == 0 ? null : new String(name, 0, n, StandardCharsets.UTF_8);
    }
}
