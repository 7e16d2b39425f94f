/*
 * A stand-in for a user-space vrouter, for the vrouter probe's kernel tests: the real struct
 * vr_packet layout, functions that take the packet in different arguments (and as vr_packet **),
 * an enum return type, a function without a packet, a copy made inside a call, a longjmp that
 * skips returns, and frames the real datapath's scenarios do not have (802.1Q, IPv6 with an
 * extension header, VXLAN, MPLS over GRE with an IPv6 payload, IPv4 options, ARP).
 * struct vr_interface and vr_nexthop deliberately differ from the real ones: the probe must take
 * their offsets from this program's debug information.
 *
 * usage: fake_vrouter MODE...   (modes: vlan ipv6 vxlan mplsogre ipopt arp copy jump)
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

struct vr_interface {
    long pad[3];
    unsigned char vif_name[16];
    int other;
    unsigned short vif_idx;
};

struct vr_nexthop {
    long pad;
    unsigned int nh_id;
};

struct vr_packet {
    unsigned char *vp_head;
    struct vr_interface *vp_if;
    struct vr_nexthop *vp_nh;
    unsigned short vp_data;
    unsigned short vp_tail;
    unsigned short vp_len;
    unsigned short vp_end;
    unsigned short vp_network_h;
    unsigned short vp_flags;
    unsigned short vp_inner_network_h;
    unsigned char vp_cpu;
    unsigned char vp_type;
    unsigned char vp_ttl;
    unsigned char vp_queue;
    unsigned char vp_priority:4, vp_notused:4;
};

typedef enum { FLOW_FORWARD, FLOW_DROP, FLOW_HOLD, FLOW_CONSUMED } flow_result_t;

#define HEADROOM 128
static struct vr_interface vif = {.vif_name = "fake0", .vif_idx = 7};
static struct vr_nexthop nh = {.nh_id = 42};
static jmp_buf back;

static struct vr_packet *packet(const unsigned char *frame, int len)
{
    struct vr_packet *p = calloc(1, sizeof(*p));
    p->vp_head = calloc(1, HEADROOM + len + 64);
    memcpy(p->vp_head + HEADROOM, frame, len);
    p->vp_data = HEADROOM;
    p->vp_tail = HEADROOM + len;
    p->vp_len = len;
    p->vp_end = HEADROOM + len + 64;
    p->vp_if = &vif;
    p->vp_nh = &nh;
    return p;
}

/* what vr_pkt_type() does: classify and set the network header (after Ethernet and VLAN tags) */
__attribute__((noinline)) int pt_classify(struct vr_packet *pkt, int unused)
{
    unsigned char *eth = pkt->vp_head + pkt->vp_data;
    int off = 12;
    unsigned short proto = (eth[off] << 8) | eth[off + 1];
    while (proto == 0x8100) {
        off += 4;
        proto = (eth[off] << 8) | eth[off + 1];
    }
    pkt->vp_network_h = pkt->vp_data + off + 2;
    pkt->vp_type = proto == 0x0806 ? 1 : proto == 0x86dd ? 3 : 2;
    return unused;
}

__attribute__((noinline)) flow_result_t pt_flow(void *router, int x, struct vr_packet *pkt)
{
    (void)router;
    return pkt->vp_len > 0 ? (flow_result_t)x : FLOW_DROP;
}

__attribute__((noinline)) void pt_log(int code)
{
    __asm__ volatile("" : : "r"(code));
}

__attribute__((noinline)) int pt_tx(int a, int b, int c, struct vr_packet *pkt)
{
    return a + b + c + pkt->vp_type;
}

/* copy-on-write that hands on a new vr_packet, as vr_pcow()/pkt_copy do */
__attribute__((noinline)) int pt_cow(struct vr_packet **pktp)
{
    struct vr_packet *old = *pktp, *copy = packet(old->vp_head + old->vp_data, old->vp_len);
    copy->vp_type = old->vp_type;
    copy->vp_network_h = old->vp_network_h;
    *pktp = copy;
    return 0;
}

__attribute__((noinline)) int pt_jump(struct vr_packet *pkt)
{
    if (pkt)
        longjmp(back, 1);
    return 0;
}

__attribute__((noinline)) int pt_rx(struct vr_interface *in, struct vr_packet *pkt, int mode)
{
    pt_classify(pkt, 0);
    pt_flow(NULL, FLOW_HOLD, pkt);
    pt_log(mode);
    if (mode == 1) {
        pt_cow(&pkt);
        pt_tx(1, 2, 3, pkt);
    }
    if (mode == 2)
        pt_jump(pkt);
    return in->vif_idx;
}

/* catches the longjmp of pt_jump: pt_rx's and pt_jump's returns never happen */
__attribute__((noinline)) int pt_outer(struct vr_packet *pkt)
{
    if (setjmp(back) == 0)
        pt_rx(&vif, pkt, 2);
    return 5;
}

static int eth(unsigned char *b, unsigned short proto)
{
    static const unsigned char dst[6] = {2, 0, 0, 0, 0, 2}, src[6] = {2, 0, 0, 0, 0, 1};
    memcpy(b, dst, 6);
    memcpy(b + 6, src, 6);
    b[12] = proto >> 8;
    b[13] = proto & 0xff;
    return 14;
}

static int ipv4(unsigned char *b, const char *s, const char *d, int proto, int payload, int options)
{
    int ihl = 20 + options;
    in_addr_t sa = inet_addr(s), da = inet_addr(d);
    memset(b, 0, ihl);
    b[0] = 0x40 | (ihl / 4);
    b[2] = (ihl + payload) >> 8;
    b[3] = (ihl + payload) & 0xff;
    b[8] = 64;
    b[9] = proto;
    memcpy(b + 12, &sa, 4);
    memcpy(b + 16, &da, 4);
    if (options)
        memset(b + 20, 1, options); /* NOP options */
    return ihl;
}

