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
    private static final byte[] ZERO_ADDRESS = new byte[16];
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
    // Function-call probes (kprobe, fentry or uprobe tracers of a datapath's functions).
    private int call;
    private int callDepth;
    private long durationNs;
    private String returnValueName;
    private long parentPacketId;
    private boolean kernelFiltered;
    // The outer header of an encapsulated packet; the main tuple above is then the inner one.
    private int outerFamily;
    private final byte[] outerSrc = new byte[16];
    private final byte[] outerDst = new byte[16];
    private int outerProtocol;
    private int outerSrcPort;
    private int outerDstPort;
    private String encap;
    // Probe-specific attributes, in fixed arrays made on an event's first attribute and kept: no
    // allocation per pooled event, and an event of a probe without attributes stays small (~0.5 KiB
    // less, which counts where sinks keep copies, e.g. the flow sink's open packets).
    private Attributes attrs;
    private int attrCount;
    // The packet's first bytes from its network header, when a sink asked for them; allocated on first use.
    private byte[] bytes;
    private int bytesLength;
    // What clear() must reset besides the common fields: the addresses, and the rarely set fields.
    private boolean addressesSet;
    private boolean raresSet;

    /** Not a function-call event. */
    public static final int CALL_NONE = 0;
    /** A traced function was entered. */
    public static final int CALL_ENTRY = 1;
    /** A traced function returned: {@link #durationNs()} is set, and the return value unless it is void. */
    public static final int CALL_RETURN = 2;
    /** The probe saw that a traced function's return was missed (e.g. a lost uretprobe): the call ends here, unmeasured. */
    public static final int CALL_RETURN_MISSED = 3;

    /** Attributes an event holds at most; further ones are ignored. */
    public static final int MAX_ATTRS = 24;

    /** How an attribute's value is meant: sinks format it accordingly. */
    public enum AttrKind {
        /** A signed number. */
        NUMBER,
        /** A number best read in hexadecimal (flags, addresses). */
        HEX,
        /** A 48-bit MAC address in the low bits, first octet highest. */
        MAC,
        /** An IPv4 address in the low 32 bits, first octet highest. */
        IPV4,
        /** A text (for names: use constant strings, they are not copied). */
        TEXT
    }

    /** Resets every field to its unset value. */
    public PacketEvent clear() {
        timestampNs = 0; cpu = 0; hook = null; probe = null; netnsInode = 0; netnsName = null;
        ifindex = 0; ifname = null; pid = 0; family = FAMILY_NONE;
        protocol = 0; srcPort = 0; dstPort = 0; icmpType = -1; icmpCode = -1; icmpId = -1; icmpSeq = -1;
        length = 0; packetId = 0; socketInode = 0; hasReturnValue = false; returnValue = 0;
        dropReason = -1; dropReasonName = null;
        bytesLength = 0;
        // The engine clears a pooled event for every record: what most events never set is reset only
        // when it was set (or handed out to be filled in place), so a clear touches few cache lines.
        if (addressesSet) {
            zero(src);
            zero(dst);
            addressesSet = false;
        }
        if (raresSet) {
            clearRares();
        }
        return this;
    }

    /** An address: one 16-byte copy (Arrays.fill's byte loop was ~9% of the consumer's CPU per event). */
    private static void zero(byte[] address) {
        System.arraycopy(ZERO_ADDRESS, 0, address, 0, 16);
    }

    /** The netfilter, function-call, outer-header and attribute fields. */
    private void clearRares() {
        nfTable = null; nfChain = null; nfVerdict = null; nfFamily = null; nfTarget = null; nfPolicy = false;
        nfRuleHandle = -1; nfRule = null; nfRuleStale = false;
        call = CALL_NONE; callDepth = 0; durationNs = 0; returnValueName = null; parentPacketId = 0;
        kernelFiltered = false; outerFamily = FAMILY_NONE; zero(outerSrc); zero(outerDst);
        outerProtocol = 0; outerSrcPort = 0; outerDstPort = 0; encap = null;
        if (attrs != null) {
            attrs.forget(0, attrCount);
        }
        attrCount = 0;
        raresSet = false;
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
        call = o.call; callDepth = o.callDepth; durationNs = o.durationNs; returnValueName = o.returnValueName;
        parentPacketId = o.parentPacketId; kernelFiltered = o.kernelFiltered; outerFamily = o.outerFamily;
        System.arraycopy(o.outerSrc, 0, outerSrc, 0, 16); System.arraycopy(o.outerDst, 0, outerDst, 0, 16);
        outerProtocol = o.outerProtocol; outerSrcPort = o.outerSrcPort; outerDstPort = o.outerDstPort; encap = o.encap;
        if (o.attrCount > 0) {
            attributes().copyFrom(o.attrs, o.attrCount);
        }
        if (attrs != null) {
            attrs.forget(o.attrCount, attrCount); // no stale references in a pooled event
        }
        attrCount = o.attrCount;
        addressesSet = true;
        raresSet = true;
        if (o.bytesLength > 0) {
            packetBytes(o.bytes, 0, o.bytesLength);
        } else {
            bytesLength = 0;
        }
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
    public byte[] srcBytes() { addressesSet = true; return src; }
    /** Raw destination address, like {@link #srcBytes()}. Do not modify. */
    public byte[] dstBytes() { addressesSet = true; return dst; }

    public PacketEvent src(byte[] a) { addressesSet = true; System.arraycopy(a, 0, src, 0, Math.min(16, a.length)); return this; }
    public PacketEvent dst(byte[] a) { addressesSet = true; System.arraycopy(a, 0, dst, 0, Math.min(16, a.length)); return this; }

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
        nfTable = table; nfChain = chain; nfVerdict = verdict; raresSet = true; return this;
    }

    /** nftables family of the table: ip, ip6, inet, bridge, arp or netdev; null when unknown. */
    public String nfFamily() { return nfFamily; }
    public PacketEvent nfFamily(String v) { nfFamily = v; raresSet = true; return this; }

    /** The chain a JUMP or GOTO verdict continues in, else null. */
    public String nfTarget() { return nfTarget; }
    public PacketEvent nfTarget(String v) { nfTarget = v; raresSet = true; return this; }

    /** True when the verdict is the base chain's policy (no rule decided). */
    public boolean nfPolicy() { return nfPolicy; }
    public PacketEvent nfPolicy(boolean v) { nfPolicy = v; raresSet = true; return this; }

    /** Handle of the rule that gave the verdict (as {@code nft -a list ruleset} shows it), -1 if none. */
    public long nfRuleHandle() { return nfRuleHandle; }
    /** That rule as {@code nft -s list ruleset} prints it, null if unknown. */
    public String nfRule() { return nfRule; }
    /** True when the rule's text may not be the one that gave the verdict (the ruleset changed meanwhile). */
    public boolean nfRuleStale() { return nfRuleStale; }
    public PacketEvent nfRule(long handle, String text, boolean stale) {
        nfRuleHandle = handle; nfRule = text; nfRuleStale = stale; raresSet = true; return this;
    }

    /** Kernel drop reason (enum skb_drop_reason value), -1 when not a drop. */
    public int dropReason() { return dropReason; }
    /** Name of the drop reason as the kernel's BTF spells it, e.g. NETFILTER_DROP. */
    public String dropReasonName() { return dropReasonName; }
    public PacketEvent drop(int reason, String name) { dropReason = reason; dropReasonName = name; return this; }

    /** {@link #CALL_NONE}, {@link #CALL_ENTRY}, {@link #CALL_RETURN} or {@link #CALL_RETURN_MISSED}. */
    public int call() { return call; }
    /** Nesting of the call among the traced calls of its thread: 0 for the outermost. */
    public int callDepth() { return callDepth; }
    public PacketEvent call(int phase, int depth) { call = phase; callDepth = depth; raresSet = true; return this; }

    /** For {@link #CALL_RETURN}: nanoseconds from the function's entry to its return. */
    public long durationNs() { return durationNs; }
    public PacketEvent durationNs(long v) { durationNs = v; raresSet = true; return this; }

    /** The name of the return value when the function returns an enum (from BTF), else null. */
    public String returnValueName() { return returnValueName; }
    public PacketEvent returnValueName(String v) { returnValueName = v; raresSet = true; return this; }

    /** The packet this one was copied or derived from (a clone, a trapped copy), 0 if none. */
    public long parentPacketId() { return parentPacketId; }
    public PacketEvent parentPacketId(long v) { parentPacketId = v; raresSet = true; return this; }

    /**
     * True when the probe applied the engine's kernel filter rules to this event's packet in BPF and
     * kept it, possibly deciding at an earlier event of the same packet (a sticky, per-packet
     * decision, for events whose own headers cannot be read, such as function returns). The engine
     * then does not test this event again against the filter whose rules it pushed into the kernel.
     */
    public boolean kernelFiltered() { return kernelFiltered; }
    public PacketEvent kernelFiltered(boolean v) { kernelFiltered = v; raresSet = true; return this; }

    /** Family of the outer header of an encapsulated packet, {@link #FAMILY_NONE} when not encapsulated. */
    public int outerFamily() { return outerFamily; }
    public PacketEvent outerFamily(int v) { outerFamily = v; raresSet = true; return this; }
    /** Raw outer source address (4 or 16 meaningful bytes); fill it in place. */
    public byte[] outerSrcBytes() { raresSet = true; return outerSrc; }
    /** Raw outer destination address, like {@link #outerSrcBytes()}. */
    public byte[] outerDstBytes() { raresSet = true; return outerDst; }
    public int outerProtocol() { return outerProtocol; }
    public PacketEvent outerProtocol(int v) { outerProtocol = v; raresSet = true; return this; }
    /** Outer TCP/UDP ports in host order, 0 if none. */
    public int outerSrcPort() { return outerSrcPort; }
    public int outerDstPort() { return outerDstPort; }
    public PacketEvent outerPorts(int src, int dst) { outerSrcPort = src; outerDstPort = dst; raresSet = true; return this; }

    /** The encapsulation between the outer and the inner header, e.g. {@code mpls-udp}, {@code vxlan}; null if none. */
    public String encap() { return encap; }
    public PacketEvent encap(String v) { encap = v; raresSet = true; return this; }

    /** The most packet bytes an event carries (the largest snap length). */
    public static final int MAX_PACKET_BYTES = 1024;

    /**
     * How many of the packet's first bytes the event carries, from its network header (IPv4 or IPv6
     * header first): 0 unless a sink asked for them ({@link Sink#packetBytes()}) and the probe could read them.
     */
    public int packetBytesLength() { return bytesLength; }

    /** The packet's bytes: the first {@link #packetBytesLength()} are meaningful (null when none ever were). Do not modify. */
    public byte[] packetBytes() { return bytes; }

    /** Sets the packet's first bytes (at most {@link #MAX_PACKET_BYTES}); reuses the event's array, so a pooled event does not allocate. */
    public PacketEvent packetBytes(byte[] from, int offset, int length) {
        int n = Math.min(length, MAX_PACKET_BYTES);
        System.arraycopy(from, offset, ensureBytes(n), 0, n);
        bytesLength = n;
        return this;
    }

    /** Like {@link #packetBytes(byte[], int, int)}, from a buffer at an absolute offset (a ring record). */
    public PacketEvent packetBytes(java.nio.ByteBuffer from, int offset, int length) {
        int n = Math.min(length, MAX_PACKET_BYTES);
        from.get(offset, ensureBytes(n), 0, n);
        bytesLength = n;
        return this;
    }

    private byte[] ensureBytes(int n) {
        if (bytes == null || bytes.length < n) {
            bytes = new byte[Math.max(n, 128)];
        }
        return bytes;
    }

    /** Adds a probe-specific attribute (e.g. {@code vif}, {@code vp_type}); ignored beyond {@link #MAX_ATTRS}. */
    public PacketEvent attr(String name, AttrKind kind, long value) {
        raresSet = true;
        if (attrCount < MAX_ATTRS) {
            attributes().set(attrCount++, name, kind, value, null);
        }
        return this;
    }

    /** Adds a text attribute. */
    public PacketEvent attr(String name, String text) {
        raresSet = true;
        if (attrCount < MAX_ATTRS) {
            attributes().set(attrCount++, name, AttrKind.TEXT, 0, text);
        }
        return this;
    }

    public int attrCount() { return attrCount; }
    public String attrName(int i) { return attrs.names[checkAttr(i)]; }
    public AttrKind attrKind(int i) { return attrs.kinds[checkAttr(i)]; }
    public long attrValue(int i) { return attrs.values[checkAttr(i)]; }
    public String attrText(int i) { return attrs.texts[checkAttr(i)]; }

    /** Index of the attribute of that name, or -1. */
    public int attrIndex(String name) {
        for (int i = 0; i < attrCount; i++) {
            if (attrs.names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The attribute's value as text: decimal, 0x-hex, aa:bb:.. MAC, dotted IPv4, or the text. Allocates. */
    public String formatAttr(int i) {
        long v = attrs.values[checkAttr(i)];
        switch (attrs.kinds[i]) {
            case HEX: return "0x" + Long.toHexString(v);
            case MAC: {
                StringBuilder sb = new StringBuilder(17);
                for (int shift = 40; shift >= 0; shift -= 8) {
                    int b = (int) (v >>> shift) & 0xff;
                    sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
                    if (shift > 0) {
                        sb.append(':');
                    }
                }
                return sb.toString();
            }
            case IPV4: return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
            case TEXT: return attrs.texts[i];
            default: return Long.toString(v);
        }
    }

    private int checkAttr(int i) {
        if (i < 0 || i >= attrCount) {
            throw new IndexOutOfBoundsException("attribute " + i + " of " + attrCount);
        }
        return i;
    }

    @Override
    public String toString() {
        return "PacketEvent{" + hook + " ns=" + netnsInode + " if=" + ifname + " " + srcAddress() + " -> "
                + dstAddress() + " proto=" + protocol + " icmp=" + icmpType + "/" + icmpId + "/" + icmpSeq + "}";
    }

    private Attributes attributes() {
        if (attrs == null) {
            attrs = new Attributes();
        }
        return attrs;
    }

    /** The attribute arrays of one event: name, kind, value and text at each index below the count. */
    private static final class Attributes {
        final String[] names = new String[MAX_ATTRS];
        final AttrKind[] kinds = new AttrKind[MAX_ATTRS];
        final long[] values = new long[MAX_ATTRS];
        final String[] texts = new String[MAX_ATTRS];

        void set(int i, String name, AttrKind kind, long value, String text) {
            names[i] = name;
            kinds[i] = kind;
            values[i] = value;
            texts[i] = text;
        }

        void copyFrom(Attributes o, int n) {
            System.arraycopy(o.names, 0, names, 0, n);
            System.arraycopy(o.kinds, 0, kinds, 0, n);
            System.arraycopy(o.values, 0, values, 0, n);
            System.arraycopy(o.texts, 0, texts, 0, n);
        }

        /** Drops the references at [from, to), so that a pooled event keeps no strings alive. */
        void forget(int from, int to) {
            for (int i = from; i < to; i++) {
                names[i] = null;
                texts[i] = null;
            }
        }
    }
}
