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
 * reason (-1); packet fields stay 0. When a sink asks for packet bytes (pcapng), each record also
 * carries the first pt_snap_len bytes of a fixed IPv4/UDP datagram, copied as netpath copies a packet's,
 * so that the benchmark measures that copy too. */
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

/* 198.18.0.1:40000 -> 198.18.0.2:9999, 128 bytes (IPv4 20 + UDP 8 + 100 of payload), no checksums. */
static const __u8 synthetic_packet[128] = {
	0x45, 0x00, 0x00, 0x80, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	198, 18, 0, 1, 198, 18, 0, 2,
	0x9c, 0x40, 0x27, 0x0f, 0x00, 0x6c, 0x00, 0x00,
};

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
	if (pt_filtered_out(&e))
		return 0;
	if (pt_snap_len) /* a verifier constant: without a sink asking for bytes, only pt_submit remains */
		pt_submit_bytes(&e, synthetic_packet, sizeof(synthetic_packet));
	else
		pt_submit(&e);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
