// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: netpath.bpf.c with its consume hook renamed in the C enum only, so that
 * NetpathHooksTest proves a hook the Java side knows and the C side does not is caught, by name. */
#define NETPATH_HOOK_CONSUME NETPATH_HOOK_FREED
#include "netpath.bpf.c"
