package io.pkttrace.plugins.netfilter.correlate;

import io.pkttrace.plugins.netfilter.bpf.NfRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A packet's entry into one netfilter hook, as pkttrace's BPF netfilter program recorded it. Pooled. */
public final class HookRecord {
    long ts;
    long skb;
    long netns;
    int pf;
    int hook;
    int len;
    int cpu;
    int inIfindex;
    int outIfindex;
    int l4proto;
    final byte[] inName = new byte[16];
    final byte[] outName = new byte[16];
    final byte[] nh = new byte[40];
    int nhLen;
    final byte[] th = new byte[20];
    int thLen;
    int thRead;
    /** The packet's first bytes when a sink asked for them (allocated once per pooled record). */
    byte[] data;
    int caplen;

    /** Reads a record of kind HOOK (or the common part of a verdict record) at {@code o}, {@code length} bytes long. */
    void read(ByteBuffer b, int o, int length) {
        caplen = b.getShort(o + NfRecord.CAPLEN) & 0xffff;
        if (caplen > 0 && NfRecord.DATA + caplen <= length) {
            if (data == null || data.length < caplen) {
                data = new byte[caplen];
            }
            b.get(o + NfRecord.DATA, data, 0, caplen);
        } else {
            caplen = 0;
        }
        ts = b.getLong(o + NfRecord.TS_NS);
        skb = b.getLong(o + NfRecord.SKB);
        netns = b.getInt(o + NfRecord.NETNS) & 0xffffffffL;
        pf = b.get(o + NfRecord.PF) & 0xff;
        hook = b.get(o + NfRecord.HOOK) & 0xff;
        len = b.getInt(o + NfRecord.LEN);
        cpu = b.getShort(o + NfRecord.CPU) & 0xffff;
        inIfindex = b.getInt(o + NfRecord.IN_IFINDEX);
        outIfindex = b.getInt(o + NfRecord.OUT_IFINDEX);
        l4proto = b.get(o + NfRecord.L4PROTO) & 0xff;
        b.get(o + NfRecord.IN_NAME, inName, 0, 16);
        b.get(o + NfRecord.OUT_NAME, outName, 0, 16);
        nhLen = Math.min(40, b.get(o + NfRecord.NH_LEN) & 0xff);
        b.get(o + NfRecord.NH, nh, 0, 40);
        thLen = Math.min(20, b.get(o + NfRecord.TH_LEN) & 0xff);
        thRead = Math.min(thLen, b.get(o + NfRecord.TH_READ) & 0xff);
        b.get(o + NfRecord.TH, th, 0, 20);
    }

    /**
     * True when these are the bytes an nftrace message shows for this hook entry: the same network
     * header, and the same transport header as far as this record could read it.
     */
    boolean sameHeaders(byte[] msgNh, int msgNhLen, byte[] msgTh, int msgThLen) {
        if (msgNhLen != nhLen || msgThLen != thLen) {
            return false;
        }
        if (!java.util.Arrays.equals(nh, 0, nhLen, msgNh, 0, nhLen)) {
            return false;
        }
        return java.util.Arrays.equals(th, 0, thRead, msgTh, 0, thRead);
    }

    static String name(byte[] raw) {
        int n = 0;
        while (n < raw.length && raw[n] != 0) {
            n++;
        }
        return n == 0 ? null : new String(raw, 0, n, StandardCharsets.UTF_8);
    }

    public long ts() {
        return ts;
    }

    public long skb() {
        return skb;
    }
}
