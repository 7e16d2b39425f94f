/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The standard record every pkttrace probe writes to its ring buffer, and the flags saying which of
 * its fields are set. This file is the only definition: the Java decoder (io.pkttrace.core.bpf.EventLayout)
 * reads the offset of every field and the value of every flag by name from BTF (the engine's own
 * contract.bpf.o, compiled from this file), and refuses a probe object whose record lacks a field it
 * needs, has it at another size or offset, or has another flag value. */
#ifndef PKTTRACE_EVENT_H
#define PKTTRACE_EVENT_H

#include "export.h"

struct pkttrace_event {
	__u64 ts_ns;      /* bpf_ktime_get_ns() */
	__u64 skb;        /* packet identity: the skb address */
	__u64 retval;     /* function return value (return probes) */
	__u32 netns;      /* network namespace inode */
	__u32 ifindex;
	__u32 pid;        /* tgid of current (meaningless in softirq) */
	__u32 len;        /* skb->len */
	__u32 sk_ino;     /* inode of the owning socket, 0 if none */
	__u16 hook;       /* probe-specific hook id: an enumerator of the probe's PT_EXPORT_ENUM'd hook enum */
	__u8  family;     /* 4, 6 or 0 */
	__u8  proto;      /* L4 protocol */
	__u8  saddr[16];
	__u8  daddr[16];
	__u16 sport;      /* host order */
	__u16 dport;      /* host order */
	__u8  icmp_type;
	__u8  icmp_code;
	__u16 icmp_id;    /* host order */
	__u16 icmp_seq;   /* host order */
	__u16 cpu;
	__s32 reason;     /* drop reason / verdict, -1 if none */
	char  ifname[16];
	__u32 flags;      /* enum pkttrace_event_flag */
	__u32 caplen;     /* bytes of the packet in data[], from its network header (0: none asked for) */
	__u8  data[];     /* the packet's first bytes: only when a sink asked for them (output.h, pt_snap_len) */
};

enum pkttrace_event_flag {
	PT_F_HAS_L3     = 1u << 0, /* family, proto, saddr, daddr */
	PT_F_HAS_L4     = 1u << 1, /* sport and dport, or the icmp_* fields with PT_F_ICMP */
	PT_F_HAS_RETVAL = 1u << 2,
	PT_F_ICMP       = 1u << 3,
};
PT_EXPORT_ENUM(pkttrace_event_flag)

#endif
