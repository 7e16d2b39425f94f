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

/* The hook of each record: the Java side (NetpathProbe) names hooks from this enum in the object's
 * BTF (NETPATH_HOOK_TX -> "tx"), so ids and names are declared here only. Receive on a stacked device
 * (pt_stacked_rx below) is NETPATH_HOOK_RX too: it is the same kind of crossing. */
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

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_net_dev_queue, struct sk_buff *skb)
{
	return pt_emit_skb(skb, NETPATH_HOOK_TX, PT_L3_NETWORK_HEADER, -1);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(pt_netif_receive_skb, struct sk_buff *skb)
{
	pt_rx_already_seen(skb);
	return pt_emit_skb(skb, NETPATH_HOOK_RX, PT_L3_DATA, -1);
}

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

/* Socket filter of an AF_PACKET socket bound to one stacked device: runs in every receive round on
 * that device (after the lower device's rx handler handed the packet up). It records the sk_buff
 * itself (bpf_cast_to_kern_ctx: the same address the tracepoints report, so the packet id matches)
 * and always returns 0: the socket never receives anything, and the packet goes on unchanged (the
 * tap held a reference only for the duration of this call). packet_rcv has pushed the link-layer
 * header back, so L3 is found at network_header, which __netif_receive_skb_core set before the first
 * round, and the length counts from there as the receive tracepoint's does. */
SEC("socket")
int pt_stacked_rx(struct __sk_buff *ctx)
{
	struct sk_buff *skb = bpf_cast_to_kern_ctx(ctx);
	__u32 pushed = (__u32)(skb->head + skb->network_header - skb->data);

	if (pt_rx_already_seen(skb))
		return 0;
	pt_emit_skb_pushed(skb, NETPATH_HOOK_RX, PT_L3_NETWORK_HEADER, -1, pushed < 256 ? pushed : 0);
	return 0;
}

/* A freed packet with a reason: where it stopped. consume_skb (normal end) has its own tracepoint.
 * The reason is an enum skb_drop_reason, whose values differ between kernels: the engine names it
 * from the running kernel's BTF. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(pt_kfree_skb, struct sk_buff *skb, void *location, __s32 reason)
{
	return pt_emit_skb(skb, NETPATH_HOOK_DROP, PT_L3_NETWORK_HEADER, reason);
}

/* The normal end of a packet (delivered to a socket, or consumed by the stack): lets flow views
 * close a packet's path at once instead of after an idle timeout. */
SEC("tp_btf/consume_skb")
int BPF_PROG(pt_consume_skb, struct sk_buff *skb)
{
	return pt_emit_skb(skb, NETPATH_HOOK_CONSUME, PT_L3_NETWORK_HEADER, -1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
