package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PacketEvent.AttrKind;
import io.pkttrace.api.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes {@code struct pt_vr_event} (vrouter.h) into events, at offsets read from the object's
 * BTF once (see {@link ObjectLayout}), without allocating per record: names are constants, and vif
 * names come from a small cache checked against the raw bytes.
 *
 * <p>The event's main tuple is the packet's own (for a tunnelled packet: the inner one, the
 * workload's); the tunnel's outer header goes to the outer fields. The Ethernet view before
 * classification, ARP addresses, and the vr_packet fields become attributes.
 */
final class VrouterRecordDecoder implements RecordDecoder {
    static final String PROBE = "vrouter";
    /** vp_type values of the vrouter ABI (vr_packet.h). */
    private static final String[] VP_TYPES = {"NULL", "ARP", "IP", "IP6", "IPOIP", "IP6OIP", "AGENT", "PBB", "UNKNOWN"};
    private static final String[] ENCAPS = {null, "mpls-udp", "mpls-gre", "vxlan", "gre"};
    private static final int CACHE = 64;

    private final String[] names;
    private final ReturnKind[] returns;
    private final int size;
    private final int ts, packetId, parentId, pkt, retval, duration, func, parentFunc, tgid, tid, kind, flags, encap,
            encapId, depth, cpu, vif, nh, vpData, vpLen, vpNetwork, vpInner, vpFlags, vpType, vifName, ethDst, ethSrc,
            ethProto, vlan, arpOp, arpSha, arpSpa, arpTha, arpTpa, caplen, data;
    private final Tuple inner;
    private final Tuple outer;
    private final int kEntry, kReturn, kMissed;
    private final int fVp, fEth, fArp, fFiltered, fInherited, fVif, fNh;
    private final byte[] scratch = new byte[16];
    private final byte[][] cacheBytes = new byte[CACHE][16];
    private final String[] cacheName = new String[CACHE];

    /** Offsets of one struct pt_vr_tuple. */
    private record Tuple(int family, int proto, int hasL4, int icmpType, int icmpCode, int sport, int dport, int icmpId,
                         int icmpSeq, int saddr, int daddr) {
        static Tuple at(ObjectLayout.Struct s, String p) {
            return new Tuple(s.offset(p + ".family", 1), s.offset(p + ".proto", 1), s.offset(p + ".has_l4", 1),
                    s.offset(p + ".icmp_type", 1), s.offset(p + ".icmp_code", 1), s.offset(p + ".sport", 2),
                    s.offset(p + ".dport", 2), s.offset(p + ".icmp_id", 2), s.offset(p + ".icmp_seq", 2),
                    s.offset(p + ".saddr", 16), s.offset(p + ".daddr", 16));
        }
    }

    VrouterRecordDecoder(ObjectLayout layout, List<TracedFunction> functions) {
        int max = functions.stream().mapToInt(TracedFunction::id).max().orElse(-1) + 1;
        names = new String[max];
        returns = new ReturnKind[max];
        for (TracedFunction f : functions) {
            names[f.id()] = f.name();
            returns[f.id()] = f.returns();
        }
        ObjectLayout.Struct s = layout.struct("pt_vr_event");
        size = s.size();
        ts = s.offset("ts_ns", 8);
        packetId = s.offset("packet_id", 8);
        parentId = s.offset("parent_id", 8);
        pkt = s.offset("pkt", 8);
        retval = s.offset("retval", 8);
        duration = s.offset("duration_ns", 8);
        func = s.offset("func", 4);
        parentFunc = s.offset("parent_func", 4);
        tgid = s.offset("tgid", 4);
        tid = s.offset("tid", 4);
        kind = s.offset("kind", 4);
        flags = s.offset("flags", 4);
        encap = s.offset("encap", 4);
        encapId = s.offset("encap_id", 4);
        depth = s.offset("depth", 2);
        cpu = s.offset("cpu", 2);
        vif = s.offset("vif", 4);
        nh = s.offset("nh", 4);
        vpData = s.offset("vp_data", 2);
        vpLen = s.offset("vp_len", 2);
        vpNetwork = s.offset("vp_network_h", 2);
        vpInner = s.offset("vp_inner_network_h", 2);
        vpFlags = s.offset("vp_flags", 2);
        vpType = s.offset("vp_type", 1);
        vifName = s.offset("vif_name", 16);
        inner = Tuple.at(s, "inner");
        outer = Tuple.at(s, "outer");
        ethDst = s.offset("eth_dst", 6);
        ethSrc = s.offset("eth_src", 6);
        ethProto = s.offset("eth_proto", 2);
        vlan = s.offset("vlan", 2);
        arpOp = s.offset("arp_op", 2);
        arpSha = s.offset("arp_sha", 6);
        arpSpa = s.offset("arp_spa", 4);
        arpTha = s.offset("arp_tha", 6);
        arpTpa = s.offset("arp_tpa", 4);
        caplen = s.offset("caplen", 2);
        data = layout.struct("pt_vr_scratch").offset("data", (int) layout.enumValue("pt_snap_limit", "PT_SNAP_MAX"))
                - layout.struct("pt_vr_scratch").offset("ev", size); // the bytes follow the record in the ring
        kEntry = (int) layout.enumValue("pt_vr_kind", "PT_VR_ENTRY");
        kReturn = (int) layout.enumValue("pt_vr_kind", "PT_VR_RETURN");
        kMissed = (int) layout.enumValue("pt_vr_kind", "PT_VR_RETURN_MISSED");
        fVp = (int) layout.enumValue("pt_vr_flag", "PT_VR_F_VP");
        fEth = (int) layout.enumValue("pt_vr_flag", "PT_VR_F_ETH");
        fArp = (int) layout.enumValue("pt_vr_flag", "PT_VR_F_ARP");
        fFiltered = (int) layout.enumValue("pt_vr_flag", "PT_VR_F_FILTERED");
        fInherited = (int) layout.enumValue("pt_vr_flag", "PT_VR_F_INHERITED");
        fVif = (int) layout.enumValue("pt_vr_flag", "PT_VR_F_VIF");
        fNh = (int) layout.enumValue("pt_vr_flag", "PT_VR_F_NH");
        checkEncaps(layout);
    }

    /** ENCAPS is indexed by enum pt_vr_encap: the object must agree. */
    private static void checkEncaps(ObjectLayout layout) {
        String[] c = {null, "PT_VR_ENCAP_MPLS_UDP", "PT_VR_ENCAP_MPLS_GRE", "PT_VR_ENCAP_VXLAN", "PT_VR_ENCAP_GRE"};
        for (int i = 1; i < c.length; i++) {
            if (layout.enumValue("pt_vr_encap", c[i]) != i) {
                throw new IllegalStateException("vrouter.bpf.o: enum pt_vr_encap " + c[i] + " is not " + i);
            }
        }
    }

    /** The function name of an id (for sinks and tests). */
    String name(int id) {
        return id >= 0 && id < names.length ? names[id] : null;
    }

    @Override
    public boolean decode(ByteBuffer b, int o, int length, PacketEvent e) {
        if (length < size) {
            return false;
        }
        int id = b.getInt(o + func);
        int k = b.getInt(o + kind);
        int f = b.getInt(o + flags);
        int phase = k == kEntry ? PacketEvent.CALL_ENTRY : k == kReturn ? PacketEvent.CALL_RETURN
                : k == kMissed ? PacketEvent.CALL_RETURN_MISSED : PacketEvent.CALL_NONE;
        e.timestampNs(b.getLong(o + ts)).packetId(b.getLong(o + packetId)).parentPacketId(b.getLong(o + parentId))
                .probe(PROBE).hook(id >= 0 && id < names.length && names[id] != null ? names[id] : "?")
                .call(phase, b.getShort(o + depth) & 0xffff).cpu(b.getShort(o + cpu) & 0xffff).pid(b.getInt(o + tgid))
                .kernelFiltered((f & fFiltered) != 0);
        e.attr("tid", AttrKind.NUMBER, b.getInt(o + tid) & 0xffffffffL);
        if (phase == PacketEvent.CALL_RETURN) {
            e.durationNs(b.getLong(o + duration));
            if (id >= 0 && id < returns.length && returns[id] != null) {
                returns[id].apply(b.getLong(o + retval), e);
            }
        }
        tuple(b, o, inner, e, false);
        tuple(b, o, outer, e, true);
        int enc = b.getInt(o + encap);
        if (enc > 0 && enc < ENCAPS.length) {
            e.encap(ENCAPS[enc]);
            e.attr(enc == 3 ? "vni" : enc == 4 ? "gre_key" : "label", AttrKind.NUMBER, b.getInt(o + encapId) & 0xffffffffL);
        }
        if ((f & fVp) != 0) {
            int type = b.get(o + vpType) & 0xff;
            e.length(b.getShort(o + vpLen) & 0xffff);
            e.attr("vp_type", type < VP_TYPES.length ? VP_TYPES[type] : "?");
            e.attr("vp_data", AttrKind.NUMBER, b.getShort(o + vpData) & 0xffff);
            e.attr("vp_network_h", AttrKind.NUMBER, b.getShort(o + vpNetwork) & 0xffff);
            int innerH = b.getShort(o + vpInner) & 0xffff;
            if (innerH != 0) {
                e.attr("vp_inner_network_h", AttrKind.NUMBER, innerH);
            }
            e.attr("vp_flags", AttrKind.HEX, b.getShort(o + vpFlags) & 0xffff);
            e.attr("pkt", AttrKind.HEX, b.getLong(o + pkt));
        }
        if ((f & fVif) != 0) {
            e.attr("vif", AttrKind.NUMBER, b.getInt(o + vif));
            e.ifname(vifName(b, o + vifName));
        }
        if ((f & fNh) != 0) {
            e.attr("nh", AttrKind.NUMBER, b.getInt(o + nh));
        }
        if ((f & fEth) != 0) {
            e.attr("eth_src", AttrKind.MAC, mac(b, o + ethSrc)).attr("eth_dst", AttrKind.MAC, mac(b, o + ethDst))
                    .attr("eth_proto", AttrKind.HEX, b.getShort(o + ethProto) & 0xffff);
            int v = b.getShort(o + vlan) & 0xffff;
            if (v != 0xffff) {
                e.attr("vlan", AttrKind.NUMBER, v);
            }
        }
        if ((f & fArp) != 0) {
            e.attr("arp_op", AttrKind.NUMBER, b.getShort(o + arpOp) & 0xffff)
                    .attr("arp_sha", AttrKind.MAC, mac(b, o + arpSha)).attr("arp_spa", AttrKind.IPV4, ipv4(b, o + arpSpa))
                    .attr("arp_tha", AttrKind.MAC, mac(b, o + arpTha)).attr("arp_tpa", AttrKind.IPV4, ipv4(b, o + arpTpa));
        }
        if ((f & fInherited) != 0) {
            e.attr("packet_of", "caller");
        }
        long parent = b.getLong(o + parentId);
        int pf = b.getInt(o + parentFunc);
        if (parent != 0 && pf >= 0 && pf < names.length && names[pf] != null) {
            e.attr("copied_in", names[pf]);
        }
        int c = b.getShort(o + caplen) & 0xffff;
        if (c > 0 && data + c <= length) { // the outer network header on, when a sink asked for packet bytes
            e.packetBytes(b, o + data, c);
        }
        return true;
    }

    private static void tuple(ByteBuffer b, int o, Tuple t, PacketEvent e, boolean isOuter) {
        int family = b.get(o + t.family()) & 0xff;
        if (family != 4 && family != 6) {
            return;
        }
        int proto = b.get(o + t.proto()) & 0xff;
        boolean l4 = b.get(o + t.hasL4()) != 0;
        boolean ports = l4 && (proto == PacketEvent.PROTO_TCP || proto == PacketEvent.PROTO_UDP);
        if (isOuter) {
            e.outerFamily(family).outerProtocol(proto);
            b.get(o + t.saddr(), e.outerSrcBytes(), 0, 16);
            b.get(o + t.daddr(), e.outerDstBytes(), 0, 16);
            if (ports) {
                e.outerPorts(b.getShort(o + t.sport()) & 0xffff, b.getShort(o + t.dport()) & 0xffff);
            }
            return;
        }
        e.family(family).protocol(proto);
        b.get(o + t.saddr(), e.srcBytes(), 0, 16);
        b.get(o + t.daddr(), e.dstBytes(), 0, 16);
        if (ports) {
            e.srcPort(b.getShort(o + t.sport()) & 0xffff).dstPort(b.getShort(o + t.dport()) & 0xffff);
        } else if (l4 && (proto == PacketEvent.PROTO_ICMP || proto == PacketEvent.PROTO_ICMPV6)) {
            e.icmpType(b.get(o + t.icmpType()) & 0xff).icmpCode(b.get(o + t.icmpCode()) & 0xff);
            if (e.isEchoRequest() || e.isEchoReply()) {
                e.icmpId(b.getShort(o + t.icmpId()) & 0xffff).icmpSeq(b.getShort(o + t.icmpSeq()) & 0xffff);
            }
        }
    }

    private static long mac(ByteBuffer b, int at) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b.get(at + i) & 0xff);
        }
        return v;
    }

    private static long ipv4(ByteBuffer b, int at) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (b.get(at + i) & 0xff);
        }
        return v;
    }

    /** The vif name, from a cache keyed by its bytes (names repeat on every event). */
    private String vifName(ByteBuffer b, int at) {
        if (b.get(at) == 0) {
            return null;
        }
        b.get(at, scratch, 0, 16);
        int h = java.util.Arrays.hashCode(scratch) & (CACHE - 1);
        if (cacheName[h] != null && java.util.Arrays.equals(cacheBytes[h], scratch)) {
            return cacheName[h];
        }
        int len = 0;
        while (len < 16 && scratch[len] != 0) {
            len++;
        }
        String name = new String(scratch, 0, len, StandardCharsets.UTF_8);
        System.arraycopy(scratch, 0, cacheBytes[h], 0, 16);
        cacheName[h] = name;
        return name;
    }
}
