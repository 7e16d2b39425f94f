// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The standard record as this engine reads it, for its BTF only: never loaded. StandardRecordDecoder
 * takes every field's offset and every flag's value from this object's BTF when its class is first
 * used, so the SDK's event.h stays the only definition while the offsets are constants to the JIT
 * (its bounds checks on one record's fields then fold into a few); a probe object whose record
 * differs from this one is refused by name (EventLayout#firstDifference). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "pkttrace/event.h"

/* Puts struct pkttrace_event into BTF, as a probe's ring buffer reservation does. */
__attribute__((noinline)) int pt_contract_event(struct pkttrace_event *e)
{
	return e->flags;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