static int ports(unsigned char *b, unsigned short s, unsigned short d)
{
    b[0] = s >> 8; b[1] = s & 0xff; b[2] = d >> 8; b[3] = d & 0xff;
    memset(b + 4, 0, 4);
    return 8;
}

static int ipv6(unsigned char *b, const char *s, const char *d, int next, int payload)
{
    memset(b, 0, 40);
    b[0] = 0x60;
    b[4] = payload >> 8;
    b[5] = payload & 0xff;
    b[6] = next;
    b[7] = 64;
    inet_pton(AF_INET6, s, b + 8);
    inet_pton(AF_INET6, d, b + 24);
    return 40;
}

static void run(const char *mode)
{
    unsigned char f[256];
    int n = 0, rx = 0;

    memset(f, 0, sizeof(f));
    if (!strcmp(mode, "vlan")) {          /* 802.1Q VLAN 7, IPv4 UDP 198.18.0.1:1111 -> 198.18.0.2:2222 */
        n = eth(f, 0x8100);
        f[n++] = 0; f[n++] = 7; f[n++] = 0x08; f[n++] = 0x00;
        n += ipv4(f + n, "198.18.0.1", "198.18.0.2", 17, 8, 0);
        n += ports(f + n, 1111, 2222);
    } else if (!strcmp(mode, "ipv6")) {   /* IPv6, hop-by-hop options, TCP [2001:db8::1]:3333 -> [2001:db8::2]:4444 */
        n = eth(f, 0x86dd);
        n += ipv6(f + n, "2001:db8::1", "2001:db8::2", 0, 8 + 20);
        f[n] = 6; f[n + 1] = 0; n += 8; /* hop-by-hop: next TCP, 8 bytes */
        n += ports(f + n, 3333, 4444);
        n += 12;
    } else if (!strcmp(mode, "vxlan")) {  /* VXLAN VNI 77 over 198.18.1.1 -> 198.18.1.2, inner ICMP echo 10.1.1.1 -> 10.1.1.2 id 9 seq 3 */
        unsigned char inner[64];
        int m = eth(inner, 0x0800);
        m += ipv4(inner + m, "10.1.1.1", "10.1.1.2", 1, 8, 0);
        inner[m] = 8; inner[m + 5] = 9; inner[m + 7] = 3; m += 8;
        n = eth(f, 0x0800);
        n += ipv4(f + n, "198.18.1.1", "198.18.1.2", 17, 8 + 8 + m, 0);
        n += ports(f + n, 50000, 4789);
        f[n] = 0x08; f[n + 4] = 0; f[n + 5] = 0; f[n + 6] = 77; n += 8;
        memcpy(f + n, inner, m);
        n += m;
    } else if (!strcmp(mode, "mplsogre")) { /* MPLS label 55 over GRE over 198.18.2.1 -> 198.18.2.2, IPv6 UDP payload */
        unsigned char inner[64];
        int m = ipv6(inner, "2001:db8:5::1", "2001:db8:5::2", 17, 8);
        m += ports(inner + m, 5555, 6666);
        n = eth(f, 0x0800);
        n += ipv4(f + n, "198.18.2.1", "198.18.2.2", 47, 4 + 4 + m, 0);
        f[n + 2] = 0x88; f[n + 3] = 0x47; n += 4;
        f[n] = 0; f[n + 1] = 0x03; f[n + 2] = 0x71; f[n + 3] = 64; n += 4; /* label 55, bottom of stack */
        memcpy(f + n, inner, m);
        n += m;
    } else if (!strcmp(mode, "ipopt")) {  /* IPv4 with 4 bytes of options, UDP 198.18.3.1:7777 -> 198.18.3.2:8888 */
        n = eth(f, 0x0800);
        n += ipv4(f + n, "198.18.3.1", "198.18.3.2", 17, 8, 4);
        n += ports(f + n, 7777, 8888);
    } else if (!strcmp(mode, "arp")) {    /* ARP who-has 198.18.4.2 tell 198.18.4.1 */
        in_addr_t s = inet_addr("198.18.4.1"), t = inet_addr("198.18.4.2");
        n = eth(f, 0x0806);
        f[n + 1] = 1; f[n + 2] = 8; f[n + 4] = 6; f[n + 5] = 4; f[n + 7] = 1;
        memcpy(f + n + 8, f + 6, 6);
        memcpy(f + n + 14, &s, 4);
        memcpy(f + n + 24, &t, 4);
        n += 28;
    } else if (!strcmp(mode, "copy")) {   /* pt_cow hands on a copy: UDP 198.18.5.1:1 -> 198.18.5.2:2 */
        n = eth(f, 0x0800);
        n += ipv4(f + n, "198.18.5.1", "198.18.5.2", 17, 8, 0);
        n += ports(f + n, 1, 2);
        rx = 1;
    } else if (!strcmp(mode, "jump")) {   /* longjmp out of pt_jump and pt_rx into pt_outer: UDP 198.18.6.1:1 -> 198.18.6.2:2 */
        n = eth(f, 0x0800);
        n += ipv4(f + n, "198.18.6.1", "198.18.6.2", 17, 8, 0);
        n += ports(f + n, 1, 2);
        pt_outer(packet(f, n));
        return;
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        exit(2);
    }
    pt_rx(&vif, packet(f, n), rx);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        run(argv[i]);
    return 0;
}
