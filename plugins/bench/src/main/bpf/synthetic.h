/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The value of synthetic.bpf.c's synthetic_cfg map, written by user space before attach. Included by
 * synthetic.bpf.c and by the reference C consumer (benchmarks/c/consumer.c); the Java side
 * (SyntheticProbe) reads the field offsets from the object's BTF. */
#ifndef PKTTRACE_SYNTHETIC_H
#define PKTTRACE_SYNTHETIC_H

struct synthetic_cfg {
	__u32 tgid;       /* process to trace; 0 traces nothing */
	__s32 syscall_nr; /* system call number to keep; -1 keeps every call of that process */
};

#endif
