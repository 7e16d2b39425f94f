/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Five-tuple filter evaluated in BPF before a ring-buffer record is reserved.
 * Semantics and map layout mirror io.pkttrace.api.TupleRules / io.pkttrace.core.bpf.KernelFilterEncoder:
 * each key matches if it has no alternatives or any alternative matches; all keys must match. */
#ifndef PKTTRACE_FILTER_H
#define PKTTRACE_FILTER_H

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

_Static_assert(sizeof(struct pkttrace_filter) == 980, "KernelFilterEncoder expects 980 bytes");
_Static_assert(__builtin_offsetof(struct pkttrace_filter, eport) == 948, "filter layout changed");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pkttrace_filter);
} pt_filter SEC(".maps");

static __always_inline int pt_prefix_any(const struct pkttrace_prefix *p, __u32 n, __u32 family, const __u32 *a)
{
	for (__u32 i = 0; i < PT_MAX_ALT; i++) {
		if (i >= n)
			break;
		if (p[i].family != family)
			continue;
		if (((a[0] & p[i].mask[0]) == p[i].net[0]) && ((a[1] & p[i].mask[1]) == p[i].net[1]) &&
		    ((a[2] & p[i].mask[2]) == p[i].net[2]) && ((a[3] & p[i].mask[3]) == p[i].net[3]))
			return 1;
	}
	return 0;
}

static __always_inline int pt_port_any(const struct pkttrace_port_range *r, __u32 n, __u16 port)
{
	for (__u32 i = 0; i < PT_MAX_ALT; i++) {
		if (i >= n)
			break;
		if (port >= r[i].lo && port <= r[i].hi)
			return 1;
	}
	return 0;
}

static __always_inline int pt_match_one_way(const struct pkttrace_filter *f, const struct pkttrace_event *e, int rev)
{
	const __u32 *s = (const __u32 *)(rev ? e->daddr : e->saddr);
	const __u32 *d = (const __u32 *)(rev ? e->saddr : e->daddr);
	__u16 sp = rev ? e->dport : e->sport;
	__u16 dp = rev ? e->sport : e->dport;
	int has_ports = e->proto == 6 || e->proto == 17;

	if (f->n_proto) {
		int ok = 0;
		for (__u32 i = 0; i < PT_MAX_ALT; i++) {
			if (i >= f->n_proto)
				break;
			if (f->proto[i] == e->proto)
				ok = 1;
		}
		if (!ok)
			return 0;
	}
	if (f->n_src && !pt_prefix_any(f->src, f->n_src, e->family, s))
		return 0;
	if (f->n_dst && !pt_prefix_any(f->dst, f->n_dst, e->family, d))
		return 0;
	if (f->n_either && !pt_prefix_any(f->either, f->n_either, e->family, s) &&
	    !pt_prefix_any(f->either, f->n_either, e->family, d))
		return 0;
	if (f->n_sport && !(has_ports && pt_port_any(f->sport, f->n_sport, sp)))
		return 0;
	if (f->n_dport && !(has_ports && pt_port_any(f->dport, f->n_dport, dp)))
		return 0;
	if (f->n_eport && !(has_ports && (pt_port_any(f->eport, f->n_eport, sp) || pt_port_any(f->eport, f->n_eport, dp))))
		return 0;
	return 1;
}

/* 1 to keep the event. A global (non-inlined) function: the verifier checks it once, on its own,
 * instead of once per path through each caller, which cut program load time from ~1 s to milliseconds. */
__noinline int pt_filter_match(const struct pkttrace_event *e)
{
	__u32 zero = 0;
	const struct pkttrace_filter *f = bpf_map_lookup_elem(&pt_filter, &zero);

	if (!e) /* global functions are verified without knowing their caller's arguments */
		return 1;
	if (!f || !f->enabled)
		return 1;
	if (pt_match_one_way(f, e, 0))
		return 1;
	return f->both_dirs && pt_match_one_way(f, e, 1);
}

#endif
