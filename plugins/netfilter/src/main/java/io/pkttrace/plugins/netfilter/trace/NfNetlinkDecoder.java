package io.pkttrace.plugins.netfilter.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes the netlink datagrams a socket subscribed to NFNLGRP_NFTRACE and NFNLGRP_NFTABLES
 * receives: trace messages into a reused {@link TraceMessage}, ruleset changes into a call. Netlink
 * headers and attribute headers are in host byte order, nf_tables attribute values in network order.
 * Malformed input is skipped and counted, never trusted: every length is checked against its container.
 */
public final class NfNetlinkDecoder {
    /** What a datagram contained. */
    public interface Handler {
        /** A trace message; {@code m} is reused after the call. */
        void trace(TraceMessage m);

        /**
         * A ruleset change notification (any nf_tables message other than a trace).
         *
         * @param msgType NFT_MSG_*
         * @param family  nfgen_family
         * @param table   the table's name for table messages, else null
         */
        void rulesetChanged(int msgType, int family, String table);
    }

    private static final int NLMSG_HDRLEN = 16;
    private static final int NFGENMSG_LEN = 4;
    private final TraceMessage message = new TraceMessage();
    private final NameCache names = new NameCache();
    private long malformed;

    /** Messages that could not be decoded so far. */
    public long malformed() {
        return malformed;
    }

    /** Decodes every message in {@code b} between position and limit (native byte order headers). */
    public void decode(ByteBuffer b, Handler h) {
        ByteOrder order = b.order();
        b.order(ByteOrder.nativeOrder());
        try {
            int off = b.position();
            int end = b.limit();
            while (end - off >= NLMSG_HDRLEN) {
                int len = b.getInt(off);
                int type = b.getShort(off + 4) & 0xffff;
                if (len < NLMSG_HDRLEN || len > end - off) {
                    malformed++;
                    return; // the rest cannot be framed
                }
                if (type >= 0x10) { // below are control messages (NOOP, ERROR, DONE, OVERRUN)
                    message(b, off, len, type, h);
                }
                off += align(len);
            }
        } finally {
            b.order(order);
        }
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }

    private void message(ByteBuffer b, int off, int len, int type, Handler h) {
        if ((type >>> 8) != NfNetlink.NFNL_SUBSYS_NFTABLES || len < NLMSG_HDRLEN + NFGENMSG_LEN) {
            return;
        }
        int msg = type & 0xff;
        int family = b.get(off + NLMSG_HDRLEN) & 0xff;
        int attrs = off + NLMSG_HDRLEN + NFGENMSG_LEN;
        int end = off + len;
        if (msg == NfNetlink.NFT_MSG_TRACE) {
            TraceMessage m = message.clear();
            m.tableFamily = family;
            if (traceAttributes(b, attrs, end, m)) {
                h.trace(m);
            } else {
                malformed++;
            }
            return;
        }
        String table = null;
        if (msg == NfNetlink.NFT_MSG_NEWTABLE || msg == NfNetlink.NFT_MSG_DELTABLE) {
            for (int a = attrs; a + 4 <= end; ) {
                int alen = b.getShort(a) & 0xffff;
                if (alen < 4 || a + alen > end) {
                    break;
                }
                if ((b.getShort(a + 2) & NfNetlink.NLA_TYPE_MASK) == NfNetlink.NFTA_TABLE_NAME) {
                    table = names.get(b, a + 4, alen - 4);
                }
                a += align(alen);
            }
        }
        h.rulesetChanged(msg, family, table);
    }

    private boolean traceAttributes(ByteBuffer b, int a, int end, TraceMessage m) {
        while (a + 4 <= end) {
            int alen = b.getShort(a) & 0xffff;
            int atype = b.getShort(a + 2) & NfNetlink.NLA_TYPE_MASK;
            if (alen < 4 || a + alen > end) {
                return false;
            }
            int v = a + 4;
            int vlen = alen - 4;
            switch (atype) {
                case NfNetlink.NFTA_TRACE_TABLE -> m.table = names.get(b, v, vlen);
                case NfNetlink.NFTA_TRACE_CHAIN -> m.chain = names.get(b, v, vlen);
                case NfNetlink.NFTA_TRACE_RULE_HANDLE -> {
                    if (vlen < 8) {
                        return false;
                    }
                    m.ruleHandle = b.order(ByteOrder.BIG_ENDIAN).getLong(v);
                }
                case NfNetlink.NFTA_TRACE_TYPE -> m.type = be32(b, v, vlen);
                case NfNetlink.NFTA_TRACE_ID -> m.id = be32(b, v, vlen);
                case NfNetlink.NFTA_TRACE_IIF -> m.iif = be32(b, v, vlen);
                case NfNetlink.NFTA_TRACE_OIF -> m.oif = be32(b, v, vlen);
                case NfNetlink.NFTA_TRACE_NFPROTO -> m.nfproto = be32(b, v, vlen);
                case NfNetlink.NFTA_TRACE_POLICY -> m.policy = be32(b, v, vlen);
                case NfNetlink.NFTA_TRACE_NETWORK_HEADER -> m.networkHeaderLength = copy(b, v, vlen, m.networkHeader);
                case NfNetlink.NFTA_TRACE_TRANSPORT_HEADER -> m.transportHeaderLength = copy(b, v, vlen, m.transportHeader);
                case NfNetlink.NFTA_TRACE_VERDICT -> {
                    if (!verdict(b, v, v + vlen, m)) {
                        return false;
                    }
                }
                default -> {
                    // LL header, mark, conntrack state...: not needed
                }
            }
            b.order(ByteOrder.nativeOrder());
            a += align(alen);
        }
        return m.table != null && m.chain != null && m.type != 0;
    }

    private boolean verdict(ByteBuffer b, int a, int end, TraceMessage m) {
        while (a + 4 <= end) {
            int alen = b.getShort(a) & 0xffff;
            int atype = b.getShort(a + 2) & NfNetlink.NLA_TYPE_MASK;
            if (alen < 4 || a + alen > end) {
                return false;
            }
            if (atype == NfNetlink.NFTA_VERDICT_CODE) {
                m.verdict = be32(b, a + 4, alen - 4);
                m.hasVerdict = true;
            } else if (atype == NfNetlink.NFTA_VERDICT_CHAIN) {
                m.target = names.get(b, a + 4, alen - 4);
            }
            b.order(ByteOrder.nativeOrder());
            a += align(alen);
        }
        return true;
    }

    private static int be32(ByteBuffer b, int v, int vlen) {
        return vlen < 4 ? 0 : b.order(ByteOrder.BIG_ENDIAN).getInt(v);
    }

    private static int copy(ByteBuffer b, int v, int vlen, byte[] to) {
        int n = Math.min(vlen, to.length);
        b.get(v, to, 0, n);
        return n;
    }
}
