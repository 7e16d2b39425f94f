// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* netpath: one record per device crossing (transmit and receive) and per dropped packet.
 * Hooks are BTF tracepoints: typed, stable, cheaper than kprobes, and present on every 5.5+ kernel.
 * net_dev_queue (transmit) and netif_receive_skb (receive, fired once in __netif_receive_skb_core for
 * the backlog, NAPI and GRO paths alike) see each crossing exactly once; netif_rx and
 * napi_gro_receive_entry are deliberately not used because they would report the same crossing twice.
 *
 * Receive on a stacked device (macvlan, ipvlan, VLAN, bond, team, ...) is the exception: the lower
 * device's rx handler sets skb->dev to the upper device and __netif_receive_skb_core goes round again
 * ("another_round") without firing the tracepoint. The device's packet taps (dev->ptype_all, what
 * tcpdump uses) are walked in every round, so user space binds an AF_PACKET socket to each stacked
 * device and attaches pt_stacked_rx to it as its socket filter (see StackedRxTaps.java for why not
 * tc/tcx or netfilter). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pkttrace/skb.h"
#include "pkttrace/output.h"

/* Hook ids: keep in sync with NetpathProbe.HOOK_NAMES. */
#define HOOK_TX   1
#define HOOK_RX   2
#define HOOK_DROP 3
#define HOOK_CONSUME 4
/* Receive on a stacked device reports HOOK_RX too: it is the same kind of crossing. */

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
static __always_inline int pt_rx_already_seen(struct sk_buff *skb)
{
	__u32 zero = 0;
	struct pt_rx_seen *last = bpf_map_lookup_elem(&pt_last_rx, &zero);
	struct net_device *dev = skb->dev;
	__u32 ifindex = dev ? dev->ifindex : 0;

	if (!last)
		return 0;
	if (last->skb == (__u64)skb && last->ifindex == ifindex)
		return 1;
	last->skb = (__u64)skb;
	last->ifindex = ifindex;
	return 0;
}

/* One record for one skb at one hook: parse, filter (before any further read), then complete and submit.
 * pushed: link-layer bytes in front of the data that the length must not count (a packet tap sees the
 * Ethernet header pushed back; the tracepoints see the data at L3). */
static __always_inline int pt_skb_event(struct sk_buff *skb, __u16 hook, enum pt_l3_at where, __s32 reason, __u32 pushed)
{
	struct pkttrace_event e = {};

	if (pt_parse_skb(&e, skb, where))
		return 0;
	if (pt_filtered_out(&e))
		return 0;
	pt_fill_common(&e, skb, hook);
	e.len -= pushed;
	e.reason = reason;
	pt_fill_dev(&e, skb);
	pt_fill_sock(&e, skb);
	pt_submit(&e);
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_net_dev_queue, struct sk_buff *skb)
{
	return pt_skb_event(skb, HOOK_TX, PT_L3_NETWORK_HEADER, -1, 0);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(pt_netif_receive_skb, struct sk_buff *skb)
{
	pt_rx_already_seen(skb);
	return pt_skb_event(skb, HOOK_RX, PT_L3_DATA, -1, 0);
}

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

/* Socket filter of an AF_PACKET socket bound to one stacked device: runs in every receive round on
 * that device (after the lower device's rx handler handed the packet up). It records the sk_buff
 * itself (bpf_cast_to_kern_ctx: the same address the tracepoints report, so the packet id matches)
 * and always returns 0: the socket never receives anything, and the packet goes on unchanged (the
 * tap held a reference only for the duration of this call). packet_rcv has pushed the link-layer
 * header, so L3 is found at network_header, which __netif_receive_skb_core set before the first round. */
SEC("socket")
int pt_stacked_rx(struct __sk_buff *ctx)
{
	struct sk_buff *skb = bpf_cast_to_kern_ctx(ctx);
	__u32 pushed = (__u32)(skb->head + skb->network_header - skb->data);

	if (pt_rx_already_seen(skb))
		return 0;
	pt_skb_event(skb, HOOK_RX, PT_L3_NETWORK_HEADER, -1, pushed < 256 ? pushed : 0);
	return 0;
}

/* A freed packet with a reason: where it stopped. consume_skb (normal end) has its own tracepoint. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(pt_kfree_skb, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return pt_skb_event(skb, HOOK_DROP, PT_L3_NETWORK_HEADER, reason, 0);
}

/* The normal end of a packet (delivered to a socket, or consumed by the stack): lets flow views
 * close a packet's path at once instead of after an idle timeout. */
SEC("tp_btf/consume_skb")
int BPF_PROG(pt_consume_skb, struct sk_buff *skb)
{
	return pt_skb_event(skb, HOOK_CONSUME, PT_L3_NETWORK_HEADER, -1, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
