// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* vrouter: entry and return of Tungsten Fabric vrouter datapath functions, per packet.
 *
 * One pair of programs per mechanism: uprobe/uretprobe (a user-space or DPDK vrouter), kprobe/
 * kretprobe, kprobe.multi/kretprobe.multi and fentry/fexit (vrouter.ko). Every function is attached
 * with a cookie, its id: pt_vr_funcs[id] says which argument holds the struct vr_packet (derived by
 * the plugin from BTF), pt_vr_config where the vr_packet fields are (from the target's BTF too).
 *
 * A packet is followed while one of its traced calls is open: the first call decides (the kernel
 * filter, or the parent packet's decision for a copy made inside another packet's call) and the
 * decision sticks to the vr_packet until its outermost call returns. Returns, and functions without
 * a packet argument, belong to the call they nest in. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pkttrace/output.h"
#include "pkttrace/export.h"
#include "vrouter.h"

#define PT_VR_NO_FUNC 0xffffffffu

/* vp_type values of the vrouter ABI (vr_packet.h), unchanged since 2015. */
#define VP_TYPE_NULL  0
#define VP_TYPE_ARP   1
#define VP_TYPE_IP    2
#define VP_TYPE_IP6   3
#define VP_TYPE_IPOIP 4
#define VP_TYPE_IP6OIP 5
#define VP_TYPE_AGENT 6

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_VR_MAX_FUNCS);
	__type(key, __u32);
	__type(value, struct pt_vr_func);
} pt_vr_funcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_vr_config);
} pt_vr_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PT_VR_MAX_THREADS);
	__type(key, __u64);
	__type(value, struct pt_vr_thread);
} pt_vr_threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PT_VR_MAX_PACKETS);
	__type(key, __u64);
	__type(value, struct pt_vr_packet);
} pt_vr_packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_VR_STAT_MAX);
	__type(key, __u32); /* enum pt_vr_stat */
	__type(value, __u64);
} pt_vr_stats SEC(".maps");

/* Per-CPU working memory: the record, the filter's input, the vr_packet bytes, the header bytes.
 * Header bytes are addressed with offsets masked to 0xff, so the buffer has room for a full
 * header read past any such offset. */
