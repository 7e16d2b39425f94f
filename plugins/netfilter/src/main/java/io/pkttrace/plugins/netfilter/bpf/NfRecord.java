package io.pkttrace.plugins.netfilter.bpf;

/**
 * Offsets of {@code struct pt_nf_record} (src/main/bpf/netfilter.bpf.c), little-endian.
 * {@code NfRecordLayoutTest} checks every offset against the BTF of the compiled object, so the C
 * struct stays the one source of truth.
 */
public final class NfRecord {
    private NfRecord() {
    }

    public static final int SIZE = 216;
    public static final int TS_NS = 0;
    public static final int SKB = 8;
    public static final int VERDICT = 16;
    public static final int NETNS = 24;
    public static final int IN_IFINDEX = 28;
    public static final int OUT_IFINDEX = 32;
    public static final int LEN = 36;
    public static final int CPU = 40;
    public static final int KIND = 42;
    public static final int PF = 43;
    public static final int HOOK = 44;
    public static final int NH_LEN = 45;
    public static final int TH_LEN = 46;
    public static final int TH_READ = 47;
    public static final int TABLE_FAMILY = 48;
    public static final int L4PROTO = 49;
    /** Packet bytes after the record ({@link #DATA}), present when the engine set a snap length. */
    public static final int CAPLEN = 50;
    public static final int IN_NAME = 56;
    public static final int OUT_NAME = 72;
    public static final int NH = 88;
    public static final int TH = 128;
    public static final int TABLE = 152;
    public static final int CHAIN = 184;
    /** Where the packet's bytes start: right after the record (struct pt_nf_slot's data). */
    public static final int DATA = SIZE;

    /** Field name in C -> offset, for the layout test. */
    public static final java.util.Map<String, Integer> FIELDS = java.util.Map.ofEntries(
            java.util.Map.entry("ts_ns", TS_NS), java.util.Map.entry("skb", SKB), java.util.Map.entry("verdict", VERDICT),
            java.util.Map.entry("netns", NETNS), java.util.Map.entry("in_ifindex", IN_IFINDEX),
            java.util.Map.entry("out_ifindex", OUT_IFINDEX), java.util.Map.entry("len", LEN), java.util.Map.entry("cpu", CPU),
            java.util.Map.entry("kind", KIND), java.util.Map.entry("pf", PF), java.util.Map.entry("hook", HOOK),
            java.util.Map.entry("nh_len", NH_LEN), java.util.Map.entry("th_len", TH_LEN), java.util.Map.entry("th_read", TH_READ),
            java.util.Map.entry("table_family", TABLE_FAMILY), java.util.Map.entry("l4proto", L4PROTO),
            java.util.Map.entry("caplen", CAPLEN),
            java.util.Map.entry("in_name", IN_NAME), java.util.Map.entry("out_name", OUT_NAME), java.util.Map.entry("nh", NH),
            java.util.Map.entry("th", TH), java.util.Map.entry("table", TABLE), java.util.Map.entry("chain", CHAIN));

    /** The packet's bytes of the record at {@code o} of {@code length} bytes into {@code e}, if it carries any. */
    public static void packetBytes(java.nio.ByteBuffer b, int o, int length, io.pkttrace.api.PacketEvent e) {
        int caplen = b.getShort(o + CAPLEN) & 0xffff;
        if (caplen > 0 && DATA + caplen <= length) {
            e.packetBytes(b, o + DATA, caplen);
        }
    }

    /** Record kinds (PT_NF_* in the C file). */
    public static final int KIND_HOOK = 1;
    public static final int KIND_NFT_VERDICT = 2;
    public static final int KIND_XT_VERDICT = 3;
}
