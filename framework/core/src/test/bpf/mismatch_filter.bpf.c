// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: skb_hooks.bpf.c built against a filter map whose field eport is called either_port (as
 * a different SDK could have it). ContractMismatchTest proves that the engine refuses it, naming the field. */
#define eport either_port
#include "skb_hooks.bpf.c"