struct pt_vr_scratch {
	struct pt_vr_event ev;
	__u8 data[PT_SNAP_MAX];      /* right after ev: the packet's bytes a sink asked for (pt_snap_len) go out with it */
	__u32 l3_proto;
	__u32 ip_at;                 /* where the outer IP header starts in hdr, and how many of hdr's bytes follow it */
	__u32 ip_len;
	__u32 _pad;
	__u8 vp[PT_VR_PKT_BYTES * 2];
	__u8 hdr[PT_VR_HDR_BYTES * 2];
	struct pkttrace_event match; /* last: the SDK's record ends in its packet bytes (data[]) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_vr_scratch);
} pt_vr_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pt_vr_next_id SEC(".maps");

/* Never written: a zeroed thread state to insert (too large for the stack or an inline memset). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_vr_thread);
} pt_vr_zero_thread SEC(".maps");

PT_EXPORT_ENUM(pt_vr_stat)

static __always_inline void pt_vr_stat(enum pt_vr_stat idx)
{
	__u32 key = idx;
	__u64 *v = bpf_map_lookup_elem(&pt_vr_stats, &key);

	if (v)
		*v += 1;
}

static __always_inline long pt_vr_read(void *dst, __u32 size, const void *src, __u32 user)
{
	return user ? bpf_probe_read_user(dst, size, src) : bpf_probe_read_kernel(dst, size, src);
}

/* Header bytes at a masked offset (the logical bounds are checked against the read length). */
#define HB(s, off) ((s)->hdr[(off) & 0xff])

static __always_inline __u16 pt_vr_be16(struct pt_vr_scratch *s, __u32 off)
{
	return ((__u16)HB(s, off) << 8) | HB(s, off + 1);
}

/* A field of the vr_packet copy at an offset from the config (masked: Java keeps them < 64). */
static __always_inline __u64 pt_vr_vp_u64(struct pt_vr_scratch *s, __u32 off)
{
	__u64 v;

	__builtin_memcpy(&v, &s->vp[off & (PT_VR_PKT_BYTES - 1)], 8);
	return v;
}

static __always_inline __u16 pt_vr_vp_u16(struct pt_vr_scratch *s, __u32 off)
{
	__u16 v;

	__builtin_memcpy(&v, &s->vp[off & (PT_VR_PKT_BYTES - 1)], 2);
	return v;
}

/* Reads TCP/UDP ports or the ICMP header at l4. */
static __always_inline void pt_vr_l4(struct pt_vr_scratch *s, struct pt_vr_tuple *t, __u32 l4, __u32 len)
{
	if (!l4)
		return;
	if ((t->proto == 6 || t->proto == 17) && l4 + 4 <= len) {
		t->sport = pt_vr_be16(s, l4);
		t->dport = pt_vr_be16(s, l4 + 2);
		t->has_l4 = 1;
	} else if ((t->proto == 1 || t->proto == 58) && l4 + 8 <= len) {
		t->icmp_type = HB(s, l4);
		t->icmp_code = HB(s, l4 + 1);
		t->icmp_id = pt_vr_be16(s, l4 + 4);
		t->icmp_seq = pt_vr_be16(s, l4 + 6);
		t->has_l4 = 1;
	}
}

/* Parses an IPv4 or IPv6 header at off into the record's inner (or, with outer set, outer) tuple;
 * returns the L4 offset (0: none, e.g. a non-first fragment), or -1 when there is no IP header
 * there. Global functions here are verified once each instead of once per path of their callers. */
__noinline int pt_vr_ip(struct pt_vr_scratch *s, __u32 outer, __u32 off, __u32 len)
{
	if (!s)
		return -1;
	struct pt_vr_tuple *t = outer ? &s->ev.outer : &s->ev.inner;
	__u8 b0 = HB(s, off);

	if ((b0 >> 4) == 4) {
		__u32 ihl = (b0 & 0xf) * 4;

		if (ihl < 20 || off + ihl > len)
			return -1;
		t->family = 4;
		t->proto = HB(s, off + 9);
		__builtin_memcpy(t->saddr, &s->hdr[(off + 12) & 0xff], 4);
		__builtin_memcpy(t->daddr, &s->hdr[(off + 16) & 0xff], 4);
		if (pt_vr_be16(s, off + 6) & 0x1fff)
			return 0; /* only the first fragment has the L4 header */
		pt_vr_l4(s, t, off + ihl, len);
		return off + ihl;
	}
	if ((b0 >> 4) == 6 && off + 40 <= len) {
		__u8 next = HB(s, off + 6);
		__u32 p = off + 40;

		t->family = 6;
		__builtin_memcpy(t->saddr, &s->hdr[(off + 8) & 0xff], 16);
		__builtin_memcpy(t->daddr, &s->hdr[(off + 24) & 0xff], 16);
		for (int i = 0; i < 4; i++) { /* hop-by-hop, routing, destination options */
			if (next != 0 && next != 43 && next != 60)
				break;
			if (p + 2 > len)
				return 0;
			next = HB(s, p);
			p += (HB(s, p + 1) + 1) * 8;
		}
		t->proto = next;
		pt_vr_l4(s, t, p, len);
		return p;
	}
	return -1;
}

/* True when an IP packet starts at off and ends exactly where the frame ends: how a tunnel
 * payload is told from an Ethernet frame (whose first byte is a MAC address). */
static __always_inline int pt_vr_is_ip_payload(struct pt_vr_scratch *s, __u32 off, __u32 total)
{
	__u8 v = HB(s, off) >> 4;

	if (v == 4 && (HB(s, off) & 0xf) >= 5)
		return pt_vr_be16(s, off + 2) == total - off;
	if (v == 6)
		return pt_vr_be16(s, off + 4) + 40 == total - off;
	return 0;
}

/* Parses an Ethernet header (and up to two VLAN tags) at off; returns the L3 offset and sets
 * s->l3_proto, or -1. With record set, fills the record's Ethernet view. */
__noinline int pt_vr_eth(struct pt_vr_scratch *s, __u32 off, __u32 len, __u32 record)
{
	if (!s || off + 14 > len)
		return -1;
	__u16 p = pt_vr_be16(s, off + 12);
	__u16 vlan = 0xffff;
	__u32 l3 = off + 14;

	for (int i = 0; i < 2; i++) {
		if (p != 0x8100 && p != 0x88a8)
			break;
		if (l3 + 4 > len)
			return -1;
		if (vlan == 0xffff)
			vlan = pt_vr_be16(s, l3) & 0xfff;
		p = pt_vr_be16(s, l3 + 2);
		l3 += 4;
	}
	if (record) {
		__builtin_memcpy(s->ev.eth_dst, &s->hdr[off & 0xff], 6);
		__builtin_memcpy(s->ev.eth_src, &s->hdr[(off + 6) & 0xff], 6);
		s->ev.eth_proto = p;
		s->ev.vlan = vlan;
		s->ev.flags |= PT_VR_F_ETH;
	}
	s->l3_proto = p;
	return l3;
}

__noinline int pt_vr_arp(struct pt_vr_scratch *s, __u32 off, __u32 len)
{
	/* Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4 */
	if (!s || off + 28 > len || pt_vr_be16(s, off) != 1 || pt_vr_be16(s, off + 2) != 0x0800)
		return 0;
	s->ev.arp_op = pt_vr_be16(s, off + 6);
	__builtin_memcpy(s->ev.arp_sha, &s->hdr[(off + 8) & 0xff], 6);
	__builtin_memcpy(s->ev.arp_spa, &s->hdr[(off + 14) & 0xff], 4);
	__builtin_memcpy(s->ev.arp_tha, &s->hdr[(off + 18) & 0xff], 6);
	__builtin_memcpy(s->ev.arp_tpa, &s->hdr[(off + 24) & 0xff], 4);
	s->ev.flags |= PT_VR_F_ARP;
	return 0;
}

/* The tunnel payload at off: IP, or an Ethernet frame carrying IP. */
static __always_inline void pt_vr_payload(struct pt_vr_scratch *s, __u32 off, __u32 len, __u32 total, int eth)
{
	if (!eth && pt_vr_is_ip_payload(s, off, total)) {
		pt_vr_ip(s, 0, off, len);
		return;
	}
	int l3 = pt_vr_eth(s, off, len, 0);
	if (l3 > 0 && (s->l3_proto == 0x0800 || s->l3_proto == 0x86dd))
		pt_vr_ip(s, 0, l3, len);
}

/* After an outer IP header (already in ev.inner): if it is a tunnel vrouter uses (MPLS over UDP
 * or GRE, VXLAN), moves it to ev.outer and parses the payload into ev.inner. */
__noinline int pt_vr_tunnel(struct pt_vr_scratch *s, __u32 l4, __u32 len, __u32 total)
{
	if (!s)
		return 0;
	struct pt_vr_tuple *t = &s->ev.inner;
	__u32 mpls = 0;
	__u32 payload = 0;
	int eth = 0;
	enum pt_vr_encap encap = PT_VR_ENCAP_NONE;

	if (!l4)
		return 0;
	if (t->proto == 17 && t->has_l4) {
		if (t->dport == 6635 || t->dport == 51234) { /* VR_MPLS_OVER_UDP_{NEW,OLD}_DST_PORT */
			encap = PT_VR_ENCAP_MPLS_UDP;
			mpls = l4 + 8;
		} else if (t->dport == 4789) { /* VR_VXLAN_UDP_DST_PORT */
			if (l4 + 16 > len)
				return 0;
			encap = PT_VR_ENCAP_VXLAN;
			s->ev.encap_id = ((__u32)HB(s, l4 + 12) << 16) | ((__u32)HB(s, l4 + 13) << 8) | HB(s, l4 + 14);
			payload = l4 + 16;
			eth = 1;
		}
	} else if (t->proto == 47 && l4 + 4 <= len) {
		__u16 flags = pt_vr_be16(s, l4);
		__u16 proto = pt_vr_be16(s, l4 + 2);
		__u32 glen = 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + ((flags & 0x1000) ? 4 : 0);

		if (proto == 0x8847) {
			encap = PT_VR_ENCAP_MPLS_GRE;
			mpls = l4 + glen;
		} else if (proto == 0x6558 || proto == 0x0800 || proto == 0x86dd) {
			encap = PT_VR_ENCAP_GRE;
			payload = l4 + glen;
			eth = proto == 0x6558;
		}
	}
	if (encap == PT_VR_ENCAP_NONE)
		return 0;
	if (mpls) {
		for (int i = 0; i < 3; i++) {
			if (mpls + 4 > len)
				return 0;
			__u32 label = ((__u32)HB(s, mpls) << 12) | ((__u32)HB(s, mpls + 1) << 4) | (HB(s, mpls + 2) >> 4);
			int bottom = HB(s, mpls + 2) & 1;

			if (i == 0)
				s->ev.encap_id = label;
			mpls += 4;
			if (bottom)
				break;
		}
		payload = mpls;
	}
	s->ev.outer = *t;
	__builtin_memset(t, 0, sizeof(*t));
	s->ev.encap = encap;
	pt_vr_payload(s, payload, len, total, eth);
	return 0;
}

/* Parses the headers of the record's packet: the Ethernet frame at vp_data before vr_pkt_type()
 * classified it, else ARP or IP at vp_network_h (the outer header once tunnelled). A global
 * function: verified once, not once per caller path. */
__noinline int pt_vr_parse_headers(struct pt_vr_scratch *s, __u32 len, __u32 total, __u32 l2)
{
	int l3 = 0;
	int l4;

	if (!s)
		return 0;
	if (len > PT_VR_HDR_BYTES)
		len = PT_VR_HDR_BYTES;
	if (l2) {
		l3 = pt_vr_eth(s, 0, len, 1);
		if (l3 < 0)
			return 0;
		if (s->l3_proto == 0x0806) {
			pt_vr_arp(s, l3, len);
			return 0;
		}
		if (s->l3_proto != 0x0800 && s->l3_proto != 0x86dd)
			return 0;
	} else if (s->ev.vp_type == VP_TYPE_ARP) {
		pt_vr_arp(s, 0, len);
		return 0;
	}
	s->ip_at = l3;
	s->ip_len = len > (__u32)l3 ? len - l3 : 0;
	l4 = pt_vr_ip(s, 0, l3, len);
	if (l4 > 0)
		pt_vr_tunnel(s, l4, len, total);
	return 0;
}

/* Reads the vr_packet at pkt and its headers into the record. 0 on success. */
__noinline int pt_vr_read_packet(struct pt_vr_scratch *s, __u64 pkt, __u32 user)
{
	__u32 zero = 0;
	struct pt_vr_config *c = bpf_map_lookup_elem(&pt_vr_config, &zero);

	if (!s || !c || !pkt)
		return -1;
	__u32 size = c->vp_size;
	s->ip_len = 0; /* until this packet's IP header is found */
	if (size > PT_VR_PKT_BYTES)
		size = PT_VR_PKT_BYTES;
	if (size < 8 || pt_vr_read(s->vp, size, (void *)pkt, user)) {
		pt_vr_stat(PT_VR_STAT_READ_FAILED);
		return -1;
	}
	__u64 head = pt_vr_vp_u64(s, c->vp_head);
	__u64 vif = pt_vr_vp_u64(s, c->vp_if);
	__u64 nh = pt_vr_vp_u64(s, c->vp_nh);
	__u16 data = pt_vr_vp_u16(s, c->vp_data);
	__u16 tail = pt_vr_vp_u16(s, c->vp_tail);
	__u16 plen = pt_vr_vp_u16(s, c->vp_len);
	__u16 network = pt_vr_vp_u16(s, c->vp_network_h);

	s->ev.pkt = pkt;
	s->ev.vp_data = data;
	s->ev.vp_len = plen;
	s->ev.vp_network_h = network;
	s->ev.vp_inner_network_h = pt_vr_vp_u16(s, c->vp_inner_network_h);
	s->ev.vp_flags = pt_vr_vp_u16(s, c->vp_flags);
	s->ev.vp_type = s->vp[c->vp_type & (PT_VR_PKT_BYTES - 1)];
	s->ev.flags |= PT_VR_F_VP;
	s->ev.vif = -1;
	s->ev.nh = -1;
	if (vif && c->vif_idx >= 0) {
		__u32 idx = 0;

		if (!pt_vr_read(&idx, c->vif_idx_size == 2 ? 2 : 4, (void *)(vif + c->vif_idx), user)) {
			s->ev.vif = idx;
			s->ev.flags |= PT_VR_F_VIF;
			if (c->vif_name >= 0)
				pt_vr_read(s->ev.vif_name, sizeof(s->ev.vif_name) - 1, (void *)(vif + c->vif_name), user);
		}
	}
	if (nh && c->nh_id >= 0) {
		__u32 id = 0;

		if (!pt_vr_read(&id, 4, (void *)(nh + c->nh_id), user)) {
			s->ev.nh = id;
			s->ev.flags |= PT_VR_F_NH;
		}
	}
	if (!head)
		return 0;
	/* Before classification (or with no network header) the frame starts at vp_data. */
	__u32 l2 = s->ev.vp_type == VP_TYPE_NULL || network == 0 || s->ev.vp_type > VP_TYPE_AGENT;
	__u32 start = l2 ? data : network;
	__u32 end = (__u32)data + plen;
	if (start >= end || tail <= start)
		return 0;
	__u32 len = tail - start;
	if (len > PT_VR_HDR_BYTES)
		len = PT_VR_HDR_BYTES;
	if (len < 14 || pt_vr_read(s->hdr, len, (void *)(head + start), user)) {
		pt_vr_stat(PT_VR_STAT_READ_FAILED);
		return 0;
	}
	return pt_vr_parse_headers(s, len, end - start, l2);
}

static __always_inline struct pt_vr_scratch *pt_vr_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&pt_vr_scratch, &zero);
}

