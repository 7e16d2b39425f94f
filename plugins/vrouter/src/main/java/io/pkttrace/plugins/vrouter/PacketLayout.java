package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the traced vrouter keeps what the BPF side reads: the fields of {@code struct vr_packet},
 * {@code vif_idx} and {@code vif_name} of {@code struct vr_interface}, {@code nh_id} of
 * {@code struct vr_nexthop}, taken from the target's own BTF (never assumed), and handed to BPF in
 * {@code pt_vr_config}.
 *
 * @param packetStruct the BTF id of struct vr_packet in the target's BTF
 * @param size         sizeof(struct vr_packet)
 * @param offsets      byte offset of each field in {@link #FIELDS}
 * @param vifIdx       offset of vif_idx in struct vr_interface, -1 unknown
 * @param vifIdxSize   its size, 2 or 4
 * @param vifName      offset of vif_name, -1 unknown
 * @param nhId         offset of nh_id in struct vr_nexthop, -1 unknown
 */
record PacketLayout(int packetStruct, int size, Map<String, Integer> offsets, int vifIdx, int vifIdxSize, int vifName,
                    int nhId) {
    /** The vr_packet fields BPF reads and their sizes (the BPF side reads them with these widths). */
    static final Map<String, Integer> FIELDS = Map.of("vp_head", 8, "vp_if", 8, "vp_nh", 8, "vp_data", 2, "vp_tail", 2,
            "vp_len", 2, "vp_network_h", 2, "vp_inner_network_h", 2, "vp_flags", 2, "vp_type", 1);
    /** The BPF side reads at most this much of a vr_packet (PT_VR_PKT_BYTES). */
    static final int MAX_SIZE = 64;

    /** Reads the layout from the target's BTF; {@code source} names that BTF in messages. */
    static PacketLayout of(Btf btf, String source) throws ConfigException {
        int pkt = btf.find("vr_packet", BtfKind.STRUCT);
        if (pkt < 0) {
            throw new ConfigException(source + " has no struct vr_packet: it does not describe a vrouter",
                    "give the BTF or the program of a vrouter (its vr_packet is the packet every datapath function takes)");
        }
        Map<String, Integer> offsets = new HashMap<>();
        Map<String, Btf.Member> members = members(btf, pkt);
        for (Map.Entry<String, Integer> f : FIELDS.entrySet()) {
            Btf.Member m = members.get(f.getKey());
            if (m == null) {
                throw new ConfigException(source + ": struct vr_packet has no field " + f.getKey(),
                        "this vrouter's packet layout is not supported (fields used: " + String.join(", ", FIELDS.keySet()) + ")");
            }
            long size = btf.sizeOf(m.type());
            if (size != f.getValue() || m.bitSize() != 0 || m.bitOffset() % 8 != 0) {
                throw new ConfigException(source + ": struct vr_packet field " + f.getKey() + " has " + size
                        + " bytes, pkttrace reads " + f.getValue(), "this vrouter's packet layout is not supported");
            }
            offsets.put(f.getKey(), m.byteOffset());
        }
        int size = (int) btf.sizeOf(pkt);
        if (offsets.values().stream().anyMatch(o -> o + 8 > MAX_SIZE)) {
            throw new ConfigException(source + ": the struct vr_packet fields pkttrace reads are not in its first "
                    + MAX_SIZE + " bytes", "this vrouter's packet layout is not supported");
        }
        int vifIdx = -1;
        int vifIdxSize = 2;
        int vifName = -1;
        int vif = btf.find("vr_interface", BtfKind.STRUCT);
        if (vif >= 0) {
            Map<String, Btf.Member> v = members(btf, vif);
            Btf.Member idx = v.get("vif_idx");
            if (idx != null && idx.bitSize() == 0 && (btf.sizeOf(idx.type()) == 2 || btf.sizeOf(idx.type()) == 4)) {
                vifIdx = idx.byteOffset();
                vifIdxSize = (int) btf.sizeOf(idx.type());
            }
            Btf.Member name = v.get("vif_name");
            if (name != null && btf.kind(btf.skipModifiers(name.type())) == BtfKind.ARRAY) {
                vifName = name.byteOffset();
            }
        }
        int nhId = -1;
        int nh = btf.find("vr_nexthop", BtfKind.STRUCT);
        if (nh >= 0) {
            Btf.Member id = members(btf, nh).get("nh_id");
            if (id != null && id.bitSize() == 0 && btf.sizeOf(id.type()) == 4) {
                nhId = id.byteOffset();
            }
        }
        return new PacketLayout(pkt, Math.min(size, MAX_SIZE), Map.copyOf(offsets), vifIdx, vifIdxSize, vifName, nhId);
    }

    private static Map<String, Btf.Member> members(Btf btf, int struct) {
        Map<String, Btf.Member> out = new HashMap<>();
        List<Btf.Member> list = btf.members(struct);
        for (Btf.Member m : list) {
            out.putIfAbsent(m.name(), m);
        }
        return out;
    }

    /** The value of the BPF side's {@code struct pt_vr_config}. */
    byte[] encode(ObjectLayout.Struct config, boolean matchOuter) {
        ObjectLayout.Writer w = config.writer().u32("match_outer", matchOuter ? 1 : 0).u32("vp_size", size)
                .u32("vif_idx", vifIdx).u32("vif_idx_size", vifIdxSize).u32("vif_name", vifName).u32("nh_id", nhId);
        for (Map.Entry<String, Integer> f : offsets.entrySet()) {
            w.u32(f.getKey(), f.getValue());
        }
        return w.bytes();
    }
}
