package io.pkttrace.jsonl;

/**
 * The JSON Lines format of pkttrace, schema version {@value #VERSION} (docs/json-schema.md): every
 * name the writer writes and the reader reads is declared here once. Renaming or removing a field, or
 * changing its meaning, is a schema change: raise {@link #VERSION}. Adding an optional field is not.
 */
public final class JsonLines {
    /** Schema version, written as {@code "v"} in every object. */
    public static final int VERSION = 1;

    /**
     * The option of a sink that turns {@code ts_ns} into wall-clock {@code time}: nanoseconds from
     * kernel monotonic time to Unix time. {@code pkttrace replay} gives a sink that declares it the
     * recording's own offset (unless the user set one), so replayed times are the original ones.
     */
    public static final String CLOCK_OFFSET_OPTION = "clock-offset-ns";

    /** The value of {@link #TYPE} of the optional last object holding the run's counters. */
    public static final String SUMMARY = "summary";

    // Event fields, in the order the writer writes them.
    public static final String V = "v";
    public static final String TYPE = "type";
    public static final String TS_NS = "ts_ns";
    public static final String TIME = "time";
    public static final String CPU = "cpu";
    public static final String PROBE = "probe";
    public static final String HOOK = "hook";
    public static final String PACKET_ID = "packet_id";
    public static final String NETNS = "netns";
    public static final String NETNS_NAME = "netns_name";
    public static final String IFINDEX = "ifindex";
    public static final String IFNAME = "ifname";
    public static final String PID = "pid";
    public static final String LEN = "len";
    public static final String SOCK_INO = "sock_ino";
    public static final String FAMILY = "family";
    public static final String SRC = "src";
    public static final String DST = "dst";
    public static final String PROTO = "proto";
    public static final String SPORT = "sport";
    public static final String DPORT = "dport";
    public static final String ICMP_TYPE = "icmp_type";
    public static final String ICMP_CODE = "icmp_code";
    public static final String ICMP_ID = "icmp_id";
    public static final String ICMP_SEQ = "icmp_seq";
    public static final String RET = "ret";
    public static final String NF_TABLE = "nf_table";
    public static final String NF_CHAIN = "nf_chain";
    public static final String NF_VERDICT = "nf_verdict";
    public static final String NF_FAMILY = "nf_family";
    public static final String NF_TARGET = "nf_target";
    public static final String NF_POLICY = "nf_policy";
    public static final String NF_RULE_HANDLE = "nf_rule_handle";
    public static final String NF_RULE = "nf_rule";
    public static final String NF_RULE_STALE = "nf_rule_stale";
    public static final String DROP_REASON = "drop_reason";
    public static final String DROP_REASON_NAME = "drop_reason_name";
    // Function-call probes (vrouter) and encapsulated packets.
    public static final String RET_NAME = "ret_name";
    public static final String CALL = "call";
    public static final String DEPTH = "depth";
    public static final String DURATION_NS = "duration_ns";
    public static final String PARENT_PACKET_ID = "parent_packet_id";
    public static final String OUTER_FAMILY = "outer_family";
    public static final String OUTER_SRC = "outer_src";
    public static final String OUTER_DST = "outer_dst";
    public static final String OUTER_PROTO = "outer_proto";
    public static final String OUTER_SPORT = "outer_sport";
    public static final String OUTER_DPORT = "outer_dport";
    public static final String ENCAP = "encap";
    public static final String ATTRS = "attrs";
    /** The packet's first bytes from its network header, base64 (only when a sink asked for them, e.g. pcapng). */
    public static final String BYTES = "bytes";

    /** Values of {@link #CALL}, indexed by {@code PacketEvent.CALL_*} (none for CALL_NONE). */
    public static final java.util.List<String> CALL_VALUES = java.util.Arrays.asList(null, "entry", "return", "return-missed");

    // Summary fields (RunStats).
    public static final String PRODUCED = "produced";
    public static final String DELIVERED = "delivered";
    public static final String LOST_IN_KERNEL = "lost_in_kernel";
    public static final String LEFT_UNREAD = "left_unread";
    public static final String FILTERED_IN_KERNEL = "filtered_in_kernel";
    public static final String FILTERED_IN_JAVA = "filtered_in_java";
    public static final String EMITTED = "emitted";

    private JsonLines() {
    }
}
