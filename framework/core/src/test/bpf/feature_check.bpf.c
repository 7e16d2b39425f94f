// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: programs of the types KernelProbes tries, aimed at other places than its own
 * (features.bpf.c), so that KernelProbesKernelTest checks its answers independently: what it calls
 * present must work here too, what it calls absent must fail here too. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/net_dev_queue")
int BPF_PROG(pt_check_tp_btf, struct sk_buff *skb)
{
	return 0;
}

SEC("raw_tp/net_dev_queue")
int pt_check_raw_tp(void *ctx)
{
	return 0;
}

SEC("kprobe/bpf_fentry_test2")
int pt_check_kprobe(void *ctx)
{
	return 0;
}

SEC("kprobe.multi/bpf_fentry_test2")
int pt_check_kprobe_multi(void *ctx)
{
	return 0;
}

SEC("fentry/bpf_fentry_test2")
int BPF_PROG(pt_check_fentry, int a, __u64 b)
{
	return 0;
}

SEC("uprobe")
int pt_check_uprobe(void *ctx)
{
	return 0;
}

SEC("netfilter")
int pt_check_netfilter(void *ctx)
{
	return 1; /* NF_ACCEPT */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
