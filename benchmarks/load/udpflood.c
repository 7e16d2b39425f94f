// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Load generator for workload (b) of the throughput benchmark: small UDP datagrams as fast as one
 * thread can send them, over a veth pair between two network namespaces.
 *
 * Usage:
 *   udpflood send --dst IPV4 --port P [--seconds S] [--size BYTES] [--batch N]
 *       connected UDP socket; --batch 1 (default) sends with send(2), N > 1 with sendmmsg(2) in
 *       batches of N. Prints "udp: packets=N seconds=T rate=R" (R in packets/s).
 *   udpflood recv --port P
 *       binds 0.0.0.0:P with a small receive buffer and never reads: the datagrams are delivered to
 *       a socket (no ICMP port unreachable) and then dropped when the buffer is full, which costs
 *       the receiving side as little as possible. Runs until killed.
 * On a veth pair the receive path (netif_receive_skb ... udp_rcv) runs on the sender's CPU, so the
 * sender's rate includes both the transmit and the receive side, which is where pkttrace's
 * tx and rx probes fire. Build: cc -O2 -o udpflood udpflood.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: udpflood send --dst IPV4 --port P [--seconds S] [--size BYTES] [--batch N]\n"
			"       udpflood recv --port P\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dst = NULL;
	int port = 0, size = 18, batch = 1;
	double seconds = 5;

	if (argc < 2)
		usage();
	int recv_mode = strcmp(argv[1], "recv") == 0;
	if (!recv_mode && strcmp(argv[1], "send") != 0)
		usage();
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--dst") && i + 1 < argc)
			dst = argv[++i];
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
			batch = atoi(argv[++i]);
		else
			usage();
	}
	if (port <= 0 || port > 65535 || size < 0 || size > 1400 || batch < 1 || batch > MAX_BATCH)
		usage();

	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpflood: socket");
		return 1;
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (recv_mode) {
		int rcvbuf = 4096;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		a.sin_addr.s_addr = htonl(INADDR_ANY);
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
			perror("udpflood: bind");
			return 1;
		}
		printf("udp: listening on port %d\n", port);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (!dst || inet_pton(AF_INET, dst, &a.sin_addr) != 1)
		usage();
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("udpflood: connect");
		return 1;
	}
	static char payload[1400];
	memset(payload, 'p', sizeof(payload));
	struct iovec iov[MAX_BATCH];
	struct mmsghdr msgs[MAX_BATCH];
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < batch; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = (size_t)size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	uint64_t sent = 0, errors = 0;
	double t0 = now(), t = t0;
	while (t - t0 < seconds) {
		for (int k = 0; k < 64; k++) {
			if (batch == 1) {
				if (send(fd, payload, (size_t)size, 0) == size)
					sent++;
				else
					errors++;
			} else {
				int n = sendmmsg(fd, msgs, (unsigned)batch, 0);
				if (n > 0)
					sent += (uint64_t)n;
				else
					errors++;
			}
		}
		t = now();
	}
	double el = t - t0;
	printf("udp: packets=%llu seconds=%.6f rate=%.0f errors=%llu\n", (unsigned long long)sent, el,
	       el > 0 ? (double)sent / el : 0.0, (unsigned long long)errors);
	return 0;
}
