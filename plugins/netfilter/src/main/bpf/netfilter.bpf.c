// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* netfilter: what the Java side of the netfilter probe needs from the kernel.
 *
 * pt_nf_hook (SEC "netfilter", a BPF netfilter program on a BPF link, Linux >= 6.4) runs first at
 * every IPv4/IPv6 hook of every traced namespace and records, for each packet the user's filter
 * selects, the skb address, the time, the hook, the devices and the first bytes of the network and
 * transport headers. The kernel's nftrace messages carry those same header bytes but no skb address
 * (their id is a keyed hash), so Java matches each trace message to the record of its hook entry:
 * the verdict row then gets the packet id netpath's device rows carry, and the hook-entry time, so
 * it sorts between them. It never changes a verdict (returns NF_ACCEPT).
 *
 * pt_nft_do_chain_exit / pt_ipt_do_table_exit / pt_ip6t_do_table_exit (fexit) and their
 * kprobe/kretprobe pairs report each base chain's verdict without any rule added, also for legacy
 * iptables; they need BPF trampolines or kprobes, which kernels without them refuse (the probe then
 * says so and uses nftrace). fexit and kretprobe share one emitting function, so the verifier checks
 * the same code wherever either kind loads.
 *
 * Record layout: struct pt_nf_record below; io.pkttrace.plugins.netfilter.bpf.NfRecord reads it at
 * fixed offsets, and a test checks those offsets against this object's BTF. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pkttrace/skb.h"
#include "pkttrace/output.h"

#define PT_NF_HOOK        1 /* hook entry seen by pt_nf_hook */
#define PT_NF_NFT_VERDICT 2 /* nft_do_chain returned */
#define PT_NF_XT_VERDICT  3 /* ipt_do_table / ip6t_do_table returned (legacy iptables) */

#define PT_NF_NH 40 /* as much network header as an nftrace message carries */
#define PT_NF_TH 20 /* and transport header */

struct pt_nf_record {
	__u64 ts_ns;          /*   0 hook entry (bpf_ktime_get_ns) */
	__u64 skb;            /*   8 packet identity, as netpath's records */
	__s64 verdict;        /*  16 verdict records: the function's return value; else -1 */
	__u32 netns;          /*  24 inode of the hook's network namespace */
	__u32 in_ifindex;     /*  28 */
	__u32 out_ifindex;    /*  32 */
	__u32 len;            /*  36 skb->len */
	__u16 cpu;            /*  40 */
	__u8  kind;           /*  42 PT_NF_* */
	__u8  pf;             /*  43 NFPROTO_IPV4 (2) / NFPROTO_IPV6 (10) */
	__u8  hook;           /*  44 NF_INET_PRE_ROUTING (0) .. NF_INET_POST_ROUTING (4) */
	__u8  nh_len;         /*  45 network header bytes an nftrace message would carry */
	__u8  th_len;         /*  46 transport header bytes it would carry */
	__u8  th_read;        /*  47 of those, bytes in the linear data (read here) */
	__u8  table_family;   /*  48 nft table family (verdict records of nft_do_chain) */
	__u8  l4proto;        /*  49 transport protocol, after IPv6 extension headers */
	__u16 caplen;         /*  50 packet bytes after the record (struct pt_nf_slot's data), 0: none asked for */
	__u8  _pad[4];        /*  52 */
	char  in_name[16];    /*  56 */
	char  out_name[16];   /*  72 */
	__u8  nh[PT_NF_NH];   /*  88 */
	__u8  th[PT_NF_TH];   /* 128 */
	__u8  _pad2[4];       /* 148 */
	char  table[32];      /* 152 verdict records: table name */
	char  chain[32];      /* 184 verdict records: chain name (x_tables: empty) */
};                            /* 216 */
_Static_assert(sizeof(struct pt_nf_record) == 216, "NfRecord expects 216 bytes");