/* The thread's state key: the task; the idle tasks of all CPUs share pid 0, so they get the CPU. */
static __always_inline __u64 pt_vr_thread_key(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	if ((__u32)id == 0)
		return 0xffffffff00000000ULL | bpf_get_smp_processor_id();
	return id;
}

static __always_inline __u32 pt_vr_filter_enabled(void)
{
	__u32 zero = 0;
	struct pkttrace_filter *f = bpf_map_lookup_elem(&pt_filter, &zero);

	return f && f->enabled;
}

#define PT_VR_UNDECIDED 2

/* 1 when the kernel filter keeps the record's packet, matching its inner (the workload's) tuple,
 * or, when configured so, the outer one of a tunnelled packet. A packet without an outer header
 * yet (on its way to be encapsulated) is PT_VR_UNDECIDED then: decided once a call sees one. */
static __always_inline __u32 pt_vr_decide(struct pt_vr_scratch *s)
{
	__u32 zero = 0;
	struct pt_vr_config *c = bpf_map_lookup_elem(&pt_vr_config, &zero);
	struct pt_vr_tuple *t = &s->ev.inner;

	if (c && c->match_outer) {
		if (!s->ev.outer.family)
			return pt_vr_filter_enabled() ? PT_VR_UNDECIDED : 1;
		t = &s->ev.outer;
	}
	__builtin_memset(&s->match, 0, sizeof(s->match));
	s->match.family = t->family;
	s->match.proto = t->proto;
	__builtin_memcpy(s->match.saddr, t->saddr, 16);
	__builtin_memcpy(s->match.daddr, t->daddr, 16);
	s->match.sport = t->sport;
	s->match.dport = t->dport;
	return pt_filter_match(&s->match);
}

