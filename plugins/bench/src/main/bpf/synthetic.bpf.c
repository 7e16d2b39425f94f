// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* synthetic: a hot hook for benchmarks. One standard record per system call entry of ONE process
 * (and optionally one system call number), filtered here in the kernel so that nothing else on the
 * machine produces records. A tight getppid() loop then drives the ring buffer at the highest rate
 * the kernel can produce, which is what the throughput benchmark (scripts/bench.sh) measures.
 *
 * Hook: tp_btf/sys_enter, the raw syscall-entry tracepoint with BTF-typed arguments
 * (struct pt_regs *regs, long id). It needs no tracefs and no kprobe, and it is the same hook that
 * bpftrace's `rawtracepoint:sys_enter` attaches, so both tools are compared on one hook.
 *
 * Configuration: user space writes synthetic_cfg[0] after load and before attach (pkttrace's
 * SyntheticProbe and benchmarks/c/consumer.c alike). tgid 0 means "trace nothing", so a probe that
 * was never configured stays silent.
 *
 * Record: the standard 120-byte struct pkttrace_event through pt_emit(), so the engine decodes it
 * exactly like netpath's, the five-tuple filter runs on it, and pt_counters counts it. Fields set:
 * ts_ns, pid, cpu, hook (SYNTHETIC_HOOK_SYS_ENTER), netns (of the calling task), len (the system call number),
 * reason (-1); packet fields stay 0. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pkttrace/output.h"

#include "synthetic.h"

/* Hook names for the Java side, read from the object's BTF. */
enum synthetic_hook {
	SYNTHETIC_HOOK_SYS_ENTER = 1,
};
PT_EXPORT_ENUM(synthetic_hook)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct synthetic_cfg);
} synthetic_cfg SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(pt_sys_enter, struct pt_regs *regs, long id)
{
	__u32 zero = 0;
	struct synthetic_cfg *cfg = bpf_map_lookup_elem(&synthetic_cfg, &zero);
	__u32 tgid;

	if (!cfg || !cfg->tgid)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid != cfg->tgid)
		return 0;
	if (cfg->syscall_nr >= 0 && id != cfg->syscall_nr)
		return 0;

	struct pkttrace_event e = {};
	struct task_struct *task = bpf_get_current_task_btf();

	e.ts_ns = bpf_ktime_get_ns();
	e.hook = SYNTHETIC_HOOK_SYS_ENTER;
	e.cpu = bpf_get_smp_processor_id();
	e.pid = tgid;
	e.netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	e.len = (__u32)id;
	e.reason = -1;
	pt_emit(&e);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
