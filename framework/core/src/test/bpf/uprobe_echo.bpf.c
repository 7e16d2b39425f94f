// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: a kprobe-type program (kprobes and uprobes share the program type) that counts calls
 * and records return values through the standard pkttrace output path. Tests attach it as a
 * uprobe/uretprobe to a libc function; on kernels with kprobes the same program attaches as a kprobe. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pkttrace/output.h"

/* One record of a call (hook 1) or of a return (hook 2, with its value). */
static __always_inline int echo(__u16 hook, __u64 retval, __u32 flags)
{
	struct pkttrace_event e = {};

	e.ts_ns = bpf_ktime_get_ns();
	e.hook = hook;
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.reason = -1;
	e.retval = retval;
	e.flags = flags;
	pt_emit(&e);
	return 0;
}

SEC("kprobe")
int pt_test_entry(struct pt_regs *ctx)
{
	return echo(1, 0, 0);
}

SEC("kretprobe")
int pt_test_return(struct pt_regs *ctx)
{
	return echo(2, PT_REGS_RC(ctx), PT_F_HAS_RETVAL);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