static __always_inline __u64 pt_vr_new_id(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&pt_vr_next_id, &zero);
	__u64 v = 0;

	if (n)
		v = ++*n;
	return ((__u64)bpf_get_smp_processor_id() << 48) | (v & 0xffffffffffffULL);
}

/* The record and, when a sink asked for packet bytes (pt_snap_len, a verifier constant: 0 leaves this as
 * it was), as many of the header bytes this event read as fit, from the outer network header: at most
 * PT_VR_HDR_BYTES, what the probe reads of every packet anyway. */
static __always_inline void pt_vr_submit(struct pt_vr_scratch *s)
{
	__u64 snap = pt_snap_len < PT_SNAP_MAX ? pt_snap_len : PT_SNAP_MAX;

	s->ev.caplen = 0;
	if (snap && (s->ev.flags & PT_VR_F_VP) && s->ip_len) {
		__u64 n = s->ip_len < snap ? s->ip_len : snap;
		if (n > PT_VR_HDR_BYTES)
			n = PT_VR_HDR_BYTES;
		if (bpf_probe_read_kernel(s->data, n, &s->hdr[s->ip_at & 0xff]) == 0)
			s->ev.caplen = n;
	}
	pt_count(PT_CNT_EMITTED);
	if (bpf_ringbuf_output(&pt_events, &s->ev, sizeof(s->ev) + snap, BPF_RB_NO_WAKEUP) != 0)
		pt_count(PT_CNT_LOST);
}

