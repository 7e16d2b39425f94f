// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Load generator for workload (a) of the throughput benchmark: a tight getppid() loop in one
 * process, every call one event of the synthetic probe (tp_btf/sys_enter filtered in the kernel to
 * this process and to getppid). Direct syscall(2), so no library caching can skip the kernel.
 *
 * Usage: getppid_loop [--calls N | --seconds S] [--rate R] [--warmup-calls W] [--warmup-rate WR]
 *                     [--wait] [--watch-pid-file FILE]
 *   --calls N         measured phase: N calls at full speed (default 10000000)
 *   --seconds S       measured phase: S seconds at full speed instead (clock checked every 1024 calls)
 *   --rate R          pace the measured phase to at most R calls/s (checked every 256 calls)
 *   --warmup-calls W  before the measured phase, W calls paced at --warmup-rate (default 250000/s):
 *                     lets a JIT-compiled consumer compile its hot path ("JIT warm"); they are
 *                     events too, but not part of the measured rate and CPU time
 *   --wait            print "pid PID" on stdout and wait for SIGUSR1 before starting (the benchmark
 *                     attaches the tracer to PID first)
 *   --watch-pid-file FILE  after SIGUSR1, read a PID from FILE (the consumer's): its CPU time
 *                     (utime+stime, /proc/PID/stat) is read at the start and the end of the measured
 *                     phase and printed as consumer_cpu_ns
 * Prints on stdout one line:
 *   load: calls=N seconds=T rate=R warmup_calls=W consumer_cpu_ns=C
 * (N, T, R and C cover the measured phase only; C is -1 without a consumer).
 * Build: cc -O2 -o getppid_loop getppid_loop.c */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime+stime of a process in nanoseconds, -1 if unreadable. */
static long long cpu_ns_of(int pid)
{
	char path[64], buf[4096];
	FILE *f;
	size_t n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may contain spaces */
	if (!p)
		return -1;
	unsigned long long ut = 0, st = 0;
	/* after ") ": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)((ut + st) * (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK)));
}

/* n calls, paced to rate (0: full speed); returns the time at the end. */
static double run_calls(uint64_t n, double rate, double t0)
{
	uint64_t done = 0;
	double t = t0;

	if (rate <= 0) {
		for (; done < n; done++)
			syscall(SYS_getppid);
		return now();
	}
	while (done < n) {
		uint64_t chunk = n - done < 256 ? n - done : 256;
		for (uint64_t k = 0; k < chunk; k++)
			syscall(SYS_getppid);
		done += chunk;
		/* ahead of schedule: spin on the clock (no system call: clock_gettime is in the vDSO) */
		while ((t = now()) - t0 < (double)done / rate)
			;
	}
	return t;
}

int main(int argc, char **argv)
{
	uint64_t calls = 10000000, warmup = 0;
	double seconds = 0, rate = 0, warmup_rate = 250000;
	const char *watch_file = NULL;
	int wait = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--calls") && i + 1 < argc)
			calls = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--rate") && i + 1 < argc)
			rate = atof(argv[++i]);
		else if (!strcmp(argv[i], "--warmup-calls") && i + 1 < argc)
			warmup = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--warmup-rate") && i + 1 < argc)
			warmup_rate = atof(argv[++i]);
		else if (!strcmp(argv[i], "--watch-pid-file") && i + 1 < argc)
			watch_file = argv[++i];
		else if (!strcmp(argv[i], "--wait"))
			wait = 1;
		else {
			fprintf(stderr, "usage: getppid_loop [--calls N | --seconds S] [--rate R] [--warmup-calls W]\n"
					"                    [--warmup-rate WR] [--wait] [--watch-pid-file FILE]\n");
			return 2;
		}
	}
	if (wait) {
		sigset_t set;
		int sig;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("pid %d\n", getpid());
		fflush(stdout);
		sigwait(&set, &sig);
	}
	int watch = 0;
	if (watch_file) {
		FILE *f = fopen(watch_file, "r");
		if (f) {
			if (fscanf(f, "%d", &watch) != 1)
				watch = 0;
			fclose(f);
		}
	}

	if (warmup > 0)
		run_calls(warmup, warmup_rate, now());

	long long c0 = cpu_ns_of(watch);
	uint64_t n = 0;
	double t0 = now(), t = t0;
	if (seconds > 0) {
		while (t - t0 < seconds) {
			for (int k = 0; k < 1024; k++)
				syscall(SYS_getppid);
			n += 1024;
			t = now();
		}
	} else {
		t = run_calls(calls, rate, t0);
		n = calls;
	}
	long long c1 = cpu_ns_of(watch);
	double el = t - t0;
	printf("load: calls=%llu seconds=%.6f rate=%.0f warmup_calls=%llu consumer_cpu_ns=%lld\n", (unsigned long long)n, el,
	       el > 0 ? (double)n / el : 0.0, (unsigned long long)warmup, c0 >= 0 && c1 >= 0 ? c1 - c0 : -1LL);
	return 0;
}
