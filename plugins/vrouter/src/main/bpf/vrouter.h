/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The contract between vrouter.bpf.c and the plugin's Java side. Java reads the layout of these
 * structs and the values of these enums from the compiled object's BTF (io.pkttrace.plugins.vrouter.
 * ObjectLayout): nothing here is copied by hand, a renamed or moved field fails at load time with
 * its name. Every struct that crosses the boundary is used by a map or the record, so it is in BTF. */
#ifndef PKTTRACE_VROUTER_H
#define PKTTRACE_VROUTER_H

#define PT_VR_MAX_FUNCS   8192  /* traced functions: the attach cookie indexes pt_vr_funcs */
#define PT_VR_MAX_DEPTH   32    /* nested traced calls kept per thread */
#define PT_VR_MAX_THREADS 4096
#define PT_VR_MAX_PACKETS 16384 /* packets with an open traced call at once */
#define PT_VR_HDR_BYTES   256   /* bytes of a packet's headers read per event */
#define PT_VR_PKT_BYTES   64    /* at most this much of struct vr_packet is read */

/* What an event is. */
enum pt_vr_kind {
	PT_VR_ENTRY = 1,
	PT_VR_RETURN = 2,
	PT_VR_RETURN_MISSED = 3, /* the call was closed because a caller's return came first */
};

/* Bits of pt_vr_event.flags. */
enum pt_vr_flag {
	PT_VR_F_VP = 1 << 0,         /* the vr_packet fields were read */
	PT_VR_F_ETH = 1 << 1,        /* eth_* hold the Ethernet header (the frame was not classified yet) */
	PT_VR_F_ARP = 1 << 2,        /* arp_* hold an ARP header */
	PT_VR_F_CACHED = 1 << 3,     /* tuples are the packet's last ones seen (returns: the packet may be gone) */
	PT_VR_F_FILTERED = 1 << 4,   /* the kernel filter decided on this packet (sticky) and kept it */
	PT_VR_F_NEW_PACKET = 1 << 5, /* the first event of this packet */
	PT_VR_F_INHERITED = 1 << 6,  /* the function has no packet argument: the enclosing call's packet */
	PT_VR_F_VIF = 1 << 7,        /* vif and vif_name were read */
	PT_VR_F_NH = 1 << 8,         /* nh was read */
};

/* Encapsulation between the outer and the inner header. */
enum pt_vr_encap {
	PT_VR_ENCAP_NONE = 0,
	PT_VR_ENCAP_MPLS_UDP = 1,
	PT_VR_ENCAP_MPLS_GRE = 2,
	PT_VR_ENCAP_VXLAN = 3,
	PT_VR_ENCAP_GRE = 4, /* GRE carrying Ethernet or IP directly */
};

/* Counters of pt_vr_stats (per CPU), reported at the end of a run. */
enum pt_vr_stat {
	PT_VR_STAT_MISSED_RETURNS = 0,  /* calls closed without their return (e.g. longjmp, lost uretprobe) */
	PT_VR_STAT_ORPHAN_RETURNS = 1,  /* returns of calls entered before tracing started */
	PT_VR_STAT_TOO_DEEP = 2,        /* calls nested deeper than PT_VR_MAX_DEPTH, not traced */
	PT_VR_STAT_PACKETS_FULL = 3,    /* packet state could not be stored (more than PT_VR_MAX_PACKETS open) */
	PT_VR_STAT_THREADS_FULL = 4,    /* thread state could not be stored */
	PT_VR_STAT_READ_FAILED = 5,     /* a vr_packet or its headers could not be read */
	PT_VR_STAT_MAX = 8,
};

/* One header's five-tuple. */
struct pt_vr_tuple {
	__u8 family;    /* 4, 6, or 0: none */
	__u8 proto;
	__u8 has_l4;    /* ports or ICMP fields were read */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 _pad;
	__u16 sport;    /* host order */
	__u16 dport;
	__u16 icmp_id;
	__u16 icmp_seq;
	__u16 _pad2;
	__u8 saddr[16];
	__u8 daddr[16];
};