static __always_inline void pt_vr_common(struct pt_vr_scratch *s, __u32 func, enum pt_vr_kind kind, __u32 depth)
{
	__u64 id = bpf_get_current_pid_tgid();

	s->ev.ts_ns = bpf_ktime_get_ns();
	s->ev.func = func;
	s->ev.kind = kind;
	s->ev.depth = depth;
	s->ev.cpu = bpf_get_smp_processor_id();
	s->ev.tgid = id >> 32;
	s->ev.tid = (__u32)id;
}

/* A traced function was entered with pkt (0: it has no packet argument). */
__noinline int pt_vr_entry(__u32 func, __u64 pkt, __u32 user)
{
	struct pt_vr_scratch *s = pt_vr_scratch_get();
	__u64 key = pt_vr_thread_key();
	struct pt_vr_thread *th;
	struct pt_vr_packet *st;
	__u64 id = 0, parent = 0;
	__u32 keep, parent_func = PT_VR_NO_FUNC, depth, inherited = 0, is_new = 0;
	__u64 up_pkt = 0, up_id = 0;
	__u32 up_keep = 0, up_func = PT_VR_NO_FUNC;

	if (!s)
		return 0;
	th = bpf_map_lookup_elem(&pt_vr_threads, &key);
	if (!th) {
		__u32 zero = 0;
		struct pt_vr_thread *blank = bpf_map_lookup_elem(&pt_vr_zero_thread, &zero);

		if (blank)
			bpf_map_update_elem(&pt_vr_threads, &key, blank, BPF_NOEXIST);
		th = bpf_map_lookup_elem(&pt_vr_threads, &key);
		if (!th) {
			pt_vr_stat(PT_VR_STAT_THREADS_FULL);
			return 0;
		}
	}
	depth = th->depth;
	if (depth >= PT_VR_MAX_DEPTH) {
		if (depth < 0xffff)
			th->depth = depth + 1; /* counted so that the returns balance */
		pt_vr_stat(PT_VR_STAT_TOO_DEEP);
		return 0;
	}
	if (depth > 0) {
		struct pt_vr_frame *up = &th->frames[(depth - 1) & (PT_VR_MAX_DEPTH - 1)];

		up_pkt = up->pkt;
		up_id = up->packet_id;
		up_keep = up->keep;
		up_func = up->func;
	}
	if (!pkt && up_pkt) {
		pkt = up_pkt;
		inherited = 1;
	}
	__builtin_memset(&s->ev, 0, sizeof(s->ev));
	if (pkt) {
		pt_vr_read_packet(s, pkt, user);
		st = bpf_map_lookup_elem(&pt_vr_packets, &pkt);
		if (st && st->open > 0) {
			if (st->keep == PT_VR_UNDECIDED && s->ev.outer.family)
				st->keep = pt_vr_decide(s); /* the outer header appeared: match it now */
			id = st->id;
			keep = st->keep;
			parent = st->parent;
			parent_func = st->parent_func;
			st->open++;
			if (s->ev.inner.family || s->ev.outer.family) {
				st->inner = s->ev.inner;
				st->outer = s->ev.outer;
				st->encap = s->ev.encap;
				st->encap_id = s->ev.encap_id;
			}
		} else {
			struct pt_vr_packet fresh = {};

			is_new = 1;
			id = pt_vr_new_id();
			if (up_id && up_pkt != pkt) {
				/* first seen inside another packet's call: a copy or clone it handed on */
				parent = up_id;
				parent_func = up_func;
				keep = up_keep;
			} else {
				keep = pt_vr_decide(s);
			}
			fresh.id = id;
			fresh.parent = parent;
			fresh.parent_func = parent_func;
			fresh.open = 1;
			fresh.keep = keep;
			fresh.inner = s->ev.inner;
			fresh.outer = s->ev.outer;
			fresh.encap = s->ev.encap;
			fresh.encap_id = s->ev.encap_id;
			if (bpf_map_update_elem(&pt_vr_packets, &pkt, &fresh, BPF_ANY))
				pt_vr_stat(PT_VR_STAT_PACKETS_FULL);
		}
	} else {
		keep = !pt_vr_filter_enabled();
	}
	keep = keep == 1; /* undecided: not shown until decided */
	struct pt_vr_frame *fr = &th->frames[depth & (PT_VR_MAX_DEPTH - 1)];
	fr->pkt = pkt;
	fr->packet_id = id;
	fr->ts = bpf_ktime_get_ns();
	fr->func = func;
	fr->keep = keep;
	th->depth = depth + 1;
	if (!keep) {
		pt_count(PT_CNT_FILTERED);
		return 0;
	}
	pt_vr_common(s, func, PT_VR_ENTRY, depth);
	s->ev.packet_id = id;
	s->ev.parent_id = parent;
	s->ev.parent_func = parent_func;
	if (pt_vr_filter_enabled())
		s->ev.flags |= PT_VR_F_FILTERED;
	if (is_new)
		s->ev.flags |= PT_VR_F_NEW_PACKET;
	if (inherited)
		s->ev.flags |= PT_VR_F_INHERITED;
	pt_vr_submit(s);
	return 0;
}

