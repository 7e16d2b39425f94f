package io.pkttrace.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One observation of a packet at one hook: the event model shared by all probes and sinks.
 *
 * <p>The engine reuses one instance per consumer thread and overwrites it for every record, so the
 * hot path does not allocate. A component that keeps an event beyond its call must {@link #copy()} it.
 * Fields that a probe does not know keep their "unset" value (0, null, or {@link #FAMILY_NONE}).
 */
public final class PacketEvent {
    /** No IP header was parsed. */
    public static final int FAMILY_NONE = 0;
    public static final int FAMILY_IPV4 = 4;
    public static final int FAMILY_IPV6 = 6;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;

    private long timestampNs;
    private int cpu;
    private String hook;
    private String probe;
    private long netnsInode;
    private String netnsName;
    private int ifindex;
    private String ifname;
    private int pid;
    private int family;
    private final byte[] src = new byte[16];
    private final byte[] dst = new byte[16];
    private int protocol;
    private int srcPort;
    private int dstPort;
    private int icmpType = -1;
    private int icmpCode = -1;
    private int icmpId = -1;
    private int icmpSeq = -1;
    private int length;
    private long packetId;
    private long socketInode;
    // Probe-specific fields; present only when set.
    private boolean hasReturnValue;
    private long returnValue;
    private String nfTable;
    private String nfChain;
    private String nfVerdict;
    private String nfFamily;
    private String nfTarget;
    private boolean nfPolicy;
    private long nfRuleHandle = -1;
    private String nfRule;
    private boolean nfRuleStale;
    private int dropReason = -1;
    private String dropReasonName;

    /** Resets every field to its unset value. */
    public PacketEvent clear() {
        timestampNs = 0; cpu = 0; hook = null; probe = null; netnsInode = 0; netnsName = null;
        ifindex = 0; ifname = null; pid = 0; family = FAMILY_NONE;
        Arrays.fill(src, (byte) 0); Arrays.fill(dst, (byte) 0);
        protocol = 0; srcPort = 0; dstPort = 0; icmpType = -1; icmpCode = -1; icmpId = -1; icmpSeq = -1;
        length = 0; packetId = 0; socketInode = 0; hasReturnValue = false; returnValue = 0;
        nfTable = null; nfChain = null; nfVerdict = null; nfFamily = null; nfTarget = null; nfPolicy = false;
        nfRuleHandle = -1; nfRule = null; nfRuleStale = false; dropReason = -1; dropReasonName = null;
        return this;
    }

    /** An independent copy, for components that keep events (flow grouping, buffering). */
    public PacketEvent copy() {
        return new PacketEvent().copyFrom(this);
    }

    /** Overwrites every field with those of {@code o}, without allocating (pooled events). */
    public PacketEvent copyFrom(PacketEvent o) {
        timestampNs = o.timestampNs; cpu = o.cpu; hook = o.hook; probe = o.probe; netnsInode = o.netnsInode;
        netnsName = o.netnsName; ifindex = o.ifindex; ifname = o.ifname; pid = o.pid; family = o.family;
        System.arraycopy(o.src, 0, src, 0, 16); System.arraycopy(o.dst, 0, dst, 0, 16);
        protocol = o.protocol; srcPort = o.srcPort; dstPort = o.dstPort; icmpType = o.icmpType;
        icmpCode = o.icmpCode; icmpId = o.icmpId; icmpSeq = o.icmpSeq; length = o.length; packetId = o.packetId;
        socketInode = o.socketInode; hasReturnValue = o.hasReturnValue; returnValue = o.returnValue;
        nfTable = o.nfTable; nfChain = o.nfChain; nfVerdict = o.nfVerdict; nfFamily = o.nfFamily; nfTarget = o.nfTarget;
        nfPolicy = o.nfPolicy; nfRuleHandle = o.nfRuleHandle; nfRule = o.nfRule; nfRuleStale = o.nfRuleStale;
        dropReason = o.dropReason; dropReasonName = o.dropReasonName;
        return this;
    }

    /** Kernel monotonic time of the observation (bpf_ktime_get_ns), in nanoseconds. */
    public long timestampNs() { return timestampNs; }
    public PacketEvent timestampNs(long v) { timestampNs = v; return this; }

    /** CPU the probe ran on. */
    public int cpu() { return cpu; }
    public PacketEvent cpu(int v) { cpu = v; return this; }

    /** Where the packet was seen: a hook name such as {@code tx}/{@code rx}, or a traced function name. */
    public String hook() { return hook; }
    public PacketEvent hook(String v) { hook = v; return this; }

    /** The probe type that produced the event. */
    public String probe() { return probe; }
    public PacketEvent probe(String v) { probe = v; return this; }

    /** Inode of the network namespace (what {@code readlink /proc/PID/ns/net} shows); 0 if unknown. */
    public long netnsInode() { return netnsInode; }
    public PacketEvent netnsInode(long v) { netnsInode = v; return this; }

    /** Name of the namespace under /run/netns, set by an enricher; null if it has none. */
    public String netnsName() { return netnsName; }
    public PacketEvent netnsName(String v) { netnsName = v; return this; }

    public int ifindex() { return ifindex; }
    public PacketEvent ifindex(int v) { ifindex = v; return this; }

    /** Interface name, or null when the packet has no device yet (locally generated, before routing). */
    public String ifname() { return ifname; }
    public PacketEvent ifname(String v) { ifname = v; return this; }

    /** Process (thread group) that was current when the probe fired; 0 in interrupt context. */
    public int pid() { return pid; }
    public PacketEvent pid(int v) { pid = v; return this; }

    /** {@link #FAMILY_IPV4}, {@link #FAMILY_IPV6} or {@link #FAMILY_NONE}. */
    public int family() { return family; }
    public PacketEvent family(int v) { family = v; return this; }

    /** Raw source address: 4 bytes (IPv4) or 16 bytes (IPv6) are meaningful. Do not modify. */
    public byte[] srcBytes() { return src; }
    /** Raw destination address, like {@link #srcBytes()}. Do not modify. */
    public byte[] dstBytes() { return dst; }

    public PacketEvent src(byte[] a) { System.arraycopy(a, 0, src, 0, Math.min(16, a.length)); return this; }
    public PacketEvent dst(byte[] a) { System.arraycopy(a, 0, dst, 0, Math.min(16, a.length)); return this; }

    /** Source address, or null without an IP header. Allocates; not for hot paths. */
    public InetAddress srcAddress() { return address(src); }
    /** Destination address, or null without an IP header. Allocates; not for hot paths. */
    public InetAddress dstAddress() { return address(dst); }

    private InetAddress address(byte[] a) {
        if (family == FAMILY_NONE) {
            return null;
        }
        try {
            return InetAddress.getByAddress(family == FAMILY_IPV4 ? Arrays.copyOf(a, 4) : a.clone());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** IP protocol number of the transport header (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6), 0 if none. */
    public int protocol() { return protocol; }
    public PacketEvent protocol(int v) { protocol = v; return this; }

    /** TCP/UDP source port in host order, 0 if none. */
    public int srcPort() { return srcPort; }
    public PacketEvent srcPort(int v) { srcPort = v; return this; }

    /** TCP/UDP destination port in host order, 0 if none. */
    public int dstPort() { return dstPort; }
    public PacketEvent dstPort(int v) { dstPort = v; return this; }

    /** ICMP/ICMPv6 type, -1 if not ICMP. */
    public int icmpType() { return icmpType; }
    public PacketEvent icmpType(int v) { icmpType = v; return this; }

    public int icmpCode() { return icmpCode; }
    public PacketEvent icmpCode(int v) { icmpCode = v; return this; }

    /** ICMP echo identifier (host order), -1 if not an echo. */
    public int icmpId() { return icmpId; }
    public PacketEvent icmpId(int v) { icmpId = v; return this; }

    /** ICMP echo sequence number (host order), -1 if not an echo. */
    public int icmpSeq() { return icmpSeq; }
    public PacketEvent icmpSeq(int v) { icmpSeq = v; return this; }

    /** True for an ICMP or ICMPv6 echo request. */
    public boolean isEchoRequest() {
        return (protocol == PROTO_ICMP && icmpType == 8) || (protocol == PROTO_ICMPV6 && icmpType == 128);
    }

    /** True for an ICMP or ICMPv6 echo reply. */
    public boolean isEchoReply() {
        return (protocol == PROTO_ICMP && icmpType == 0) || (protocol == PROTO_ICMPV6 && icmpType == 129);
    }

    /** Packet length in bytes as the kernel saw it (skb->len). */
    public int length() { return length; }
    public PacketEvent length(int v) { length = v; return this; }

    /** Identity of the packet buffer (the kernel's skb address); equal ids at nearby times are one packet. */
    public long packetId() { return packetId; }
    public PacketEvent packetId(long v) { packetId = v; return this; }

    /** Inode of the socket that owns the packet (locally generated packets), 0 if none. */
    public long socketInode() { return socketInode; }
    public PacketEvent socketInode(long v) { socketInode = v; return this; }

    /** True if {@link #returnValue()} was set by a function-return probe. */
    public boolean hasReturnValue() { return hasReturnValue; }
    public long returnValue() { return returnValue; }
    public PacketEvent returnValue(long v) { returnValue = v; hasReturnValue = true; return this; }

    /**
     * Netfilter table, chain and verdict, null when the probe does not report them. The verdict is one
     * of ACCEPT, DROP, REJECT, QUEUE, STOLEN, JUMP, GOTO, RETURN, CONTINUE (a matching rule that did not
     * decide); {@link #nfTarget()} names the chain of a JUMP or GOTO.
     */
    public String nfTable() { return nfTable; }
    public String nfChain() { return nfChain; }
    public String nfVerdict() { return nfVerdict; }
    public PacketEvent netfilter(String table, String chain, String verdict) {
        nfTable = table; nfChain = chain; nfVerdict = verdict; return this;
    }

    /** nftables family of the table: ip, ip6, inet, bridge, arp or netdev; null when unknown. */
    public String nfFamily() { return nfFamily; }
    public PacketEvent nfFamily(String v) { nfFamily = v; return this; }

    /** The chain a JUMP or GOTO verdict continues in, else null. */
    public String nfTarget() { return nfTarget; }
    public PacketEvent nfTarget(String v) { nfTarget = v; return this; }

    /** True when the verdict is the base chain's policy (no rule decided). */
    public boolean nfPolicy() { return nfPolicy; }
    public PacketEvent nfPolicy(boolean v) { nfPolicy = v; return this; }

    /** Handle of the rule that gave the verdict (as {@code nft -a list ruleset} shows it), -1 if none. */
    public long nfRuleHandle() { return nfRuleHandle; }
    /** That rule as {@code nft -s list ruleset} prints it, null if unknown. */
    public String nfRule() { return nfRule; }
    /** True when the rule's text may not be the one that gave the verdict (the ruleset changed meanwhile). */
    public boolean nfRuleStale() { return nfRuleStale; }
    public PacketEvent nfRule(long handle, String text, boolean stale) {
        nfRuleHandle = handle; nfRule = text; nfRuleStale = stale; return this;
    }

    /** Kernel drop reason (enum skb_drop_reason value), -1 when not a drop. */
    public int dropReason() { return dropReason; }
    /** Name of the drop reason as the kernel's BTF spells it, e.g. NETFILTER_DROP. */
    public String dropReasonName() { return dropReasonName; }
    public PacketEvent drop(int reason, String name) { dropReason = reason; dropReasonName = name; return this; }

    @Override
    public String toString() {
        return "PacketEvent{" + hook + " ns=" + netnsInode + " if=" + ifname + " " + srcAddress() + " -> "
                + dstAddress() + " proto=" + protocol + " icmp=" + icmpType + "/" + icmpId + "/" + icmpSeq + "}";
    }
}
