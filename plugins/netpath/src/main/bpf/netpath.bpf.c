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

/* The hook of each record: the Java side (NetpathProbe) names hooks from this enum in the object's
 * BTF (NETPATH_HOOK_TX -> "tx"), so ids and names are declared here only. */
enum netpath_hook {
	NETPATH_HOOK_TX = 1,
	NETPATH_HOOK_RX = 2,
	NETPATH_HOOK_DROP = 3,
	NETPATH_HOOK_CONSUME = 4,
};
PT_EXPORT_ENUM(netpath_hook)

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_net_dev_queue, struct sk_buff *skb)
{
	return pt_emit_skb(skb, NETPATH_HOOK_TX, PT_L3_NETWORK_HEADER, -1);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(pt_netif_receive_skb, struct sk_buff *skb)
{
	return pt_emit_skb(skb, NETPATH_HOOK_RX, PT_L3_DATA, -1);
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