/* Closes frame i of th: a return event (or a missed one), and the packet's open count. */
__noinline int pt_vr_close_frame(struct pt_vr_thread *th, __u32 i, __u64 retval, __u32 kind)
{
	struct pt_vr_scratch *s = pt_vr_scratch_get();
	struct pt_vr_packet *st = 0;
	struct pt_vr_frame *fr;
	__u64 now = bpf_ktime_get_ns();

	if (!th || !s || i >= PT_VR_MAX_DEPTH)
		return 0;
	PT_OPAQUE(i); /* keep the mask: clang drops it after the check, the verifier needs it */
	fr = &th->frames[i & (PT_VR_MAX_DEPTH - 1)];
	if (fr->pkt) {
		__u64 pkt = fr->pkt;

		st = bpf_map_lookup_elem(&pt_vr_packets, &pkt);
		if (st && st->id != fr->packet_id)
			st = 0; /* the state was evicted and reused: not ours */
	}
	if (fr->keep) {
		__builtin_memset(&s->ev, 0, sizeof(s->ev));
		pt_vr_common(s, fr->func, kind, i);
		s->ev.ts_ns = now;
		s->ev.packet_id = fr->packet_id;
		s->ev.pkt = fr->pkt;
		s->ev.retval = retval;
		s->ev.duration_ns = now - fr->ts;
		s->ev.vif = -1;
		s->ev.nh = -1;
		if (pt_vr_filter_enabled())
			s->ev.flags |= PT_VR_F_FILTERED;
		if (st) {
			s->ev.parent_id = st->parent;
			s->ev.parent_func = st->parent_func;
			s->ev.inner = st->inner;
			s->ev.outer = st->outer;
			s->ev.encap = st->encap;
			s->ev.encap_id = st->encap_id;
			s->ev.flags |= PT_VR_F_CACHED;
		}
		pt_vr_submit(s);
	} else {
		pt_count(PT_CNT_FILTERED);
	}
	if (st) {
		if (st->open <= 1) {
			__u64 pkt = fr->pkt;

			bpf_map_delete_elem(&pt_vr_packets, &pkt);
		} else {
			st->open--;
		}
	}
	return 0;
}