/* A record and the packet's first bytes, which follow it in the ring when a sink asked for them
 * (the SDK's pt_snap_len, set by the engine before load; 0 leaves the record as it was). */
struct pt_nf_slot {
	struct pt_nf_record r;
	__u8 data[PT_SNAP_MAX];
};

/* One record at a time per CPU: too big for the 512-byte BPF stack together with the parse state. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_nf_slot);
} pt_nf_scratch SEC(".maps");

/* Parses skb into the filter's five-tuple view and the raw header bytes of the record. Every skb
 * field is read with CO-RE probe reads, so the same code verifies for the BTF-typed skb of a
 * netfilter or fexit program and for the plain pointer of a kprobe. Returns 0 for IPv4/IPv6. */
static __always_inline int pt_nf_parse(struct sk_buff *skb, struct pkttrace_event *e, struct pt_nf_record *r)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u16 nhoff = BPF_CORE_READ(skb, network_header);
	__u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	__u32 len = BPF_CORE_READ(skb, len);
	__u32 headlen = len - BPF_CORE_READ(skb, data_len);
	unsigned char *l3 = nhoff == (__u16)~0U ? data : head + nhoff;
	__u32 l3len;

	if (proto == 0x0800) {
		struct iphdr ip;
		if (bpf_probe_read_kernel(&ip, sizeof(ip), l3) || ip.version != 4)
			return -1;
		e->family = 4;
		e->proto = ip.protocol;
		__builtin_memcpy(e->saddr, &ip.saddr, 4);
		__builtin_memcpy(e->daddr, &ip.daddr, 4);
		l3len = ip.ihl * 4;
		if (bpf_ntohs(ip.frag_off) & 0x1fff)
			l3len = len; /* a later fragment: no transport header (nf_tables treats it so too) */
	} else if (proto == 0x86DD) {
		struct ipv6hdr ip6;
		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), l3) || ip6.version != 6)
			return -1;
		e->family = 6;
		__builtin_memcpy(e->saddr, &ip6.saddr, 16);
		__builtin_memcpy(e->daddr, &ip6.daddr, 16);
		__u8 next = ip6.nexthdr;
		l3len = pt_ipv6_skip_ext(l3, &next, PT_SKB_UNTYPED);
		if (!l3len)
			l3len = sizeof(ip6); /* an unreadable extension header: headers up to it only */
		e->proto = next;
	} else {
		return -1;
	}
	e->flags |= PT_F_HAS_L3;
	r->l4proto = e->proto;

	__u32 l3at = l3 - data; /* offset of the network header from skb->data */
	__u32 thoff = l3at + l3len;
	r->nh_len = l3len < PT_NF_NH ? l3len : PT_NF_NH;
	bpf_probe_read_kernel(r->nh, PT_NF_NH, l3);
	if (thoff < len) {
		__u32 rest = len - thoff;
		r->th_len = rest < PT_NF_TH ? rest : PT_NF_TH;
		__u32 linear = headlen > thoff ? headlen - thoff : 0;
		r->th_read = linear < r->th_len ? linear : r->th_len;
		if (bpf_probe_read_kernel(r->th, PT_NF_TH, l3 + l3len) == 0) {
			if (e->proto == 6 || e->proto == 17) {
				e->sport = ((__u16)r->th[0] << 8) | r->th[1];
				e->dport = ((__u16)r->th[2] << 8) | r->th[3];
				e->flags |= PT_F_HAS_L4;
			}
		} else {
			r->th_read = 0;
		}
	}
	r->len = len;
	if (pt_snap_len) { /* a verifier constant: gone when no sink asked for bytes */
		/* 64-bit: the verifier's bound must reach the register the size is in */
		__u64 snap = pt_snap_len < PT_SNAP_MAX ? pt_snap_len : PT_SNAP_MAX;
		__u64 avail = headlen > l3at ? headlen - l3at : 0; /* linear data from the network header */
		__u64 n = avail < snap ? avail : snap;
		struct pt_nf_slot *slot = (struct pt_nf_slot *)r;
		if (n && bpf_probe_read_kernel(slot->data, n, l3) == 0)
			r->caplen = n;
	}
	return 0;
}

