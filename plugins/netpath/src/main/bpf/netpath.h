/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What netpath's two objects share: the hook ids of the records and the per-CPU last receive.
 * netpath.bpf.c (the tracepoints) owns the maps; netpath_stacked.bpf.c (the packet taps' socket
 * filter) is loaded with them shared (NetpathProbe), so both write one ring and read one filter. */
#ifndef NETPATH_H
#define NETPATH_H

#include "pkttrace/skb.h"

/* The hook of each record: the Java side (NetpathProbe) names hooks from this enum in the objects'
 * BTF (NETPATH_HOOK_TX -> "tx"), so ids and names are declared here only. Receive on a stacked device
 * (pt_stacked_rx) is NETPATH_HOOK_RX too: it is the same kind of crossing. */
enum netpath_hook {
	NETPATH_HOOK_TX = 1,
	NETPATH_HOOK_RX = 2,
	NETPATH_HOOK_DROP = 3,
	NETPATH_HOOK_CONSUME = 4,
};
PT_EXPORT_ENUM(netpath_hook)

/* The last receive this CPU saw (tracepoint or tap), so that a tap does not report a round the
 * tracepoint already did: a stacked device can also get packets through netif_rx (macvlan's
 * broadcast path), where the tracepoint fires for it before its taps run. */
struct pt_rx_seen {
	__u64 skb;
	__u32 ifindex;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_rx_seen);
} pt_last_rx SEC(".maps");

/* Records (skb, device) as this CPU's latest receive; returns 1 if it already was. Receive runs in
 * softirq with bottom halves off, so one slot per CPU is never interleaved. */
static __always_inline int pt_rx_already_seen(struct sk_buff *skb, enum pt_skb_ptr ptr)
{
	__u32 zero = 0;
	struct pt_rx_seen *last = bpf_map_lookup_elem(&pt_last_rx, &zero);
	struct net_device *dev = PT_READ(skb, ptr, dev);
	__u32 ifindex = dev ? PT_READ(dev, ptr, ifindex) : 0;

	if (!last)
		return 0;
	if (last->skb == (__u64)skb && last->ifindex == ifindex)
		return 1;
	last->skb = (__u64)skb;
	last->ifindex = ifindex;
	return 0;
}

#endif