/* Closes the frames above `found` as calls whose return was missed, then `found` itself with
 * its return value. A global function, so that the verifier checks it once for an unknown
 * `found` instead of once per value the caller's search loop can produce. */
__noinline int pt_vr_unwind(struct pt_vr_thread *th, __u32 found, __u32 depth, __u64 retval)
{
	if (!th || found >= PT_VR_MAX_DEPTH)
		return 0;
	for (__u32 i = PT_VR_MAX_DEPTH - 1; i > 0; i--) {
		if (i < depth && i > found) {
			pt_vr_close_frame(th, i, 0, PT_VR_RETURN_MISSED);
			pt_vr_stat(PT_VR_STAT_MISSED_RETURNS);
		}
	}
	pt_vr_close_frame(th, found, retval, PT_VR_RETURN);
	th->depth = found;
	return 0;
}

/* A traced function returned. Its frame is normally the thread's top one; frames above it are
 * calls whose return was missed (closed as such); a return without a frame is one of a call
 * entered before tracing started. */
__noinline int pt_vr_return(__u32 func, __u64 retval)
{
	__u64 key = pt_vr_thread_key();
	struct pt_vr_thread *th = bpf_map_lookup_elem(&pt_vr_threads, &key);
	__u32 depth;

	if (!th || th->depth == 0) {
		pt_vr_stat(PT_VR_STAT_ORPHAN_RETURNS);
		return 0;
	}
	depth = th->depth;
	if (depth > PT_VR_MAX_DEPTH) {
		th->depth = depth - 1;
		return 0;
	}
	for (int i = PT_VR_MAX_DEPTH - 1; i >= 0; i--) {
		if (i < depth && th->frames[i].func == func)
			return pt_vr_unwind(th, i, depth, retval);
	}
	pt_vr_stat(PT_VR_STAT_ORPHAN_RETURNS);
	return 0;
}

