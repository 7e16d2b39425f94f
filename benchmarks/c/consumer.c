// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reference C consumer for the throughput benchmark (scripts/bench.sh).
 *
 * Loads the same synthetic.bpf.o that pkttrace's "synthetic" probe loads, sets its target process
 * (synthetic_cfg), attaches tp_btf/sys_enter, and then, until SIGINT/SIGTERM:
 *   --mode consume  drains pt_events like pkttrace does: records are submitted without wake-ups
 *                   (BPF_RB_NO_WAKEUP), so it drains everything pending with ring_buffer__consume()
 *                   and sleeps --interval-us (default 1000) when the ring was empty. Each record is
 *                   read in full (its 15 u64 words summed) and counted.
 *   --mode produce  the producer limit: attached, nothing consumes while the workload runs. The ring
 *                   fills and the program counts every further record as lost in pt_counters, so the
 *                   workload's rate in this mode is what the hook can produce with the program
 *                   attached; the records left in the ring are drained after detaching, so that
 *                   delivered + lost == produced also holds here.
 * On stop it detaches first, drains what is left, reads the per-CPU counters (0 emitted, 1 lost,
 * 2 filtered) and prints one line of key=value pairs on stdout:
 *   consumer: mode=consume produced=N delivered=N lost=N filtered=N check=ok cpu_ns=N ns_per_event=X maxrss_kb=N
 *             checksum=X record_size=N
 * cpu_ns is the process's user+system time (getrusage) from attach to the end of the final drain.
 * --snap BYTES sets pt_snap_len before load, as pkttrace does for a sink that asks for packet bytes
 * (pcapng): each record then carries that many packet bytes, and the producer pays for copying them.
 *
 * Build: cc -O2 -I framework/probe-sdk/src/main/bpf/include -I plugins/bench/src/main/bpf -o consumer consumer.c -lbpf
 * Usage: consumer --obj synthetic.bpf.o --pid PID [--syscall NR] [--mode consume|produce]
 *                 [--ring-size BYTES] [--interval-us N] [--snap BYTES]
 * "attached" is printed on stderr once the program is attached (the benchmark waits for it). */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include "pkttrace/event.h" /* the probe SDK's record (framework/probe-sdk/src/main/bpf/include) */
#include "synthetic.h"      /* struct synthetic_cfg (plugins/bench/src/main/bpf) */

#define RECORD_SIZE sizeof(struct pkttrace_event)

static volatile sig_atomic_t stop;
static uint64_t delivered;
static uint64_t checksum;
static size_t record_size; /* of the last record: 120, or 120 + --snap */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_record(void *ctx, void *data, size_t size)
{
	const uint64_t *w = data;
	uint64_t sum = 0;

	(void)ctx;
	if (size >= RECORD_SIZE)
		for (int i = 0; i < RECORD_SIZE / 8; i++)
			sum += w[i];
	checksum += sum;
	record_size = size;
	delivered++;
	return 0;
}

static uint64_t cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

static int read_counters(struct bpf_object *obj, uint64_t out[3])
{
	int fd = bpf_object__find_map_fd_by_name(obj, "pt_counters");
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v;

	if (fd < 0 || ncpu <= 0)
		return -1;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -1;
	for (uint32_t k = 0; k < 3; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, v) != 0) {
			free(v);
			return -1;
		}
		for (int c = 0; c < ncpu; c++)
			out[k] += v[c];
	}
	free(v);
	return 0;
}

