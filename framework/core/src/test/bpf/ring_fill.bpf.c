// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: each BPF_PROG_TEST_RUN writes one record into a ring buffer, numbered in order, so that
 * a test can fill a real ring faster than it reads it (RingBufferSpillKernelTest). Records have four
 * lengths (16 to 40 bytes: headers and wraps land at many offsets); every tenth is reserved and
 * discarded instead. Never shipped in a plugin. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16384);
} ring_fill_events SEC(".maps");

__u64 next_seq = 0;

SEC("xdp")
int pt_test_ring_fill(struct xdp_md *ctx)
{
	__u64 seq = __sync_fetch_and_add(&next_seq, 1);
	__u64 rec[5] = { seq, seq, seq, seq, seq };

	if (seq % 10 == 9) {
		__u64 *r = bpf_ringbuf_reserve(&ring_fill_events, 8, 0);
		if (r) {
			*r = seq;
			bpf_ringbuf_discard(r, 0);
		}
		return XDP_PASS;
	}
	bpf_ringbuf_output(&ring_fill_events, rec, 16 + (seq % 4) * 8, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
