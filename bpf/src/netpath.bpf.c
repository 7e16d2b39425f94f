// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* netpath: one record per device crossing (transmit and receive) and per dropped packet.
 * Hooks are BTF tracepoints: typed, stable, cheaper than kprobes, and present on every 5.5+ kernel.
 * net_dev_queue (transmit) and netif_receive_skb (receive, fired once in __netif_receive_skb_core for
 * the backlog, NAPI and GRO paths alike) see each crossing exactly once; netif_rx and
 * napi_gro_receive_entry are deliberately not used because they would report the same crossing twice. */
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

/* One record for one skb at one hook: parse, filter (before any further read), then complete and submit. */
static __always_inline int pt_skb_event(struct sk_buff *skb, __u16 hook, enum pt_l3_at where, __s32 reason)
{
	struct pkttrace_event e = {};

	if (pt_parse_skb(&e, skb, where))
		return 0;
	if (pt_filtered_out(&e))
		return 0;
	pt_fill_common(&e, skb, hook);
	e.reason = reason;
	pt_fill_dev(&e, skb);
	pt_fill_sock(&e, skb);
	pt_submit(&e);
	return 0;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_net_dev_queue, struct sk_buff *skb)
{
	return pt_skb_event(skb, HOOK_TX, PT_L3_NETWORK_HEADER, -1);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(pt_netif_receive_skb, struct sk_buff *skb)
{
	return pt_skb_event(skb, HOOK_RX, PT_L3_DATA, -1);
}

/* A freed packet with a reason: where it stopped. consume_skb (normal end) has its own tracepoint. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(pt_kfree_skb, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return pt_skb_event(skb, HOOK_DROP, PT_L3_NETWORK_HEADER, reason);
}

/* The normal end of a packet (delivered to a socket, or consumed by the stack): lets flow views
 * close a packet's path at once instead of after an idle timeout. */
SEC("tp_btf/consume_skb")
int BPF_PROG(pt_consume_skb, struct sk_buff *skb)
{
	return pt_skb_event(skb, HOOK_CONSUME, PT_L3_NETWORK_HEADER, -1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