/* pt_snap_len, the only variable of the section ".rodata.pkttrace" (probe SDK's output.h). */
static int set_snap_len(struct bpf_object *obj, uint32_t snap)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		size_t n = strlen(name), s = strlen(".rodata.pkttrace");
		if (n < s || strcmp(name + n - s, ".rodata.pkttrace") != 0)
			continue;
		return bpf_map__set_initial_value(m, &snap, sizeof(snap)); /* fails unless the section is that one u32 */
	}
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: consumer --obj synthetic.bpf.o --pid PID [--syscall NR|-1] [--mode consume|produce]\n"
			"                [--ring-size BYTES] [--interval-us N] [--snap BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *mode = "consume";
	long pid = 0, syscall_nr = SYS_getppid, ring_size = 4 << 20, interval_us = 1000, snap = 0;
	static const struct option opts[] = {
		{"obj", required_argument, NULL, 'o'},      {"pid", required_argument, NULL, 'p'},
		{"syscall", required_argument, NULL, 's'},  {"mode", required_argument, NULL, 'm'},
		{"ring-size", required_argument, NULL, 'r'}, {"interval-us", required_argument, NULL, 'i'},
		{"snap", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': path = optarg; break;
		case 'p': pid = strtol(optarg, NULL, 10); break;
		case 's': syscall_nr = strtol(optarg, NULL, 10); break;
		case 'm': mode = optarg; break;
		case 'r': ring_size = strtol(optarg, NULL, 0); break;
		case 'i': interval_us = strtol(optarg, NULL, 10); break;
		case 'n': snap = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	int produce = strcmp(mode, "produce") == 0;
	if (!path || pid <= 0 || (!produce && strcmp(mode, "consume") != 0))
		usage();

	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "consumer: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "pt_events");
	if (!events || bpf_map__set_max_entries(events, (uint32_t)ring_size) != 0) {
		fprintf(stderr, "consumer: cannot size pt_events\n");
		return 1;
	}
	if (snap > 0 && set_snap_len(obj, (uint32_t)snap) != 0) {
		fprintf(stderr, "consumer: cannot set pt_snap_len (no .rodata.pkttrace section in %s)\n", path);
		return 1;
	}
	if (bpf_object__load(obj) != 0) {
		fprintf(stderr, "consumer: cannot load %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct synthetic_cfg cfg = {.tgid = (uint32_t)pid, .syscall_nr = (int32_t)syscall_nr};
	uint32_t zero = 0;
	if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "synthetic_cfg"), &zero, &cfg, BPF_ANY) != 0) {
		fprintf(stderr, "consumer: cannot write synthetic_cfg: %s\n", strerror(errno));
		return 1;
	}
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(events), on_record, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "consumer: cannot map pt_events: %s\n", strerror(errno));
		return 1;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "pt_sys_enter");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	uint64_t cpu0 = cpu_ns();
	struct bpf_link *link = prog ? bpf_program__attach(prog) : NULL;
	if (!link) {
		fprintf(stderr, "consumer: cannot attach pt_sys_enter: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "consumer: attached (mode %s, pid %ld, syscall %ld)\n", mode, pid, syscall_nr);

	struct timespec nap = {.tv_sec = 0, .tv_nsec = interval_us * 1000};
	while (!stop) {
		if (produce || ring_buffer__consume(rb) <= 0)
			nanosleep(&nap, NULL);
	}
	bpf_link__destroy(link); /* no new records from here on */
	while (ring_buffer__consume(rb) > 0)
		;
	uint64_t cpu = cpu_ns() - cpu0;

	uint64_t cnt[3];
	if (read_counters(obj, cnt) != 0) {
		fprintf(stderr, "consumer: cannot read pt_counters\n");
		return 1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("consumer: mode=%s produced=%llu delivered=%llu lost=%llu filtered=%llu check=%s cpu_ns=%llu "
	       "ns_per_event=%.1f maxrss_kb=%ld checksum=%llx record_size=%zu\n",
	       mode, (unsigned long long)cnt[0], (unsigned long long)delivered, (unsigned long long)cnt[1],
	       (unsigned long long)cnt[2], delivered + cnt[1] == cnt[0] ? "ok" : "MISMATCH",
	       (unsigned long long)cpu, delivered ? (double)cpu / (double)delivered : 0.0, ru.ru_maxrss,
	       (unsigned long long)checksum, record_size);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return delivered + cnt[1] == cnt[0] ? 0 : 3;
}
