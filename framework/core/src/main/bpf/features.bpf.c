// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The smallest program of each type the probes use, for finding out what the kernel allows by trying
 * (KernelSupport, pkttrace doctor): the engine loads one program at a time and attaches it where that
 * is harmless (a tracepoint, an unused test function of the kernel, a function of pkttrace's own
 * process, a netfilter hook with a program that accepts every packet), then removes it at once.
 * Every program does nothing. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} pt_feature_ring SEC(".maps");

/* tp_btf is tried with raw bpf() calls (TpBtfCheck): libbpf would parse the kernel's BTF once more. */

SEC("raw_tp/netif_receive_skb")
int pt_feature_raw_tp(void *ctx)
{
	return 0;
}

/* Uses the ring, so that loading it proves ring buffers work for programs, not only as maps. */
SEC("raw_tp/netif_receive_skb")
int pt_feature_ring_user(void *ctx)
{
	__u64 *r = bpf_ringbuf_reserve(&pt_feature_ring, sizeof(__u64), 0);

	if (r)
		bpf_ringbuf_discard(r, 0);
	return 0;
}

/* bpf_fentry_test1 exists for BPF's own self-tests and is called only by BPF_PROG_TEST_RUN. */
SEC("kprobe/bpf_fentry_test1")
int pt_feature_kprobe(void *ctx)
{
	return 0;
}

SEC("kprobe.multi/bpf_fentry_test1")
int pt_feature_kprobe_multi(void *ctx)
{
	return 0;
}

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(pt_feature_fentry, int a)
{
	return 0;
}

SEC("uprobe")
int pt_feature_uprobe(void *ctx)
{
	return 0;
}

SEC("uprobe.multi")
int pt_feature_uprobe_multi(void *ctx)
{
	return 0;
}

/* NF_ACCEPT: a packet that meets it goes on unchanged. */
SEC("netfilter")
int pt_feature_netfilter(void *ctx)
{
	return 1;
}

SEC("socket")
int pt_feature_socket(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
