/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Five-tuple filter evaluated in BPF before a ring-buffer record is reserved. Semantics are those of
 * io.pkttrace.api.TupleRules (each key matches if it has no alternatives or any alternative matches;
 * all keys must match; FilterAgreementKernelTest proves both agree). struct pkttrace_filter below is
 * the only definition of the map's layout: io.pkttrace.core.bpf.KernelFilterEncoder reads every offset
 * and the number of alternatives from the object's BTF by field name. */
#ifndef PKTTRACE_FILTER_H
#define PKTTRACE_FILTER_H

#include "event.h"

#define PT_MAX_ALT 8

struct pkttrace_prefix {          /* 36 bytes; net and mask precomputed in user space */
	__u32 family;
	__u32 net[4];
	__u32 mask[4];
};

struct pkttrace_port_range {
	__u16 lo;
	__u16 hi;
};

struct pkttrace_filter {
	__u32 enabled;
	__u8 n_src, n_dst, n_either, n_proto, n_sport, n_dport, n_eport, both_dirs;
	struct pkttrace_prefix src[PT_MAX_ALT];
	struct pkttrace_prefix dst[PT_MAX_ALT];
	struct pkttrace_prefix either[PT_MAX_ALT];
	__u8 proto[PT_MAX_ALT];
	struct pkttrace_port_range sport[PT_MAX_ALT];
	struct pkttrace_port_range dport[PT_MAX_ALT];
	struct pkttrace_port_range eport[PT_MAX_ALT];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pkttrace_filter);
} pt_filter SEC(".maps");

/* The run's filter, set by the engine before load (ProbeRuntime) where it knows it then. Read-only to
 * programs, so the verifier reads its every field as a constant: it drops the keys and alternatives the
 * filter does not use and the map lookup, and a filtered-out packet reads no filter memory at all
 * (on a veth flood that was a third of the programs' own cost per packet). set 0 (an object loaded
 * without the engine, e.g. FilterAgreementKernelTest): the pt_filter map decides. */
struct pkttrace_fixed_filter {
	__u32 set;
	struct pkttrace_filter filter;
};
const volatile struct pkttrace_fixed_filter pt_filter_fixed SEC(".rodata.pkttrace_filter") = {};

/* The matching below is branch-free on purpose: every "if" in unrolled loops doubles the paths the
 * verifier walks, and the branching version took ~150 ms of verification per program. Each helper
 * computes 0/1 with arithmetic only; the barrier keeps clang from turning it back into branches.
 * The one branch per alternative is the loop's end at the key's count n: every path leaving there
 * carries the same state (hit is 0 or 1), so the verifier prunes them at once, and a key with one
 * alternative costs one alternative's instructions instead of PT_MAX_ALT's on every packet. */
#define PT_OPAQUE(x) asm volatile("" : "+r"(x))

/* 1 if x != 0 */
static __always_inline __u64 pt_nonzero(__u64 x)
{
	PT_OPAQUE(x);
	return (x | (0 - x)) >> 63;
}

/* 1 if a < b (both < 2^63) */
static __always_inline __u64 pt_less(__u64 a, __u64 b)
{
	__u64 d = a - b;

	PT_OPAQUE(d);
	return d >> 63;
}

static __always_inline __u64 pt_prefix_any(const struct pkttrace_prefix *p, __u32 n, __u32 family, const __u32 *a)
{
	__u64 hit = 0;

	for (__u32 i = 0; i < PT_MAX_ALT; i++) {
		if (i >= n)
			break;
		__u64 diff = (__u64)(p[i].family ^ family) |
			     ((a[0] & p[i].mask[0]) ^ p[i].net[0]) | ((a[1] & p[i].mask[1]) ^ p[i].net[1]) |
			     ((a[2] & p[i].mask[2]) ^ p[i].net[2]) | ((a[3] & p[i].mask[3]) ^ p[i].net[3]);
		hit |= 1 ^ pt_nonzero(diff);
	}
	return hit;
}

static __always_inline __u64 pt_port_any(const struct pkttrace_port_range *r, __u32 n, __u16 port)
{
	__u64 hit = 0;

	for (__u32 i = 0; i < PT_MAX_ALT; i++) {
		if (i >= n)
			break;
		hit |= 1 ^ (pt_less(port, r[i].lo) | pt_less(r[i].hi, port));
	}
	return hit;
}

static __always_inline __u64 pt_proto_any(const __u8 *protos, __u32 n, __u8 proto)
{
	__u64 hit = 0;

	for (__u32 i = 0; i < PT_MAX_ALT; i++) {
		if (i >= n)
			break;
		hit |= 1 ^ pt_nonzero(protos[i] ^ proto);
	}
	return hit;
}

/* A key with no alternatives (n == 0) always passes. */
static __always_inline __u64 pt_key(__u32 n, __u64 hit)
{
	return (1 ^ pt_nonzero(n)) | hit;
}

static __always_inline __u64 pt_match_one_way(const struct pkttrace_filter *f, const struct pkttrace_event *e, int rev)
{
	const __u32 *s = (const __u32 *)(rev ? e->daddr : e->saddr);
	const __u32 *d = (const __u32 *)(rev ? e->saddr : e->daddr);
	__u16 sp = rev ? e->dport : e->sport;
	__u16 dp = rev ? e->sport : e->dport;
	/* Ports exist only for TCP and UDP: a port key never matches other protocols. */
	__u64 has_ports = (1 ^ pt_nonzero(e->proto ^ 6)) | (1 ^ pt_nonzero(e->proto ^ 17));
	__u64 ok = 1;

	/* One branch per key: a key without alternatives is skipped, so a one-key filter costs one key's
	 * evaluation instead of all seven (measured ~0.6 us less per packet); the alternatives of a key
	 * stay branch-free, which keeps verification short. */
	if (f->n_proto)
		ok &= pt_proto_any(f->proto, f->n_proto, e->proto);
	if (f->n_src)
		ok &= pt_prefix_any(f->src, f->n_src, e->family, s);
	if (f->n_dst)
		ok &= pt_prefix_any(f->dst, f->n_dst, e->family, d);
	if (f->n_either)
		ok &= pt_prefix_any(f->either, f->n_either, e->family, s) |
		      pt_prefix_any(f->either, f->n_either, e->family, d);
	if (f->n_sport)
		ok &= has_ports & pt_port_any(f->sport, f->n_sport, sp);
	if (f->n_dport)
		ok &= has_ports & pt_port_any(f->dport, f->n_dport, dp);
	if (f->n_eport)
		ok &= has_ports & (pt_port_any(f->eport, f->n_eport, sp) | pt_port_any(f->eport, f->n_eport, dp));
	return ok;
}

/* 1 to keep the event. A global (non-inlined) function, so the verifier checks it on its own rather
 * than once per path through each caller; with the branch-free matching, loading netpath's four
 * programs takes ~0.1 s instead of ~3.5 s. */
__noinline int pt_filter_match(const struct pkttrace_event *e)
{
	__u32 zero = 0;
	const struct pkttrace_filter *f = (const struct pkttrace_filter *)&pt_filter_fixed.filter;

	PT_OPAQUE(f); /* clang would fold the loads to the zeros it was initialised with */
	if (!pt_filter_fixed.set)
		f = bpf_map_lookup_elem(&pt_filter, &zero);

	if (!e) /* global functions are verified without knowing their caller's arguments */
		return 1;
	if (!f || !f->enabled)
		return 1;
	if (pt_match_one_way(f, e, 0))
		return 1;
	return f->both_dirs ? pt_match_one_way(f, e, 1) : 0;
}

#endif