/* The record in this CPU's scratch slot, cleared. */
static __always_inline struct pt_nf_record *pt_nf_record_slot(void)
{
	__u32 zero = 0;
	struct pt_nf_slot *slot = bpf_map_lookup_elem(&pt_nf_scratch, &zero);

	if (!slot)
		return 0;
	__builtin_memset(&slot->r, 0, sizeof(slot->r));
	return &slot->r;
}

/* The record, and pt_snap_len bytes of the slot's data when a sink asked for them (caplen says how
 * many are the packet's). */
static __always_inline void pt_nf_submit(struct pt_nf_record *r)
{
	__u64 snap = pt_snap_len < PT_SNAP_MAX ? pt_snap_len : PT_SNAP_MAX;

	pt_count(PT_CNT_EMITTED);
	if (bpf_ringbuf_output(&pt_events, r, sizeof(*r) + snap, BPF_RB_NO_WAKEUP) != 0)
		pt_count(PT_CNT_LOST);
}

/* Fills a record for skb at a hook whose state is known; 0 when the user's filter keeps it. */
static __always_inline int pt_nf_fill(struct pt_nf_record *r, struct sk_buff *skb, const struct nf_hook_state *state, __u8 kind)
{
	struct pkttrace_event e = {};
	struct net_device *in, *out;

	if (pt_nf_parse(skb, &e, r))
		return -1;
	if (pt_filtered_out(&e))
		return -1;
	r->ts_ns = bpf_ktime_get_ns();
	r->skb = (__u64)skb;
	r->kind = kind;
	r->verdict = -1;
	r->cpu = bpf_get_smp_processor_id();
	r->pf = BPF_CORE_READ(state, pf);
	r->hook = BPF_CORE_READ(state, hook);
	r->netns = BPF_CORE_READ(state, net, ns.inum);
	in = BPF_CORE_READ(state, in);
	out = BPF_CORE_READ(state, out);
	if (in) {
		r->in_ifindex = BPF_CORE_READ(in, ifindex);
		bpf_probe_read_kernel_str(r->in_name, sizeof(r->in_name), in->name);
	}
	if (out) {
		r->out_ifindex = BPF_CORE_READ(out, ifindex);
		bpf_probe_read_kernel_str(r->out_name, sizeof(r->out_name), out->name);
	}
	return 0;
}

#define NF_ACCEPT 1

SEC("netfilter")
int pt_nf_hook(struct bpf_nf_ctx *ctx)
{
	struct pt_nf_record *r = pt_nf_record_slot();

	if (r && pt_nf_fill(r, ctx->skb, ctx->state, PT_NF_HOOK) == 0)
		pt_nf_submit(r);
	return NF_ACCEPT;
}

/* ---- verdicts without nftrace: fexit where trampolines exist, kprobe + kretprobe where kprobes do ---- */

/* chain is a struct nft_chain * for nft_do_chain, a struct xt_table * for ipt/ip6t_do_table. */
static __always_inline void pt_nf_verdict(struct sk_buff *skb, const struct nf_hook_state *state, void *chain_or_table,
					  __u8 kind, long verdict)
{
	struct pt_nf_record *r = pt_nf_record_slot();

	if (!r || pt_nf_fill(r, skb, state, kind))
		return;
	r->verdict = verdict;
	if (kind == PT_NF_NFT_VERDICT) {
		struct nft_chain *c = chain_or_table;
		struct nft_table *t = BPF_CORE_READ(c, table);
		bpf_probe_read_kernel_str(r->chain, sizeof(r->chain), BPF_CORE_READ(c, name));
		bpf_probe_read_kernel_str(r->table, sizeof(r->table), BPF_CORE_READ(t, name));
		r->table_family = BPF_CORE_READ_BITFIELD_PROBED(t, family);
	} else {
		struct xt_table *t = chain_or_table;
		bpf_probe_read_kernel_str(r->table, sizeof(r->table), t->name);
	}
	pt_nf_submit(r);
}

