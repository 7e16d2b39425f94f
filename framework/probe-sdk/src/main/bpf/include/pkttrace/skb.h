/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Reading a packet out of a struct sk_buff with CO-RE: device, namespace, owner socket and the
 * IPv4/IPv6 + ICMP/TCP/UDP headers; pt_emit_skb() makes the standard record of one packet at one hook. */
#ifndef PKTTRACE_SKB_H
#define PKTTRACE_SKB_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "output.h"

#define PT_ETH_P_IP   0x0800
#define PT_ETH_P_IPV6 0x86DD

/* Where the L3 header is: at transmit the kernel has set network_header; on receive
 * (netif_receive_skb) it has not yet, and skb->data points at L3. */
enum pt_l3_at { PT_L3_NETWORK_HEADER, PT_L3_DATA };

/* How a program holds its sk_buff. TYPED: a BTF-typed pointer (tp_btf, fentry, a context cast with
 * bpf_cast_to_kern_ctx), whose fields are plain loads the verifier checks against the kernel's BTF,
 * ~50 ns cheaper each than a helper call. UNTYPED: a bare address (raw_tp, kprobe), whose every field
 * is read with bpf_probe_read_kernel at an offset CO-RE relocates against the BTF libbpf is given
 * (--btf FILE or the kernel's). A constant at every call site of these always-inlined helpers, so
 * each program keeps only its own kind of read: a typed program's code is the same as without this. */
enum pt_skb_ptr { PT_SKB_TYPED, PT_SKB_UNTYPED };
#define PT_READ(p, ptr, field) ((ptr) == PT_SKB_TYPED ? (p)->field : BPF_CORE_READ(p, field))

static __always_inline __u32 pt_netns_of_dev(struct net_device *dev)
{
	return dev ? BPF_CORE_READ(dev, nd_net.net, ns.inum) : 0;
}

/* pt_fill_dev and pt_fill_sock follow pointers from the skb. For a BTF-typed skb they are plain loads
 * (CO-RE relocated, made fault-safe by the verifier), a few ns each where a bpf_probe_read_kernel call
 * (BPF_CORE_READ) costs tens, and a record that passed the filter reads eight fields this way; for an
 * untyped one (raw_tp, kprobe) each is a CO-RE read. */
static __always_inline void pt_fill_dev(struct pkttrace_event *e, struct sk_buff *skb, enum pt_skb_ptr ptr)
{
	struct net_device *dev = PT_READ(skb, ptr, dev);

	if (dev) {
		e->ifindex = PT_READ(dev, ptr, ifindex);
		bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), dev->name);
		struct net *net = PT_READ(dev, ptr, nd_net.net);
		e->netns = net ? PT_READ(net, ptr, ns.inum) : 0;
	}
}

/* The owning socket tells a locally generated packet's process and, without a device, its namespace. */
static __always_inline void pt_fill_sock(struct pkttrace_event *e, struct sk_buff *skb, enum pt_skb_ptr ptr)
{
	struct sock *sk = PT_READ(skb, ptr, sk);

	if (!sk)
		return;
	/* Request and time-wait minisocks have no struct socket: skip them. */
	__u8 state = PT_READ(sk, ptr, __sk_common.skc_state);
	if (state == 12 /* TCP_NEW_SYN_RECV */ || state == 6 /* TCP_TIME_WAIT */)
		return;
	if (!e->netns) {
		struct net *net = PT_READ(sk, ptr, __sk_common.skc_net.net);
		e->netns = net ? PT_READ(net, ptr, ns.inum) : 0;
	}
	struct socket *so = PT_READ(sk, ptr, sk_socket);
	if (!so)
		return;
	struct file *file = PT_READ(so, ptr, file);
	struct inode *inode = file ? PT_READ(file, ptr, f_inode) : 0;
	if (inode)
		e->sk_ino = PT_READ(inode, ptr, i_ino);
}

/* Transport fields from the first 8 bytes of the L4 header (already read). */
static __always_inline void pt_l4_from(struct pkttrace_event *e, const __u8 *h)
{
	if (e->proto == 6 || e->proto == 17) { /* TCP and UDP start with the two ports */
		e->sport = ((__u16)h[0] << 8) | h[1];
		e->dport = ((__u16)h[2] << 8) | h[3];
		e->flags |= PT_F_HAS_L4;
	} else if (e->proto == 1 || e->proto == 58) { /* ICMP and ICMPv6: type, code, csum, id, seq */
		e->icmp_type = h[0];
		e->icmp_code = h[1];
		e->icmp_id = ((__u16)h[4] << 8) | h[5];
		e->icmp_seq = ((__u16)h[6] << 8) | h[7];
		e->flags |= PT_F_HAS_L4 | PT_F_ICMP;
	}
}

