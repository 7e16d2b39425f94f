// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: a program the verifier must reject (unbounded read of a map value), so that tests
 * can check that the verifier's log reaches the user. Never shipped in a plugin. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

SEC("tp_btf/net_dev_queue")
int pt_test_reject(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

	return v[100000] ? 1 : 0; /* no NULL check, far out of bounds: rejected */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
