// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: the engine's kernel tests trace loopback traffic at the two device hooks netpath uses
 * (transmit and receive), built from the SDK's skb helpers exactly as netpath is, so that core's tests
 * need no plugin. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pkttrace/skb.h"

enum skb_hooks_hook {
	SKB_HOOKS_HOOK_TX = 1,
	SKB_HOOKS_HOOK_RX = 2,
};
PT_EXPORT_ENUM(skb_hooks_hook)

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_test_tx, struct sk_buff *skb)
{
	return pt_emit_skb(skb, SKB_HOOKS_HOOK_TX, PT_L3_NETWORK_HEADER, -1);
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(pt_test_rx, struct sk_buff *skb)
{
	return pt_emit_skb(skb, SKB_HOOKS_HOOK_RX, PT_L3_DATA, -1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
