// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xmit: one record per packet a network device driver has taken for transmission (BTF tracepoint
 * net_dev_xmit, after the driver's ndo_start_xmit), built from the pkttrace probe SDK's headers. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pkttrace/skb.h"

/* The hook ids of the records; the Java side reads them from this enum in the object's BTF
 * (XMIT_HOOK_XMIT -> "xmit"). */
enum xmit_hook {
	XMIT_HOOK_XMIT = 1,
};
PT_EXPORT_ENUM(xmit_hook)

SEC("tp_btf/net_dev_xmit")
int BPF_PROG(pt_example_xmit, struct sk_buff *skb, int rc, struct net_device *dev, unsigned int skb_len)
{
	/* parse, filter in the kernel (-a / --filter fivetuple), fill and submit one standard record */
	return pt_emit_skb(skb, XMIT_HOOK_XMIT, PT_L3_NETWORK_HEADER, -1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
