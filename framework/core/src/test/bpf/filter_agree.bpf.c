// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: runs the shared five-tuple filter (pkttrace/filter.h) on a crafted packet through
 * BPF_PROG_TEST_RUN, so that tests can compare the kernel's decision with the Java reference
 * (io.pkttrace.api.TupleRules) on the same packets. Parses Ethernet + IPv4/IPv6 (+ hop-by-hop,
 * routing and destination-options headers) + TCP/UDP/ICMP/ICMPv6 into the same struct
 * pkttrace_event fields the probes fill (see pkttrace/skb.h), then asks pt_filter_match().
 * Returns XDP_PASS on a match, XDP_DROP on no match, and XDP_ABORTED when the packet could not be
 * parsed (a test failure, never a filter decision). Never shipped in a plugin. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "pkttrace/event.h"
#include "pkttrace/filter.h"

#define ETH_TYPE_IP   0x0800
#define ETH_TYPE_IPV6 0x86DD

static __always_inline void parse_l4(struct pkttrace_event *e, unsigned char *l4, void *end)
{
	if (e->proto == 6 || e->proto == 17) { /* TCP and UDP start with the two ports */
		if ((void *)(l4 + 4) > end)
			return;
		e->sport = ((__u16)l4[0] << 8) | l4[1];
		e->dport = ((__u16)l4[2] << 8) | l4[3];
		e->flags |= PT_F_HAS_L4;
	} else if (e->proto == 1 || e->proto == 58) { /* type, code, checksum, id, seq */
		if ((void *)(l4 + 8) > end)
			return;
		e->icmp_type = l4[0];
		e->icmp_code = l4[1];
		e->icmp_id = ((__u16)l4[4] << 8) | l4[5];
		e->icmp_seq = ((__u16)l4[6] << 8) | l4[7];
		e->flags |= PT_F_HAS_L4 | PT_F_ICMP;
	}
}

SEC("xdp")
int pt_test_filter_agree(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct pkttrace_event e = {};
	struct ethhdr *eth = data;

	e.reason = -1;
	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	__u16 type = bpf_ntohs(eth->h_proto);

	if (type == ETH_TYPE_IP) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl < 5)
			return XDP_ABORTED;
		e.family = 4;
		e.proto = ip->protocol;
		__builtin_memcpy(e.saddr, &ip->saddr, 4);
		__builtin_memcpy(e.daddr, &ip->daddr, 4);
		e.flags |= PT_F_HAS_L3;
		/* Only the first fragment carries the L4 header. */
		if ((bpf_ntohs(ip->frag_off) & 0x1fff) == 0)
			parse_l4(&e, (unsigned char *)ip + ip->ihl * 4, end);
	} else if (type == ETH_TYPE_IPV6) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > end || ip6->version != 6)
			return XDP_ABORTED;
		e.family = 6;
		__builtin_memcpy(e.saddr, &ip6->saddr, 16);
		__builtin_memcpy(e.daddr, &ip6->daddr, 16);
		e.flags |= PT_F_HAS_L3;
		__u8 next = ip6->nexthdr;
		unsigned char *p = (unsigned char *)(ip6 + 1);
		/* The same extension headers, as many, as pt_parse_skb walks. */
		for (int i = 0; i < 4; i++) {
			if (next != 0 && next != 43 && next != 60)
				break;
			if ((void *)(p + 2) > end)
				return XDP_ABORTED;
			__u8 len = p[1];
			next = p[0];
			p += (len + 1) * 8;
		}
		e.proto = next;
		parse_l4(&e, p, end);
	} else {
		return XDP_ABORTED;
	}
	return pt_filter_match(&e) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