/* The packet argument from registers (kprobe, uprobe): six are passed in registers. Read with
 * CO-RE (the SDK's vmlinux.h has only the pt_regs members it uses, not the kernel's offsets); a
 * direct context load would need a constant offset, and clang would merge the cases into one. */
static __always_inline __u64 pt_vr_reg_arg(struct pt_regs *ctx, __s32 n)
{
	switch (n) {
	case 0: return PT_REGS_PARM1_CORE(ctx);
	case 1: return PT_REGS_PARM2_CORE(ctx);
	case 2: return PT_REGS_PARM3_CORE(ctx);
	case 3: return PT_REGS_PARM4_CORE(ctx);
	case 4: return PT_REGS_PARM5_CORE(ctx);
#if defined(__TARGET_ARCH_x86)
	case 5: return BPF_CORE_READ(ctx, r9);
#endif
	default: return 0;
	}
}

/* The packet: the argument itself, or what it points to for struct vr_packet **. */
static __always_inline __u64 pt_vr_deref(__u64 arg, __u32 levels, __u32 user)
{
	__u64 p = 0;

	if (arg && levels == 2) {
		if (pt_vr_read(&p, sizeof(p), (void *)arg, user))
			return 0;
		return p;
	}
	return arg;
}

static __always_inline int pt_vr_regs_entry(struct pt_regs *ctx, __u32 user)
{
	__u32 func = bpf_get_attach_cookie(ctx);
	struct pt_vr_func *f = bpf_map_lookup_elem(&pt_vr_funcs, &func);
	__u64 pkt = 0;

	if (f && f->pkt_arg >= 0)
		pkt = pt_vr_deref(pt_vr_reg_arg(ctx, f->pkt_arg), f->pkt_levels, user);
	return pt_vr_entry(func, pkt, user);
}

SEC("uprobe.multi") /* one link for all functions where the kernel has it (6.6+), else classic uprobes */
int pt_vr_uprobe(struct pt_regs *ctx)
{
	return pt_vr_regs_entry(ctx, 1);
}

SEC("uretprobe.multi")
int pt_vr_uretprobe(struct pt_regs *ctx)
{
	return pt_vr_return(bpf_get_attach_cookie(ctx), PT_REGS_RC(ctx));
}

SEC("kprobe")
int pt_vr_kprobe(struct pt_regs *ctx)
{
	return pt_vr_regs_entry(ctx, 0);
}

SEC("kretprobe")
int pt_vr_kretprobe(struct pt_regs *ctx)
{
	return pt_vr_return(bpf_get_attach_cookie(ctx), PT_REGS_RC(ctx));
}

SEC("kprobe.multi")
int pt_vr_kprobe_multi(struct pt_regs *ctx)
{
	return pt_vr_regs_entry(ctx, 0);
}

SEC("kretprobe.multi")
int pt_vr_kretprobe_multi(struct pt_regs *ctx)
{
	return pt_vr_return(bpf_get_attach_cookie(ctx), PT_REGS_RC(ctx));
}

/* fentry/fexit: loaded once per function (the target is part of the program), the arguments come
 * from the trampoline, with their number checked by bpf_get_func_arg. */
SEC("fentry")
int pt_vr_fentry(__u64 *ctx)
{
	__u32 func = bpf_get_attach_cookie(ctx);
	struct pt_vr_func *f = bpf_map_lookup_elem(&pt_vr_funcs, &func);
	__u64 arg = 0;

	if (f && f->pkt_arg >= 0 && bpf_get_func_arg(ctx, f->pkt_arg, &arg) == 0)
		return pt_vr_entry(func, pt_vr_deref(arg, f->pkt_levels, 0), 0);
	return pt_vr_entry(func, 0, 0);
}

SEC("fexit")
int pt_vr_fexit(__u64 *ctx)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	return pt_vr_return(bpf_get_attach_cookie(ctx), ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
