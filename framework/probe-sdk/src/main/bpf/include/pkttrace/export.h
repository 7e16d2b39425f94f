/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Constants that the Java side of a probe needs (hook ids, record flags) are declared once, as
 * C enums, and read from the object's BTF by name. clang puts an enum into BTF only where a function
 * or variable uses the type; PT_EXPORT_ENUM(name) makes such a function. Nothing calls it, and libbpf
 * loads only functions that a program calls, so it costs no instruction and no map. */
#ifndef PKTTRACE_EXPORT_H
#define PKTTRACE_EXPORT_H

#ifdef __bpf__
#define PT_EXPORT_ENUM(name) \
	__attribute__((noinline)) int pt_export_enum_##name(enum name value) { return value; }
#else /* user-space C that includes the headers for their types (e.g. benchmarks/c/consumer.c) */
#define PT_EXPORT_ENUM(name)
#endif

#endif
