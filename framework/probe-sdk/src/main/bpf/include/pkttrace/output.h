/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Ring buffer, per-CPU counters, and the one way records leave a probe: filter, then output.
 * The engine sizes pt_events before load (--ring-size) and drains it every millisecond on its own, so
 * records are submitted without a wake-up: waking the reader for each record (an irq_work, then a
 * futex wake of the consumer thread) costs more than writing the record. */
#ifndef PKTTRACE_OUTPUT_H
#define PKTTRACE_OUTPUT_H

#include "event.h"
#include "filter.h"

/* Slots of pt_counters, which the engine reads (and reports) after the run. */
enum pt_counter {
	PT_CNT_EMITTED = 0,  /* records that passed the filter and were offered to the ring */
	PT_CNT_LOST = 1,     /* of those, records the ring could not take */
	PT_CNT_FILTERED = 2, /* events the kernel filter dropped */
	PT_CNT_MAX = 4,
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} pt_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} pt_counters SEC(".maps");

static __always_inline void pt_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&pt_counters, &idx);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

/* Copies an event that passed the filter into the ring; a full ring is counted, never silent. */
static __always_inline void pt_submit(struct pkttrace_event *e)
{
	pt_count(PT_CNT_EMITTED);
	if (bpf_ringbuf_output(&pt_events, e, sizeof(*e), BPF_RB_NO_WAKEUP) != 0)
		pt_count(PT_CNT_LOST);
}

/* The packet's first bytes each record carries after the fixed part (struct pkttrace_event's data[]),
 * 0 for none. The engine sets it before load, only when a sink asks for packet bytes. It is read-only
 * to programs, so the verifier knows its value: with 0 it removes the copying code as dead, and a run
 * without such a sink executes exactly what it did before this existed. Its own section, so the
 * engine finds it without any other global variable of the probe. */
const volatile __u32 pt_snap_len SEC(".rodata.pkttrace") = 0;
/* The largest snap length a probe copies (the verifier needs a bound); the engine reads it from BTF. */
enum pt_snap_limit { PT_SNAP_MAX = 1024 };
PT_EXPORT_ENUM(pt_snap_limit)

/* Like pt_submit, followed by up to pt_snap_len bytes read from data (avail of them are the packet's);
 * the record grows by pt_snap_len (a verifier constant) only when bytes were asked for. */
static __always_inline void pt_submit_bytes(struct pkttrace_event *e, const void *data, __u64 avail)
{
	/* 64-bit throughout: a bound the verifier learns on a zero-extended 32-bit copy does not reach
	 * the register the copy's size is in. */
	__u64 snap = pt_snap_len;

	if (snap == 0 || snap > PT_SNAP_MAX) {
		pt_submit(e);
		return;
	}
	pt_count(PT_CNT_EMITTED);
	struct pkttrace_event *r = bpf_ringbuf_reserve(&pt_events, sizeof(*e) + snap, 0);
	if (!r) {
		pt_count(PT_CNT_LOST);
		return;
	}
	__builtin_memcpy(r, e, sizeof(*e));
	__u64 n = avail < snap ? avail : snap;
	r->caplen = 0;
	if (data && n && bpf_probe_read_kernel(r->data, n, data) == 0)
		r->caplen = n;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

/* 1 (and counted) when the filter drops the event. Probes call it as soon as the five-tuple is
 * known, before reading anything else: a filtered packet then costs only its parse. */
static __always_inline int pt_filtered_out(const struct pkttrace_event *e)
{
	if (pt_filter_match(e))
		return 0;
	pt_count(PT_CNT_FILTERED);
	return 1;
}

/* Filters, then submits; every outcome is counted. */
static __always_inline void pt_emit(struct pkttrace_event *e)
{
	if (!pt_filtered_out(e))
		pt_submit(e);
}

#endif
