package io.pkttrace.plugins.netfilter.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds nf_tables netlink messages as the kernel sends them (host-order headers, network-order values), for tests. */
public final class TraceMessages {
    private final ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.nativeOrder());
    private int start;

    /** Starts a message of type NFT_MSG_{@code msg} for a table of {@code family}. */
    public TraceMessages begin(int msg, int family) {
        start = b.position();
        b.putInt(0).putShort((short) ((NfNetlink.NFNL_SUBSYS_NFTABLES << 8) | msg)).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) family).put((byte) 0).putShort((short) 0);
        return this;
    }

    public TraceMessages string(int type, String s) {
        byte[] v = (s + "\0").getBytes(StandardCharsets.UTF_8);
        return bytes(type, v);
    }

    public TraceMessages be32(int type, int v) {
        return bytes(type, ByteBuffer.allocate(4).putInt(v).array());
    }

    public TraceMessages be64(int type, long v) {
        return bytes(type, ByteBuffer.allocate(8).putLong(v).array());
    }

    public TraceMessages bytes(int type, byte[] v) {
        b.putShort((short) (4 + v.length)).putShort((short) type).put(v);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
        return this;
    }

    /** A nested verdict attribute: code, and a jump target when not null. */
    public TraceMessages verdict(int code, String target) {
        TraceMessages inner = new TraceMessages();
        inner.be32(NfNetlink.NFTA_VERDICT_CODE, code);
        if (target != null) {
            inner.string(NfNetlink.NFTA_VERDICT_CHAIN, target);
        }
        return bytes(NfNetlink.NFTA_TRACE_VERDICT | 0x8000, inner.attributes());
    }

    private byte[] attributes() {
        byte[] out = new byte[b.position()];
        b.duplicate().flip().get(out);
        return out;
    }

    public TraceMessages end() {
        b.putInt(start, b.position() - start);
        return this;
    }

    /** A whole trace message with the usual attributes. */
    public TraceMessages trace(int family, String table, String chain, int type, long handle, Integer verdict, String target,
                               int id, int nfproto, byte[] nh, byte[] th) {
        begin(NfNetlink.NFT_MSG_TRACE, family).be32(NfNetlink.NFTA_TRACE_NFPROTO, nfproto).be32(NfNetlink.NFTA_TRACE_TYPE, type)
                .be32(NfNetlink.NFTA_TRACE_ID, id).string(NfNetlink.NFTA_TRACE_CHAIN, chain).string(NfNetlink.NFTA_TRACE_TABLE, table);
        if (handle >= 0) {
            be64(NfNetlink.NFTA_TRACE_RULE_HANDLE, handle);
        }
        if (verdict != null) {
            verdict(verdict, target);
        }
        if (type == NfNetlink.NFT_TRACETYPE_POLICY) {
            be32(NfNetlink.NFTA_TRACE_POLICY, NfNetlink.NF_ACCEPT);
        }
        if (nh != null) {
            be32(NfNetlink.NFTA_TRACE_IIF, 2);
            bytes(NfNetlink.NFTA_TRACE_NETWORK_HEADER, nh);
            bytes(NfNetlink.NFTA_TRACE_TRANSPORT_HEADER, th);
        }
        return end();
    }

    /** The datagram so far, ready to decode. */
    public ByteBuffer datagram() {
        ByteBuffer d = b.duplicate().flip();
        return d.order(ByteOrder.nativeOrder());
    }

    /** An IPv4 + ICMP echo header pair for (src, dst, id, seq); {@code ipId} makes packets differ. */
    public static byte[][] icmpEcho(int src, int dst, int ipId, boolean request, int echoId, int seq) {
        ByteBuffer ip = ByteBuffer.allocate(20);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) 84).putShort((short) ipId).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0).putInt(src).putInt(dst);
        ByteBuffer icmp = ByteBuffer.allocate(20);
        icmp.put((byte) (request ? 8 : 0)).put((byte) 0).putShort((short) 0).putShort((short) echoId).putShort((short) seq)
                .putLong(0x1122334455667788L + seq);
        return new byte[][] {ip.array(), icmp.array()};
    }
}
