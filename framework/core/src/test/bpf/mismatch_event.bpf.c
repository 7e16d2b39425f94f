// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: skb_hooks.bpf.c built against a record whose field ifname is called if_name (as a
 * different SDK could have it). ContractMismatchTest proves that the engine refuses it, naming the field. */
#define ifname if_name
#include "skb_hooks.bpf.c"