SEC("fexit/nft_do_chain")
int BPF_PROG(pt_nft_do_chain_exit, struct nft_pktinfo *pkt, void *priv, unsigned int ret)
{
	pt_nf_verdict(BPF_CORE_READ(pkt, skb), BPF_CORE_READ(pkt, state), priv, PT_NF_NFT_VERDICT, ret);
	return 0;
}

SEC("fexit/ipt_do_table")
int BPF_PROG(pt_ipt_do_table_exit, void *priv, struct sk_buff *skb, const struct nf_hook_state *state, unsigned int ret)
{
	pt_nf_verdict(skb, state, priv, PT_NF_XT_VERDICT, ret);
	return 0;
}

SEC("fexit/ip6t_do_table")
int BPF_PROG(pt_ip6t_do_table_exit, void *priv, struct sk_buff *skb, const struct nf_hook_state *state, unsigned int ret)
{
	pt_nf_verdict(skb, state, priv, PT_NF_XT_VERDICT, ret);
	return 0;
}

/* kprobe + kretprobe: the entry saves the arguments, the return emits with them. Calls nest (a
 * REJECT sends its ICMP error through the output hook from inside the chain that rejected), so
 * each CPU keeps a small stack; softirq and process context on one CPU nest the same way. */
#define PT_NF_DEPTH 8
struct pt_nf_frame {
	void *skb;
	void *state;
	void *chain;
	__u8 kind;
};
struct pt_nf_stack {
	__u32 depth;
	struct pt_nf_frame f[PT_NF_DEPTH];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_nf_stack);
} pt_nf_frames SEC(".maps");

static __always_inline void pt_nf_push(void *skb, void *state, void *chain, __u8 kind)
{
	__u32 zero = 0;
	struct pt_nf_stack *s = bpf_map_lookup_elem(&pt_nf_frames, &zero);

	if (!s)
		return;
	__u32 d = s->depth;
	if (d < PT_NF_DEPTH) {
		s->f[d].skb = skb;
		s->f[d].state = state;
		s->f[d].chain = chain;
		s->f[d].kind = kind;
	}
	s->depth = d + 1; /* counted past the end too, so that pops stay paired */
}

static __always_inline void pt_nf_pop(long verdict)
{
	__u32 zero = 0;
	struct pt_nf_stack *s = bpf_map_lookup_elem(&pt_nf_frames, &zero);

	if (!s || s->depth == 0)
		return;
	__u32 d = --s->depth;
	if (d < PT_NF_DEPTH)
		pt_nf_verdict(s->f[d].skb, s->f[d].state, s->f[d].chain, s->f[d].kind, verdict);
}

SEC("kprobe/nft_do_chain")
int BPF_KPROBE(pt_nft_do_chain_entry, struct nft_pktinfo *pkt, void *priv)
{
	pt_nf_push(BPF_CORE_READ(pkt, skb), (void *)BPF_CORE_READ(pkt, state), priv, PT_NF_NFT_VERDICT);
	return 0;
}

SEC("kprobe/ipt_do_table")
int BPF_KPROBE(pt_ipt_do_table_entry, void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	pt_nf_push(skb, (void *)state, priv, PT_NF_XT_VERDICT);
	return 0;
}

SEC("kprobe/ip6t_do_table")
int BPF_KPROBE(pt_ip6t_do_table_entry, void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	pt_nf_push(skb, (void *)state, priv, PT_NF_XT_VERDICT);
	return 0;
}

/* One return program serves the three functions: each entry pushed what its return pops. */
SEC("kretprobe/nft_do_chain")
int BPF_KRETPROBE(pt_nf_do_return, long ret)
{
	pt_nf_pop(ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
