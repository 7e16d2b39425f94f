/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The standard record every pkttrace probe writes to its ring buffer.
 * Decoded in Java by io.pkttrace.core.bpf.StandardRecordDecoder: keep both in sync (offsets fixed). */
#ifndef PKTTRACE_EVENT_H
#define PKTTRACE_EVENT_H

struct pkttrace_event {
	__u64 ts_ns;      /*   0 bpf_ktime_get_ns() */
	__u64 skb;        /*   8 packet identity: the skb address */
	__u64 retval;     /*  16 function return value (return probes) */
	__u32 netns;      /*  24 network namespace inode */
	__u32 ifindex;    /*  28 */
	__u32 pid;        /*  32 tgid of current (meaningless in softirq) */
	__u32 len;        /*  36 skb->len */
	__u32 sk_ino;     /*  40 inode of the owning socket, 0 if none */
	__u16 hook;       /*  44 probe-specific hook id */
	__u8  family;     /*  46 4, 6 or 0 */
	__u8  proto;      /*  47 L4 protocol */
	__u8  saddr[16];  /*  48 */
	__u8  daddr[16];  /*  64 */
	__u16 sport;      /*  80 host order */
	__u16 dport;      /*  82 host order */
	__u8  icmp_type;  /*  84 */
	__u8  icmp_code;  /*  85 */
	__u16 icmp_id;    /*  86 host order */
	__u16 icmp_seq;   /*  88 host order */
	__u16 cpu;        /*  90 */
	__s32 reason;     /*  92 drop reason / verdict, -1 if none */
	char  ifname[16]; /*  96 */
	__u32 flags;      /* 112 PT_F_* */
	__u32 _pad;       /* 116 */
};                        /* 120 bytes */
_Static_assert(sizeof(struct pkttrace_event) == 120, "StandardRecordDecoder expects 120 bytes");
_Static_assert(__builtin_offsetof(struct pkttrace_event, ifname) == 96, "record layout changed");

#define PT_F_HAS_L3     (1u << 0)
#define PT_F_HAS_L4     (1u << 1)
#define PT_F_HAS_RETVAL (1u << 2)
#define PT_F_ICMP       (1u << 3)

#endif
