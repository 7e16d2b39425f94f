package io.pkttrace.plugins.netfilter.trace;

/**
 * One NFT_MSG_TRACE message, decoded. Mutable and reused by the decoder; {@link #copyFrom} keeps one.
 * Only the first message of a base chain's evaluation carries the packet's headers and devices.
 */
public final class TraceMessage {
    public static final int MAX_NETWORK_HEADER = 40;
    public static final int MAX_TRANSPORT_HEADER = 20;

    /** nfgen_family of the table (NFPROTO_INET, _IPV4, ...). */
    public int tableFamily;
    public String table;
    public String chain;
    /** Rule handle, -1 when absent (policy, implicit return). */
    public long ruleHandle;
    /** NFT_TRACETYPE_*. */
    public int type;
    /** Verdict code (NF_* or NFT_*); meaningful with {@link #hasVerdict}. */
    public int verdict;
    public boolean hasVerdict;
    /** Jump or goto target chain, else null. */
    public String target;
    /** The base chain's policy (with type POLICY), -1 when absent. */
    public int policy;
    /** Keyed hash of skb pointer, flow hash and input interface: equal within one hook traversal. */
    public int id;
    /** Packet family, NFPROTO_IPV4 or NFPROTO_IPV6 (also for inet tables). */
    public int nfproto;
    public int iif;
    public int oif;
    public final byte[] networkHeader = new byte[MAX_NETWORK_HEADER];
    public int networkHeaderLength;
    public final byte[] transportHeader = new byte[MAX_TRANSPORT_HEADER];
    public int transportHeaderLength;

    public TraceMessage clear() {
        tableFamily = 0;
        table = null;
        chain = null;
        ruleHandle = -1;
        type = 0;
        verdict = 0;
        hasVerdict = false;
        target = null;
        policy = -1;
        id = 0;
        nfproto = 0;
        iif = 0;
        oif = 0;
        networkHeaderLength = 0;
        transportHeaderLength = 0;
        return this;
    }

    /** True when the message carries the packet's headers (the first of its base chain). */
    public boolean hasHeaders() {
        return networkHeaderLength > 0;
    }

    public TraceMessage copyFrom(TraceMessage o) {
        tableFamily = o.tableFamily;
        table = o.table;
        chain = o.chain;
        ruleHandle = o.ruleHandle;
        type = o.type;
        verdict = o.verdict;
        hasVerdict = o.hasVerdict;
        target = o.target;
        policy = o.policy;
        id = o.id;
        nfproto = o.nfproto;
        iif = o.iif;
        oif = o.oif;
        System.arraycopy(o.networkHeader, 0, networkHeader, 0, o.networkHeaderLength);
        networkHeaderLength = o.networkHeaderLength;
        System.arraycopy(o.transportHeader, 0, transportHeader, 0, o.transportHeaderLength);
        transportHeaderLength = o.transportHeaderLength;
        return this;
    }

    @Override
    public String toString() {
        return "trace " + Integer.toHexString(id) + " " + NfNetlink.familyName(tableFamily) + " " + table + " " + chain
                + " type " + type + (hasVerdict ? " verdict " + NfNetlink.verdictName(verdict) : "")
                + (target != null ? " " + target : "") + (ruleHandle >= 0 ? " handle " + ruleHandle : "")
                + (policy >= 0 ? " policy " + policy : "");
    }
}
