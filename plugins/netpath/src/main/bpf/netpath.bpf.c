// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* netpath: one record per device crossing (transmit and receive) and per dropped packet.
 * Hooks are BTF tracepoints: typed, stable, cheaper than kprobes, and present on every 5.5+ kernel.
 * net_dev_queue (transmit) and netif_receive_skb (receive, fired once in __netif_receive_skb_core for
 * the backlog, NAPI and GRO paths alike) see each crossing exactly once; netif_rx and
 * napi_gro_receive_entry are deliberately not used because they would report the same crossing twice.
 * Each hook also exists as a raw tracepoint (pt_raw_*), for kernels without their own BTF (a tp_btf
 * program attaches to a kernel BTF id) or whose tp_btf is refused: the same record, filter and drop
 * reasons from the same code, with every sk_buff field read through CO-RE (PT_SKB_UNTYPED). The
 * engine loads only the variant it chose (NetpathMechanisms).
 * Receive on stacked devices comes from netpath_stacked.bpf.c, a separate object because its kfunc
 * makes libbpf require the kernel's own BTF for the whole object: this one needs none. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "netpath.h"

/* The hooks' bodies, each for a typed (tp_btf) and an untyped (raw_tp) skb. */
static __always_inline int pt_tx(struct sk_buff *skb, enum pt_skb_ptr ptr)
{
	return pt_emit_skb_as(skb, ptr, NETPATH_HOOK_TX, PT_L3_NETWORK_HEADER, -1, 0);
}

static __always_inline int pt_rx(struct sk_buff *skb, enum pt_skb_ptr ptr)
{
	pt_rx_already_seen(skb, ptr);
	return pt_emit_skb_as(skb, ptr, NETPATH_HOOK_RX, PT_L3_DATA, -1, 0);
}

/* A freed packet with a reason: where it stopped. consume_skb (normal end) has its own tracepoint.
 * The reason is an enum skb_drop_reason, whose values differ between kernels: the engine names it
 * from the running kernel's BTF (--btf FILE or the kernel's). */
static __always_inline int pt_drop(struct sk_buff *skb, __s32 reason, enum pt_skb_ptr ptr)
{
	return pt_emit_skb_as(skb, ptr, NETPATH_HOOK_DROP, PT_L3_NETWORK_HEADER, reason, 0);
}

/* The normal end of a packet (delivered to a socket, or consumed by the stack): lets flow views
 * close a packet's path at once instead of after an idle timeout. */
static __always_inline int pt_consume(struct sk_buff *skb, enum pt_skb_ptr ptr)
{
	return pt_emit_skb_as(skb, ptr, NETPATH_HOOK_CONSUME, PT_L3_NETWORK_HEADER, -1, 0);
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_net_dev_queue, struct sk_buff *skb)
{
	return pt_tx(skb, PT_SKB_TYPED);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(pt_netif_receive_skb, struct sk_buff *skb)
{
	return pt_rx(skb, PT_SKB_TYPED);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(pt_kfree_skb, struct sk_buff *skb, void *location, __s32 reason)
{
	return pt_drop(skb, reason, PT_SKB_TYPED);
}

SEC("tp_btf/consume_skb")
int BPF_PROG(pt_consume_skb, struct sk_buff *skb)
{
	return pt_consume(skb, PT_SKB_TYPED);
}

/* The raw tracepoints: the same arguments, as bare 64-bit values. */
SEC("raw_tp/net_dev_queue")
int BPF_PROG(pt_raw_net_dev_queue, struct sk_buff *skb)
{
	return pt_tx(skb, PT_SKB_UNTYPED);
}

SEC("raw_tp/netif_receive_skb")
int BPF_PROG(pt_raw_netif_receive_skb, struct sk_buff *skb)
{
	return pt_rx(skb, PT_SKB_UNTYPED);
}

SEC("raw_tp/kfree_skb")
int BPF_PROG(pt_raw_kfree_skb, struct sk_buff *skb, void *location, __s32 reason)
{
	return pt_drop(skb, reason, PT_SKB_UNTYPED);
}

SEC("raw_tp/consume_skb")
int BPF_PROG(pt_raw_consume_skb, struct sk_buff *skb)
{
	return pt_consume(skb, PT_SKB_UNTYPED);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
