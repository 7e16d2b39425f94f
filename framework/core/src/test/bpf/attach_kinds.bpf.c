// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: the same event seen through the three tracepoint flavours the engine attaches
 * (tp_btf, raw_tp, classic tracepoint); each counts its hits in its own pt_counters slot. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pkttrace/output.h"

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_test_tp_btf, struct sk_buff *skb)
{
	pt_count(0);
	return 0;
}

SEC("raw_tp/net_dev_queue")
int pt_test_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	pt_count(1);
	return 0;
}

SEC("tracepoint/net/net_dev_queue")
int pt_test_tracepoint(void *ctx)
{
	pt_count(2);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