/* 1 when this program may load packet bytes straight through a BTF-typed sk_buff's head and data:
 * since Linux 6.17 the verifier types a pointer to a primitive type read from a BTF object (skb->head,
 * skb->data: unsigned char *) as read-only untrusted memory, whose loads are fault-safe probe loads (a
 * fault reads 0), a few ns each where a bpf_probe_read_kernel call costs tens. The same patch series
 * added BPF_FEAT_RDONLY_CAST_TO_VOID to the kernel's enum bpf_features: libbpf resolves this check
 * against the running kernel's BTF at load, and the verifier never walks the branch that kernel cannot
 * take (an older one keeps the helper). Untyped pointers (raw_tp, kprobe) always use the helper. */
enum bpf_features___pt { BPF_FEAT_RDONLY_CAST_TO_VOID___pt = 0 };

static __always_inline int pt_direct_loads(enum pt_skb_ptr ptr)
{
	return ptr == PT_SKB_TYPED && bpf_core_enum_value_exists(enum bpf_features___pt, BPF_FEAT_RDONLY_CAST_TO_VOID___pt);
}

/* Copies n header bytes (a constant) from src, an address derived from the sk_buff's
 * head or data, to dst on the stack; 0 on success, like bpf_probe_read_kernel. With direct loads a
 * fault reads zeros and cannot fail, which the parse below turns into "not an IP packet" (version 0).
 * The whole parse runs before the filter, so this is what a filtered-out packet costs. */
static __always_inline int pt_read_hdr(void *dst, __u32 n, const unsigned char *src, enum pt_skb_ptr ptr)
{
	if (pt_direct_loads(ptr)) {
		__u32 *d = dst;

#pragma unroll
		for (__u32 i = 0; i < n / 4; i++)
			d[i] = ((const __u32 *)src)[i];
		if (n & 2)
			*(__u16 *)((__u8 *)dst + (n & ~3u)) = *(const __u16 *)(src + (n & ~3u));
		if (n & 1)
			((__u8 *)dst)[n - 1] = src[n - 1];
		return 0;
	}
	return bpf_probe_read_kernel(dst, n, src);
}

/* Reads the L4 header at l4 (its own read: options or extension headers came first). */
static __always_inline void pt_parse_l4(struct pkttrace_event *e, const unsigned char *l4, enum pt_skb_ptr ptr)
{
	__u8 h[8];

	/* TCP/UDP need only the 4 port bytes: a shorter read cannot fail at the end of a buffer. */
	if (e->proto == 6 || e->proto == 17) {
		if (pt_read_hdr(h, 4, l4, ptr) == 0)
			pt_l4_from(e, h);
	} else if (e->proto == 1 || e->proto == 58) {
		if (pt_read_hdr(h, 8, l4, ptr) == 0)
			pt_l4_from(e, h);
	}
}

/* Walks up to four IPv6 extension headers (hop-by-hop, routing, destination options) after the
 * fixed header at l3. Returns the transport header's offset from l3 and sets *next to its protocol;
 * 0 when an extension header could not be read. */
static __always_inline __u32 pt_ipv6_skip_ext(const unsigned char *l3, __u8 *next, enum pt_skb_ptr ptr)
{
	__u32 off = 40;

	for (int i = 0; i < 4; i++) {
		if (*next != 0 && *next != 43 && *next != 60)
			break;
		__u8 ext[2];
		if (pt_read_hdr(ext, sizeof(ext), l3 + off, ptr))
			return 0;
		*next = ext[0];
		off += (ext[1] + 1) * 8;
	}
	return off;
}

/* Where the packet's L3 header is (see enum pt_l3_at). */
static __always_inline unsigned char *pt_l3_of(struct sk_buff *skb, enum pt_skb_ptr ptr, enum pt_l3_at where)
{
	if (where == PT_L3_DATA)
		return PT_READ(skb, ptr, data);
	__u16 nh = PT_READ(skb, ptr, network_header);
	return nh == (__u16)~0U ? PT_READ(skb, ptr, data) : PT_READ(skb, ptr, head) + nh;
}

/* Returns 0 when the packet is IPv4 or IPv6 and was parsed. */
static __always_inline int pt_parse_skb(struct pkttrace_event *e, struct sk_buff *skb, enum pt_skb_ptr ptr,
					enum pt_l3_at where)
{
	unsigned char *l3 = pt_l3_of(skb, ptr, where);
	__u16 proto = bpf_ntohs(PT_READ(skb, ptr, protocol));

	/* skb->protocol is set on every IP path these hooks see (eth_type_trans on receive, ip(6)_output
	 * and __ip(6)_local_out on transmit); an skb without it (netlink, unix, control buffers freed at
	 * consume_skb) is not an IP packet, and guessing from the first byte printed garbage. */
	if (proto != PT_ETH_P_IP && proto != PT_ETH_P_IPV6)
		return -1;

