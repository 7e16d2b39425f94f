// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A probe as a plugin writes one, for the SDK's own tests: the SDK's skb helpers at one BTF tracepoint. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pkttrace/skb.h"

enum sample_hook {
	SAMPLE_HOOK_TX = 1,
};
PT_EXPORT_ENUM(sample_hook)

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_sdk_sample_tx, struct sk_buff *skb)
{
	return pt_emit_skb(skb, SAMPLE_HOOK_TX, PT_L3_NETWORK_HEADER, -1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