/* One ring-buffer record. */
struct pt_vr_event {
	__u64 ts_ns;
	__u64 packet_id;          /* 0: no packet */
	__u64 parent_id;          /* the packet this one was first seen inside (copy, clone), 0 if none */
	__u64 pkt;                /* the struct vr_packet address */
	__u64 retval;
	__u64 duration_ns;
	__u32 func;               /* the plugin's function id (the attach cookie) */
	__u32 parent_func;        /* with parent_id: the function of the parent open when it was first seen */
	__u32 tgid;
	__u32 tid;
	enum pt_vr_kind kind;
	enum pt_vr_flag flags;
	enum pt_vr_encap encap;
	__u32 encap_id;           /* MPLS label or VXLAN VNI */
	__u16 depth;              /* nesting among the thread's traced calls, 0 outermost */
	__u16 cpu;
	__s32 vif;                /* vr_interface vif_idx */
	__s32 nh;                 /* vr_nexthop nh_id */
	__u16 vp_data;
	__u16 vp_len;
	__u16 vp_network_h;
	__u16 vp_inner_network_h;
	__u16 vp_flags;
	__u8 vp_type;
	__u8 _pad;
	char vif_name[16];
	struct pt_vr_tuple inner; /* the packet's (the workload's) tuple; the only one when not tunnelled */
	struct pt_vr_tuple outer; /* the tunnel's outer tuple, family 0 when not tunnelled */
	__u8 eth_dst[6];
	__u8 eth_src[6];
	__u16 eth_proto;
	__u16 vlan;               /* 802.1Q VLAN id, 0xffff if untagged */
	__u16 arp_op;
	__u8 arp_sha[6];
	__u8 arp_spa[4];
	__u8 arp_tha[6];
	__u8 arp_tpa[4];
	__u16 caplen;             /* packet bytes after the record (the scratch's data), from the outer network header */
};

/* Per traced function, indexed by its id (the attach cookie). */
struct pt_vr_func {
	__s32 pkt_arg;    /* argument holding the packet, -1: none (events belong to the enclosing packet) */
	__u32 pkt_levels; /* 1: struct vr_packet *, 2: struct vr_packet ** */
};

/* Where the traced vrouter keeps things: offsets from its own BTF, set by Java before attaching. */
struct pt_vr_config {
	__u32 match_outer;        /* the filter matches the outer tuple of tunnelled packets */
	__u32 vp_size;            /* bytes of struct vr_packet to read (at most PT_VR_PKT_BYTES) */
	__u32 vp_head;            /* offsets in struct vr_packet */
	__u32 vp_if;
	__u32 vp_nh;
	__u32 vp_data;
	__u32 vp_tail;
	__u32 vp_len;
	__u32 vp_network_h;
	__u32 vp_inner_network_h;
	__u32 vp_flags;
	__u32 vp_type;
	__s32 vif_idx;            /* offset in struct vr_interface, -1 unknown */
	__u32 vif_idx_size;       /* 2 or 4 */
	__s32 vif_name;           /* offset of the name array in struct vr_interface, -1 unknown */
	__s32 nh_id;              /* offset in struct vr_nexthop, -1 unknown */
};

struct pt_vr_frame {
	__u64 pkt;
	__u64 packet_id;
	__u64 ts;
	__u32 func;
	__u32 keep;
};

/* A thread's open traced calls. */
struct pt_vr_thread {
	__u32 depth;
	__u32 _pad;
	struct pt_vr_frame frames[PT_VR_MAX_DEPTH];
};

/* A packet with an open traced call: its identity, sticky filter decision and last tuples. */
struct pt_vr_packet {
	__u64 id;
	__u64 parent;
	__u32 parent_func;
	__u32 open;
	__u32 keep;
	enum pt_vr_encap encap;
	__u32 encap_id;
	__u32 _pad;
	struct pt_vr_tuple inner;
	struct pt_vr_tuple outer;
};

#endif