	/* The IP header and the first 8 bytes after it come in one helper call (each call costs more
	 * than the bytes): that is the transport header unless IPv4 options or IPv6 extension headers
	 * sit in between, which take a second read. Should the longer read fail (the header at the very
	 * end of mapped memory), the IP header is read alone. */
	if (proto == PT_ETH_P_IP) {
		struct { struct iphdr ip; __u8 l4[8]; } h;
		int l4_read = 1;
		if (pt_read_hdr(&h, sizeof(h), l3, ptr)) {
			if (pt_read_hdr(&h.ip, sizeof(h.ip), l3, ptr))
				return -1;
			l4_read = 0;
		}
		if (h.ip.version != 4)
			return -1;
		e->family = 4;
		e->proto = h.ip.protocol;
		__builtin_memcpy(e->saddr, &h.ip.saddr, 4);
		__builtin_memcpy(e->daddr, &h.ip.daddr, 4);
		e->flags |= PT_F_HAS_L3;
		/* Only the first fragment carries the L4 header. */
		if ((bpf_ntohs(h.ip.frag_off) & 0x1fff) != 0)
			return 0;
		if (h.ip.ihl == 5 && l4_read)
			pt_l4_from(e, h.l4);
		else
			pt_parse_l4(e, l3 + h.ip.ihl * 4, ptr);
		return 0;
	}
	if (proto == PT_ETH_P_IPV6) {
		struct { struct ipv6hdr ip6; __u8 l4[8]; } h;
		int l4_read = 1;
		if (pt_read_hdr(&h, sizeof(h), l3, ptr)) {
			if (pt_read_hdr(&h.ip6, sizeof(h.ip6), l3, ptr))
				return -1;
			l4_read = 0;
		}
		if (h.ip6.version != 6)
			return -1;
		e->family = 6;
		__builtin_memcpy(e->saddr, &h.ip6.saddr, 16);
		__builtin_memcpy(e->daddr, &h.ip6.daddr, 16);
		e->flags |= PT_F_HAS_L3;
		__u8 next = h.ip6.nexthdr;
		if (next != 0 && next != 43 && next != 60 && l4_read) {
			e->proto = next;
			pt_l4_from(e, h.l4);
			return 0;
		}
		__u32 l4at = pt_ipv6_skip_ext(l3, &next, ptr);
		if (!l4at)
			return 0;
		e->proto = next;
		pt_parse_l4(e, l3 + l4at, ptr);
		return 0;
	}
	return -1;
}

/* Fields every skb probe fills once the packet passed the filter (helper calls cost tens of ns each,
 * so a filtered packet does not pay for them). */
static __always_inline void pt_fill_common(struct pkttrace_event *e, struct sk_buff *skb, enum pt_skb_ptr ptr, __u16 hook)
{
	e->ts_ns = bpf_ktime_get_ns();
	e->skb = (__u64)skb;
	e->hook = hook;
	e->cpu = bpf_get_smp_processor_id();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->len = PT_READ(skb, ptr, len);
}

/* One record for one skb at one hook: parse, filter (before any further read), then complete and
 * submit. Returns 0, so a tracepoint program can end with it. pushed: link-layer bytes in front of the
 * data that the record's length must not count (a packet tap's socket filter sees the Ethernet header
 * pushed back, where the receive tracepoint sees the data at L3). */
static __always_inline int pt_emit_skb_as(struct sk_buff *skb, enum pt_skb_ptr ptr, __u16 hook, enum pt_l3_at where,
					  __s32 reason, __u32 pushed)
{
	struct pkttrace_event e = {};

	if (pt_parse_skb(&e, skb, ptr, where))
		return 0;
	if (pt_filtered_out(&e))
		return 0;
	pt_fill_common(&e, skb, ptr, hook);
	e.len -= pushed;
	e.reason = reason;
	pt_fill_dev(&e, skb, ptr);
	pt_fill_sock(&e, skb, ptr);
	if (pt_snap_len) { /* a verifier constant: without a sink asking for bytes, only pt_submit remains */
		unsigned char *l3 = pt_l3_of(skb, ptr, where);
		/* From the network header, as far as the linear data goes (headers always are; the payload
		 * of a large or paged buffer may be shorter than its length). */
		long linear = (long)(PT_READ(skb, ptr, len) - PT_READ(skb, ptr, data_len))
			      - (long)(l3 - PT_READ(skb, ptr, data));
		pt_submit_bytes(&e, l3, linear > 0 ? (__u64)linear : 0);
	} else {
		pt_submit(&e);
	}
	return 0;
}

/* pt_emit_skb_as for a BTF-typed skb. */
static __always_inline int pt_emit_skb_pushed(struct sk_buff *skb, __u16 hook, enum pt_l3_at where, __s32 reason,
					      __u32 pushed)
{
	return pt_emit_skb_as(skb, PT_SKB_TYPED, hook, where, reason, pushed);
}

/* A BTF-typed skb with nothing pushed: what tp_btf and fentry programs see. */
static __always_inline int pt_emit_skb(struct sk_buff *skb, __u16 hook, enum pt_l3_at where, __s32 reason)
{
	return pt_emit_skb_as(skb, PT_SKB_TYPED, hook, where, reason, 0);
}

/* An untyped skb (a raw_tp or kprobe argument): every field read with CO-RE. */
static __always_inline int pt_emit_skb_untyped(struct sk_buff *skb, __u16 hook, enum pt_l3_at where, __s32 reason)
{
	return pt_emit_skb_as(skb, PT_SKB_UNTYPED, hook, where, reason, 0);
}

#endif
