// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* netpath's receive on stacked devices (macvlan, ipvlan, VLAN, bond, team, ...): the lower device's rx
 * handler sets skb->dev to the upper device and __netif_receive_skb_core goes round again
 * ("another_round") without firing the netif_receive_skb tracepoint. The device's packet taps
 * (dev->ptype_all, what tcpdump uses) are walked in every round, so user space binds an AF_PACKET
 * socket to each stacked device and attaches pt_stacked_rx to it as its socket filter (see
 * StackedRxTaps.java for why not tc/tcx or netfilter). Its own object: the kfunc it calls needs the
 * kernel's own BTF, which netpath.bpf.c's tracepoints must do without where the kernel has none. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "netpath.h"

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

	if (pt_rx_already_seen(skb, PT_SKB_TYPED))
		return 0;
	pt_emit_skb_pushed(skb, NETPATH_HOOK_RX, PT_L3_NETWORK_HEADER, -1, pushed < 256 ? pushed : 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
