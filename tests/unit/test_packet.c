/*
 * test_packet.c - libcheck suite for the frame decoder (packet.c, link.c,
 * ip.c, tunnel.c): every link type, VLAN tags, SLL/SLL2, DLT_NULL in both
 * byte orders, raw IP, VXLAN, GRE (key, sequence, TEB, ERSPAN II and III),
 * IPv6 extension headers, IPv4 and IPv6 fragment reassembly (order,
 * duplicates, overlaps, timeout, eviction), TCP and UDP fields, and hostile
 * input (every truncation of a tunnelled frame, inconsistent lengths, too
 * deep tunnels, random corruption).
 *
 * Frames are built inside out: a payload, then each header pushed in front
 * of it (struct pk). Header checksums are left zero: the decoder does not
 * check them.
 */
#include <stdlib.h>
#include <string.h>

#include "traffic/packet.h"
#include "testutil.h"

#define PK_CAP 16384
#define PK_HEAD 8192
#define SEC 1000000000ull

/* A frame under construction: bytes at b[at..end). */
struct pk {
    uint8_t b[PK_CAP];
    size_t at, end;
};

static const uint8_t v4a[4] = {10, 0, 0, 1}, v4b[4] = {10, 0, 0, 2};
static const uint8_t v6a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t v6b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void
pk_init(struct pk *k, const void *payload, size_t n)
{
    ck_assert_uint_le(n, PK_CAP - PK_HEAD);
    k->at = k->end = PK_HEAD;
    if (n)
        memcpy(k->b + k->at, payload, n);
    k->end += n;
}

static size_t
pk_len(const struct pk *k)
{
    return k->end - k->at;
}

static const uint8_t *
pk_data(const struct pk *k)
{
    return k->b + k->at;
}

/* Room for an n-byte header in front, zeroed. */
static uint8_t *
pk_push(struct pk *k, size_t n)
{
    ck_assert_uint_ge(k->at, n);
    k->at -= n;
    memset(k->b + k->at, 0, n);
    return k->b + k->at;
}

static void
pk_append(struct pk *k, const void *p, size_t n)
{
    ck_assert_uint_le(n, PK_CAP - k->end);
    memcpy(k->b + k->end, p, n);
    k->end += n;
}

static void
push_udp(struct pk *k, uint16_t sp, uint16_t dp)
{
    size_t n = pk_len(k) + 8;
    uint8_t *h = pk_push(k, 8);

    put16(h, sp);
    put16(h + 2, dp);
    put16(h + 4, (uint16_t)n);
}

static void
push_tcp(struct pk *k, uint16_t sp, uint16_t dp, uint32_t seq, uint8_t flags,
         size_t optlen)
{
    uint8_t *h = pk_push(k, 20 + optlen);

    put16(h, sp);
    put16(h + 2, dp);
    put32(h + 4, seq);
    put32(h + 8, 0x01020304);
    h[12] = (uint8_t)((20 + optlen) / 4 << 4);
    h[13] = flags;
    put16(h + 14, 65535);
    memset(h + 20, 1, optlen); /* NOPs */
}

/* IPv4 with optlen bytes of options (NOPs) and fragment word fw. */
static void
push_ipv4f(struct pk *k, uint8_t proto, uint16_t id, uint16_t fw, size_t optlen)
{
    size_t n = pk_len(k) + 20 + optlen;
    uint8_t *h = pk_push(k, 20 + optlen);

    h[0] = (uint8_t)(0x40 | (20 + optlen) / 4);
    put16(h + 2, (uint16_t)n);
    put16(h + 4, id);
    put16(h + 6, fw);
    h[8] = 64;
    h[9] = proto;
    memcpy(h + 12, v4a, 4);
    memcpy(h + 16, v4b, 4);
    memset(h + 20, 1, optlen);
}

static void
push_ipv4(struct pk *k, uint8_t proto)
{
    push_ipv4f(k, proto, 0x1234, 0x4000 /* DF */, 0);
}

static void
push_ipv6(struct pk *k, uint8_t nh)
{
    size_t n = pk_len(k);
    uint8_t *h = pk_push(k, 40);

    h[0] = 0x60;
    put16(h + 4, (uint16_t)n);
    h[6] = nh;
    h[7] = 64;
    memcpy(h + 8, v6a, 16);
    memcpy(h + 24, v6b, 16);
}

/* An extension header of (len8 + 1) * 8 bytes (Pad1 options inside). */
static void
push_ext6(struct pk *k, uint8_t nh, uint8_t len8)
{
    uint8_t *h = pk_push(k, ((size_t)len8 + 1) * 8);

    h[0] = nh;
    h[1] = len8;
}

static void
push_frag6(struct pk *k, uint8_t nh, uint16_t off, int more, uint32_t id)
{
    uint8_t *h = pk_push(k, 8);

    h[0] = nh;
    put16(h + 2, (uint16_t)(off | (more ? 1 : 0)));
    put32(h + 4, id);
}

static void
push_eth(struct pk *k, uint16_t type)
{
    uint8_t *h = pk_push(k, 14);

    memset(h, 0x02, 12);
    put16(h + 12, type);
}

/* A tag (TCI 100) whose next EtherType is type; then push the outer
 * EtherType (the TPID) with push_eth or another tag. */
static void
push_tag(struct pk *k, uint16_t type)
{
    uint8_t *h = pk_push(k, 4);

    put16(h, 100);
    put16(h + 2, type);
}

static void
push_vxlan(struct pk *k, uint8_t flags)
{
    uint8_t *h = pk_push(k, 8);

    h[0] = flags;
    h[4] = 0x12; /* VNI */
}

/* GRE with the given flags (C 0x8000, K 0x2000, S 0x1000). */
static void
push_gre(struct pk *k, uint16_t flags, uint16_t proto)
{
    size_t n = 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) +
               (flags & 0x1000 ? 4 : 0);
    uint8_t *h = pk_push(k, n);

    put16(h, flags);
    put16(h + 2, proto);
    memset(h + 4, 0xAB, n - 4);
}

/* The payload "hello" in UDP 1111 -> 443 in IP of version ver. */
static void
mk_udp_ip(struct pk *k, int ver)
{
    pk_init(k, "hello", 5);
    push_udp(k, 1111, 443);
    if (ver == 4)
        push_ipv4(k, 17);
    else
        push_ipv6(k, 17);
}

static struct pkt_decoder *
dec_new(size_t max, uint64_t timeout)
{
    struct pkt_limits lim = {max, timeout};
    struct pkt_decoder *d = pkt_decoder_new(&lim);

    ck_assert_ptr_nonnull(d);
    return d;
}

static int
decode(struct pkt_decoder *d, uint32_t lt, const struct pk *k,
       struct l4_packet *out)
{
    return pkt_decode(d, lt, pk_data(k), pk_len(k), 0, out);
}

/* The frame decodes to the "hello" UDP datagram of mk_udp_ip(ver). */
static void
assert_hello(struct pkt_decoder *d, uint32_t lt, const struct pk *k, int ver)
{
    struct l4_packet out;

    memset(&out, 0xEE, sizeof(out));
    ck_assert_int_eq(decode(d, lt, k, &out), 1);
    ck_assert_uint_eq(out.ipver, ver);
    ck_assert_uint_eq(out.proto, 17);
    ck_assert_uint_eq(out.sport, 1111);
    ck_assert_uint_eq(out.dport, 443);
    ck_assert_uint_eq(out.len, 5);
    ck_assert_mem_eq(out.data, "hello", 5);
    if (ver == 4) {
        ck_assert_mem_eq(out.src, v4a, 4);
        ck_assert_mem_eq(out.dst, v4b, 4);
        ck_assert_mem_eq(out.src + 4, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
    } else {
        ck_assert_mem_eq(out.src, v6a, 16);
        ck_assert_mem_eq(out.dst, v6b, 16);
    }
}

START_TEST(ethernet_tcp_fields)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    static const uint8_t pad[10] = {0};
    struct pk k;

    pk_init(&k, "GET /", 5);
    push_tcp(&k, 40000, 443, 0xDEADBEEF, 0x18, 12);
    push_ipv4f(&k, 6, 1, 0x4000, 8); /* with 8 bytes of options */
    push_eth(&k, 0x0800);
    pk_append(&k, pad, sizeof(pad)); /* padding + FCS: clamped away */
    ck_assert_int_eq(decode(d, 1, &k, &out), 1);
    ck_assert_uint_eq(out.ipver, 4);
    ck_assert_uint_eq(out.proto, 6);
    ck_assert_uint_eq(out.sport, 40000);
    ck_assert_uint_eq(out.dport, 443);
    ck_assert_uint_eq(out.seq, 0xDEADBEEF);
    ck_assert_uint_eq(out.tcp_flags, 0x18);
    ck_assert_uint_eq(out.len, 5);
    /* Zero copy: the payload is the frame's own bytes. */
    ck_assert_ptr_eq(out.data, pk_data(&k) + 14 + 28 + 32);
    /* A SYN without payload. */
    pk_init(&k, NULL, 0);
    push_tcp(&k, 1, 2, 7, 0x02, 0);
    push_ipv6(&k, 6);
    push_eth(&k, 0x86DD);
    ck_assert_int_eq(decode(d, 1, &k, &out), 1);
    ck_assert_uint_eq(out.ipver, 6);
    ck_assert_uint_eq(out.tcp_flags, 0x02);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->frames, 2);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 0);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(vlan_tags)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    int i;

    mk_udp_ip(&k, 4); /* single 802.1Q */
    push_tag(&k, 0x0800);
    push_eth(&k, 0x8100);
    assert_hello(d, 1, &k, 4);
    mk_udp_ip(&k, 6); /* 802.1ad outer, 802.1Q inner */
    push_tag(&k, 0x86DD);
    push_tag(&k, 0x8100);
    push_eth(&k, 0x88A8);
    assert_hello(d, 1, &k, 6);
    mk_udp_ip(&k, 4); /* old QinQ 0x9100 */
    push_tag(&k, 0x0800);
    push_tag(&k, 0x8100);
    push_eth(&k, 0x9100);
    assert_hello(d, 1, &k, 4);
    mk_udp_ip(&k, 4); /* too many tags */
    push_tag(&k, 0x0800);
    for (i = 0; i < 20; i++)
        push_tag(&k, 0x8100);
    push_eth(&k, 0x8100);
    ck_assert_int_eq(decode(d, 1, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 1);
    pk_init(&k, "arp arp arp arp arp arp arp", 28); /* ARP: not IP */
    push_tag(&k, 0x0806);
    push_eth(&k, 0x8100);
    ck_assert_int_eq(decode(d, 1, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->not_ip, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(sll_and_sll2)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    uint8_t *h;

    mk_udp_ip(&k, 6);
    h = pk_push(&k, 16);
    put16(h, 4);     /* sent by us */
    put16(h + 2, 1); /* ARPHRD_ETHER */
    put16(h + 4, 6); /* address length */
    put16(h + 14, 0x86DD);
    assert_hello(d, 113, &k, 6);
    mk_udp_ip(&k, 4); /* SLL with a VLAN tag put back by libpcap */
    push_tag(&k, 0x0800);
    h = pk_push(&k, 16);
    put16(h + 14, 0x8100);
    assert_hello(d, 113, &k, 4);
    mk_udp_ip(&k, 6);
    h = pk_push(&k, 20);
    put16(h, 0x86DD); /* protocol first in SLL2 */
    put32(h + 4, 3);  /* interface index */
    put16(h + 8, 1);
    h[11] = 6;
    assert_hello(d, 276, &k, 6);
    pk_init(&k, "x", 1); /* truncated headers */
    ck_assert_int_eq(decode(d, 113, &k, &out), 0);
    ck_assert_int_eq(decode(d, 276, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 2);
    pkt_decoder_free(d);
}
END_TEST

/* A 4-byte address family word in front, in either byte order. */
static void
push_af(struct pk *k, uint32_t af, int big_endian)
{
    uint8_t *h = pk_push(k, 4);

    if (big_endian) {
        put32(h, af);
    } else {
        h[0] = (uint8_t)af;
        h[1] = (uint8_t)(af >> 8);
        h[2] = (uint8_t)(af >> 16);
        h[3] = (uint8_t)(af >> 24);
    }
}

START_TEST(null_both_orders)
{
    static const uint32_t afs[5] = {2, 10, 24, 28, 30};
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    int i, be, ver;

    for (i = 0; i < 5; i++) {
        for (be = 0; be < 2; be++) {
            ver = afs[i] == 2 ? 4 : 6;
            mk_udp_ip(&k, ver);
            push_af(&k, afs[i], be);
            assert_hello(d, 0, &k, ver);
        }
    }
    mk_udp_ip(&k, 4); /* AF_INET6 word over an IPv4 packet */
    push_af(&k, 30, 0);
    ck_assert_int_eq(decode(d, 0, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 1);
    mk_udp_ip(&k, 4); /* AF_APPLETALK-ish: not IP */
    push_af(&k, 16, 0);
    ck_assert_int_eq(decode(d, 0, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->not_ip, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(loop_network_order)
{
    static const uint32_t afs[5] = {2, 10, 24, 28, 30};
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    int i, ver;

    for (i = 0; i < 5; i++) {
        ver = afs[i] == 2 ? 4 : 6;
        mk_udp_ip(&k, ver);
        push_af(&k, afs[i], 1);
        assert_hello(d, 108, &k, ver);
    }
    mk_udp_ip(&k, 4); /* DLT_LOOP is network order only */
    push_af(&k, 2, 0);
    ck_assert_int_eq(decode(d, 108, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->not_ip, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(raw_ip_types)
{
    static const uint32_t raw[3] = {101, 12, 14};
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    int i;

    for (i = 0; i < 3; i++) {
        mk_udp_ip(&k, 4);
        assert_hello(d, raw[i], &k, 4);
        mk_udp_ip(&k, 6);
        assert_hello(d, raw[i], &k, 6);
    }
    mk_udp_ip(&k, 4);
    assert_hello(d, 228, &k, 4);
    ck_assert_int_eq(decode(d, 229, &k, &out), 0); /* IPv4 in IPV6 type */
    mk_udp_ip(&k, 6);
    assert_hello(d, 229, &k, 6);
    ck_assert_int_eq(decode(d, 228, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 2);
    pk_init(&k, "\x50", 1); /* version 5 */
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_int_eq(pkt_decode(d, 101, pk_data(&k), 0, 0, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 4);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(unsupported_link_type)
{
    static const uint32_t known[10] = {0,   1,   12,  14,  101,
                                       108, 113, 228, 229, 276};
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    int i;

    for (i = 0; i < 10; i++)
        ck_assert(pkt_linktype_supported(known[i]));
    ck_assert(!pkt_linktype_supported(105)); /* 802.11 */
    ck_assert(!pkt_linktype_supported(9));   /* PPP */
    mk_udp_ip(&k, 4);
    ck_assert_int_eq(decode(d, 105, &k, &out), 0);
    ck_assert_int_eq(decode(d, 147, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->unsupported, 2);
    ck_assert_uint_eq(pkt_decoder_stats(d)->frames, 2);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 0);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(vxlan_ethernet_ipv6_udp)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;

    mk_udp_ip(&k, 6);
    push_eth(&k, 0x86DD);
    push_vxlan(&k, 0x08);
    push_udp(&k, 54321, 4789);
    push_ipv4(&k, 17);
    push_eth(&k, 0x0800);
    assert_hello(d, 1, &k, 6);
    ck_assert_uint_eq(pkt_decoder_stats(d)->tunnels, 1);
    /* Without the I flag: an ordinary datagram to port 4789. */
    mk_udp_ip(&k, 6);
    push_eth(&k, 0x86DD);
    push_vxlan(&k, 0x00);
    push_udp(&k, 54321, 4789);
    push_ipv4(&k, 17);
    ck_assert_int_eq(decode(d, 101, &k, &out), 1);
    ck_assert_uint_eq(out.dport, 4789);
    ck_assert_uint_eq(out.len, 8 + 14 + 40 + 8 + 5);
    ck_assert_uint_eq(pkt_decoder_stats(d)->tunnels, 1);
    /* VXLAN carrying ARP: a layer removed, nothing IP inside. */
    pk_init(&k, "0123456789012345678901234567", 28);
    push_eth(&k, 0x0806);
    push_vxlan(&k, 0x08);
    push_udp(&k, 54321, 4789);
    push_ipv4(&k, 17);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->not_ip, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(gre_key_seq_ipv4)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;

    mk_udp_ip(&k, 4);
    push_gre(&k, 0x2000 | 0x1000, 0x0800);
    push_ipv4(&k, 47);
    push_eth(&k, 0x0800);
    assert_hello(d, 1, &k, 4);
    mk_udp_ip(&k, 6); /* checksum + key + sequence, IPv6 inside IPv6 */
    push_gre(&k, 0x8000 | 0x2000 | 0x1000, 0x86DD);
    push_ipv6(&k, 47);
    assert_hello(d, 101, &k, 6);
    ck_assert_uint_eq(pkt_decoder_stats(d)->tunnels, 2);
    mk_udp_ip(&k, 4); /* RFC 1701 routing bit */
    push_gre(&k, 0x4000, 0x0800);
    push_ipv4(&k, 47);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 1);
    mk_udp_ip(&k, 4); /* version 1 (PPTP) */
    push_gre(&k, 0x2001, 0x880B);
    push_ipv4(&k, 47);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->not_ip, 1);
    mk_udp_ip(&k, 4); /* IP in IP */
    push_ipv4(&k, 4);
    assert_hello(d, 101, &k, 4);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(gre_teb)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct pk k;

    mk_udp_ip(&k, 4);
    push_tag(&k, 0x0800);
    push_eth(&k, 0x8100);
    push_gre(&k, 0x2000, 0x6558);
    push_ipv6(&k, 47);
    push_eth(&k, 0x86DD);
    assert_hello(d, 1, &k, 4);
    ck_assert_uint_eq(pkt_decoder_stats(d)->tunnels, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(erspan_types)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    uint8_t *h;

    /* Type II: GRE with S, 8-byte ERSPAN header (version 1). */
    mk_udp_ip(&k, 4);
    push_eth(&k, 0x0800);
    h = pk_push(&k, 8);
    put16(h, 0x1000 | 7); /* ver 1, VLAN 7 */
    put16(h + 2, 42);     /* session */
    push_gre(&k, 0x1000, 0x88BE);
    push_ipv4(&k, 47);
    push_eth(&k, 0x0800);
    assert_hello(d, 1, &k, 4);
    /* Type I: 0x88BE without S, no ERSPAN header. */
    mk_udp_ip(&k, 6);
    push_eth(&k, 0x86DD);
    push_gre(&k, 0, 0x88BE);
    push_ipv4(&k, 47);
    assert_hello(d, 101, &k, 6);
    /* Type III, 12-byte header. */
    mk_udp_ip(&k, 6);
    push_eth(&k, 0x86DD);
    h = pk_push(&k, 12);
    put16(h, 0x2000);
    put32(h + 4, 0x11223344); /* timestamp */
    push_gre(&k, 0x1000, 0x22EB);
    push_ipv4(&k, 47);
    assert_hello(d, 101, &k, 6);
    /* Type III with the O bit: an 8-byte platform subheader. */
    mk_udp_ip(&k, 4);
    push_eth(&k, 0x0800);
    memset(pk_push(&k, 8), 0x77, 8);
    h = pk_push(&k, 12);
    put16(h, 0x2000);
    h[11] = 0x01;
    push_gre(&k, 0x1000, 0x22EB);
    push_ipv4(&k, 47);
    assert_hello(d, 101, &k, 4);
    ck_assert_uint_eq(pkt_decoder_stats(d)->tunnels, 4);
    /* Type III header cut short. */
    pk_init(&k, "0123456789", 10);
    push_gre(&k, 0x1000, 0x22EB);
    push_ipv4(&k, 47);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(ipv6_extension_headers)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    uint8_t *h;

    /* hop-by-hop, destination options, routing, atomic fragment,
     * destination options, UDP. */
    pk_init(&k, "hello", 5);
    push_udp(&k, 1111, 443);
    push_ext6(&k, 17, 0);
    push_frag6(&k, 60, 0, 0, 99);
    push_ext6(&k, 44, 2);
    push_ext6(&k, 43, 1);
    push_ext6(&k, 60, 0);
    push_ipv6(&k, 0);
    assert_hello(d, 101, &k, 6);
    /* AH (RFC 4302: length in 4-byte units minus 2). */
    pk_init(&k, "hello", 5);
    push_udp(&k, 1111, 443);
    h = pk_push(&k, 24);
    h[0] = 17;
    h[1] = 4; /* (4 + 2) * 4 = 24 */
    push_ipv6(&k, 51);
    assert_hello(d, 101, &k, 6);
    /* ESP and No Next Header end the chain: not TCP or UDP. */
    pk_init(&k, "0123456789abcdef", 16);
    push_ipv6(&k, 50);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    pk_init(&k, NULL, 0);
    push_ext6(&k, 59, 0);
    push_ipv6(&k, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->other_proto, 2);
    /* A chain longer than the packet: hdr ext len 200 in 16 bytes. */
    pk_init(&k, "hello", 5);
    push_udp(&k, 1111, 443);
    push_ext6(&k, 17, 0);
    push_ext6(&k, 60, 0);
    push_ipv6(&k, 0);
    k.b[k.at + 40 + 1] = 200;
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    /* The last header cut: a destination options header of 4 bytes. */
    pk_init(&k, "abcd", 4);
    push_ipv6(&k, 60);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 2);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(ipv6_zero_length_and_jumbo)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    struct pk k;
    uint8_t *h;

    /* Payload length 0 without a jumbo option. */
    mk_udp_ip(&k, 6);
    put16(k.b + k.at + 4, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    /* A Jumbo Payload option announcing less than 65,536 bytes. */
    pk_init(&k, "hello", 5);
    push_udp(&k, 1111, 443);
    h = pk_push(&k, 8);
    h[0] = 17;
    h[2] = 0xC2;
    h[3] = 4;
    put32(h + 4, 8 + 8 + 5);
    push_ipv6(&k, 0);
    put16(k.b + k.at + 4, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    /* Payload length beyond the bytes present. */
    mk_udp_ip(&k, 6);
    put16(k.b + k.at + 4, 14);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->malformed, 3);
    pkt_decoder_free(d);
}
END_TEST

/* The 24-byte UDP datagram "hello..." of 3 fragments of 8 bytes each:
 * fragment i (0..2) of IPv4 id, payload offset 8 * i. */
static void
mk_frag4(struct pk *k, uint16_t id, const uint8_t *udp, size_t off, size_t n,
         int more)
{
    pk_init(k, udp + off, n);
    push_ipv4f(k, 17, id, (uint16_t)((more ? 0x2000 : 0) | off / 8), 0);
}

/* An 8-byte UDP header and 16 bytes of payload, the datagram fragmented. */
static void
mk_udp24(uint8_t *udp)
{
    struct pk k;

    pk_init(&k, "0123456789ABCDEF", 16);
    push_udp(&k, 1111, 443);
    memcpy(udp, pk_data(&k), 24);
}

static void
assert_udp24(const struct l4_packet *out, int ver)
{
    ck_assert_uint_eq(out->ipver, ver);
    ck_assert_uint_eq(out->proto, 17);
    ck_assert_uint_eq(out->sport, 1111);
    ck_assert_uint_eq(out->dport, 443);
    ck_assert_uint_eq(out->len, 16);
    ck_assert_mem_eq(out->data, "0123456789ABCDEF", 16);
}

/* Feeds fragments (index order[i] of 3) and expects the last to complete
 * the datagram. */
static void
run_order(struct pkt_decoder *d, uint16_t id, const int *order, int n)
{
    struct l4_packet out;
    uint8_t udp[24];
    struct pk k;
    int i, r;

    mk_udp24(udp);
    for (i = 0; i < n; i++) {
        mk_frag4(&k, id, udp, (size_t)order[i] * 8, 8, order[i] != 2);
        r = decode(d, 101, &k, &out);
        ck_assert_int_eq(r, i == n - 1);
    }
    assert_udp24(&out, 4);
}

START_TEST(ipv4_fragments_in_any_order)
{
    static const int in_order[3] = {0, 1, 2}, reversed[3] = {2, 1, 0};
    static const int dup[5] = {0, 0, 2, 2, 1}, mid[3] = {1, 0, 2};
    struct pkt_decoder *d = dec_new(0, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);

    run_order(d, 1, in_order, 3);
    run_order(d, 2, reversed, 3);
    run_order(d, 3, dup, 5);
    run_order(d, 4, mid, 3);
    ck_assert_uint_eq(st->fragments, 14);
    ck_assert_uint_eq(st->reassembled, 4);
    ck_assert_uint_eq(st->frag_dropped, 0);
    ck_assert_uint_eq(st->malformed, 0);
    pkt_decoder_free(d);
}
END_TEST

/* Overlaps keep the bytes that came first. */
START_TEST(ipv4_fragments_overlap_first_wins)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    uint8_t udp[24], evil[24];
    struct pk k;

    mk_udp24(udp);
    memcpy(evil, udp, 24);
    memset(evil + 8, 'X', 16);
    mk_frag4(&k, 9, udp, 0, 16, 1); /* bytes 0..15 */
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_frag4(&k, 9, evil, 8, 16, 1); /* 8..23: 8..15 already there */
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_frag4(&k, 9, udp, 16, 8, 0); /* 16..23 again, the last */
    ck_assert_int_eq(decode(d, 101, &k, &out), 1);
    ck_assert_uint_eq(out.len, 16);
    ck_assert_mem_eq(out.data, "01234567XXXXXXXX", 16);
    /* A last fragment that ends before data already received: dropped. */
    mk_frag4(&k, 10, udp, 8, 16, 1);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_frag4(&k, 10, udp, 8, 8, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_frag4(&k, 10, udp, 0, 8, 1); /* a new datagram now: held */
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(pkt_decoder_stats(d)->frag_dropped, 2);
    ck_assert_uint_eq(pkt_decoder_stats(d)->reassembled, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(ipv4_fragment_missing_then_timeout)
{
    struct pkt_decoder *d = dec_new(0, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);
    struct l4_packet out;
    uint8_t udp[24];
    struct pk k;

    mk_udp24(udp);
    mk_frag4(&k, 5, udp, 0, 8, 1);
    ck_assert_int_eq(pkt_decode(d, 101, pk_data(&k), pk_len(&k), SEC, &out), 0);
    mk_frag4(&k, 5, udp, 8, 8, 1);
    ck_assert_int_eq(pkt_decode(d, 101, pk_data(&k), pk_len(&k), 2 * SEC, &out),
                     0);
    ck_assert_uint_eq(st->fragments, 2);
    ck_assert_uint_eq(st->frag_dropped, 0);
    /* 31 s after the first fragment (default timeout 30 s): the last one
     * arrives too late; the held two are dropped, it starts anew. */
    mk_frag4(&k, 5, udp, 16, 8, 0);
    ck_assert_int_eq(
        pkt_decode(d, 101, pk_data(&k), pk_len(&k), 32 * SEC, &out), 0);
    ck_assert_uint_eq(st->frag_dropped, 2);
    ck_assert_uint_eq(st->reassembled, 0);
    /* Within the timeout of that one, the rest completes it. */
    mk_frag4(&k, 5, udp, 0, 16, 1);
    ck_assert_int_eq(
        pkt_decode(d, 101, pk_data(&k), pk_len(&k), 33 * SEC, &out), 1);
    assert_udp24(&out, 4);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(fragment_table_full_evicts_oldest)
{
    struct pkt_decoder *d = dec_new(2, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);
    struct l4_packet out;
    uint8_t udp[24];
    struct pk k;
    uint16_t id;

    mk_udp24(udp);
    for (id = 1; id <= 3; id++) {
        mk_frag4(&k, id, udp, 0, 16, 1);
        ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    }
    ck_assert_uint_eq(st->frag_dropped, 1); /* datagram 1 evicted */
    mk_frag4(&k, 2, udp, 16, 8, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 1);
    mk_frag4(&k, 3, udp, 16, 8, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 1);
    mk_frag4(&k, 1, udp, 16, 8, 0); /* its start is gone: held */
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(st->reassembled, 2);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(ipv6_fragments)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    uint8_t udp[24];
    struct pk k;

    mk_udp24(udp);
    /* Last first, then the middle, then the first behind hop-by-hop. */
    pk_init(&k, udp + 16, 8);
    push_frag6(&k, 17, 16, 0, 0xABCDEF);
    push_ipv6(&k, 44);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    pk_init(&k, udp + 8, 8);
    push_frag6(&k, 17, 8, 1, 0xABCDEF);
    push_ipv6(&k, 44);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    pk_init(&k, udp, 8);
    push_frag6(&k, 17, 0, 1, 0xABCDEF);
    push_ext6(&k, 44, 0);
    push_ipv6(&k, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 1);
    assert_udp24(&out, 6);
    ck_assert_mem_eq(out.src, v6a, 16);
    /* Destination options inside the fragmentable part. */
    pk_init(&k, "hello", 5);
    push_udp(&k, 1111, 443);
    push_ext6(&k, 17, 0);
    memcpy(udp, pk_data(&k), 21);
    pk_init(&k, udp, 16);
    push_frag6(&k, 60, 0, 1, 7);
    push_ipv6(&k, 44);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    pk_init(&k, udp + 16, 5);
    push_frag6(&k, 60, 16, 0, 7);
    push_ipv6(&k, 44);
    ck_assert_int_eq(decode(d, 101, &k, &out), 1);
    ck_assert_uint_eq(out.len, 5);
    ck_assert_mem_eq(out.data, "hello", 5);
    ck_assert_uint_eq(pkt_decoder_stats(d)->reassembled, 2);
    pkt_decoder_free(d);
}
END_TEST

/* Fragments inside a tunnel, and a tunnel inside a reassembled datagram. */
START_TEST(fragments_and_tunnels)
{
    struct pkt_decoder *d = dec_new(0, 0);
    struct l4_packet out;
    uint8_t gre[64];
    struct pk k;
    size_t n;

    mk_udp_ip(&k, 4); /* GRE packet (4 + 20 + 8 + 5 = 37 bytes) */
    push_gre(&k, 0, 0x0800);
    n = pk_len(&k);
    memcpy(gre, pk_data(&k), n);
    pk_init(&k, gre, 16);
    push_ipv4f(&k, 47, 77, 0x2000, 0);
    push_eth(&k, 0x0800);
    ck_assert_int_eq(decode(d, 1, &k, &out), 0);
    pk_init(&k, gre + 16, n - 16);
    push_ipv4f(&k, 47, 77, 2, 0);
    push_eth(&k, 0x0800);
    assert_hello(d, 1, &k, 4);
    ck_assert_uint_eq(pkt_decoder_stats(d)->tunnels, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(ipv4_hostile_headers)
{
    struct pkt_decoder *d = dec_new(0, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);
    struct l4_packet out;
    struct pk k;

    mk_udp_ip(&k, 4); /* IHL 4 */
    k.b[k.at] = 0x44;
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_udp_ip(&k, 4); /* IHL 15: beyond the packet */
    k.b[k.at] = 0x4F;
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_udp_ip(&k, 4); /* total length 19 < IHL */
    put16(k.b + k.at + 2, 19);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_udp_ip(&k, 4); /* total length beyond the bytes present */
    put16(k.b + k.at + 2, 100);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_udp_ip(&k, 4); /* total length 0 on a short packet */
    put16(k.b + k.at + 2, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(st->malformed, 5);
    /* Fragment offset 8191 * 8 + 16 bytes > 65,535. */
    pk_init(&k, "0123456789abcdef", 16);
    push_ipv4f(&k, 17, 3, 0x1FFF, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(st->malformed, 6);
    ck_assert_uint_eq(st->frag_dropped, 1);
    /* A first fragment that is not a multiple of 8 bytes. */
    pk_init(&k, "0123456789", 10);
    push_ipv4f(&k, 17, 4, 0x2000, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(st->malformed, 7);
    ck_assert_uint_eq(st->fragments, 0);
    /* An ICMP packet: other protocol. */
    pk_init(&k, "\x08\0\0\0\0\0\0\0", 8);
    push_ipv4(&k, 1);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(st->other_proto, 1);
    pkt_decoder_free(d);
}
END_TEST

START_TEST(tcp_udp_hostile_headers)
{
    struct pkt_decoder *d = dec_new(0, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);
    struct l4_packet out;
    struct pk k;

    pk_init(&k, "data", 4); /* data offset 4 */
    push_tcp(&k, 1, 2, 3, 0x10, 0);
    k.b[k.at + 12] = 0x40;
    push_ipv4(&k, 6);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    pk_init(&k, "data", 4); /* data offset 15 (60 bytes) > 24 */
    push_tcp(&k, 1, 2, 3, 0x10, 0);
    k.b[k.at + 12] = 0xF0;
    push_ipv4(&k, 6);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    pk_init(&k, "0123456789", 10); /* a 10-byte TCP header */
    push_ipv6(&k, 6);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_udp_ip(&k, 4); /* UDP length beyond the IP payload */
    put16(k.b + k.at + 20 + 4, 14);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_udp_ip(&k, 6); /* UDP length 0 (jumbo UDP) */
    put16(k.b + k.at + 40 + 4, 0);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    mk_udp_ip(&k, 6); /* UDP length 7 */
    put16(k.b + k.at + 40 + 4, 7);
    ck_assert_int_eq(decode(d, 101, &k, &out), 0);
    ck_assert_uint_eq(st->malformed, 6);
    mk_udp_ip(&k, 4); /* UDP length shorter than the IP payload: clamped */
    put16(k.b + k.at + 20 + 4, 11);
    ck_assert_int_eq(decode(d, 101, &k, &out), 1);
    ck_assert_uint_eq(out.len, 3);
    pkt_decoder_free(d);
}
END_TEST

/* Ethernet / IPv4 / UDP / VXLAN / Ethernet / IPv4 / GRE / IPv6 / TCP. */
static void
mk_deep(struct pk *k)
{
    pk_init(k, "ClientHello", 11);
    push_tcp(k, 50000, 443, 1000, 0x18, 0);
    push_ipv6(k, 6);
    push_gre(k, 0x2000, 0x86DD);
    push_ipv4(k, 47);
    push_eth(k, 0x0800);
    push_vxlan(k, 0x08);
    push_udp(k, 40000, 4789);
    push_ipv4(k, 17);
    push_eth(k, 0x0800);
}

START_TEST(every_truncation_of_tunnelled_frame)
{
    struct pkt_decoder *d = dec_new(0, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);
    struct l4_packet out;
    uint8_t *copy;
    struct pk k;
    size_t n, len;

    mk_deep(&k);
    len = pk_len(&k);
    ck_assert_int_eq(decode(d, 1, &k, &out), 1);
    ck_assert_uint_eq(out.ipver, 6);
    ck_assert_uint_eq(out.seq, 1000);
    ck_assert_uint_eq(out.len, 11);
    ck_assert_mem_eq(out.data, "ClientHello", 11);
    ck_assert_uint_eq(st->tunnels, 2);
    for (n = 0; n < len; n++) {
        /* An exact-size copy, so ASan sees a read past the end. */
        copy = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, pk_data(&k), n);
        ck_assert_int_eq(pkt_decode(d, 1, copy, n, 0, &out), 0);
        free(copy);
        ck_assert_uint_eq(st->malformed, n + 1);
    }
    pkt_decoder_free(d);
}
END_TEST

START_TEST(tunnels_beyond_depth_limit)
{
    struct pkt_decoder *d = dec_new(0, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);
    struct l4_packet out;
    struct pk k;
    int i;

    mk_udp_ip(&k, 4);
    for (i = 0; i < PKT_MAX_DEPTH; i++) {
        push_gre(&k, 0, 0x0800);
        push_ipv4(&k, 47);
    }
    assert_hello(d, 101, &k, 4);
    ck_assert_uint_eq(st->tunnels, PKT_MAX_DEPTH);
    push_eth(&k, 0x0800); /* one more, VXLAN this time */
    push_vxlan(&k, 0x08);
    push_udp(&k, 1, 4789);
    push_ipv6(&k, 17);
    ck_assert_int_eq(decode(d, 229, &k, &out), 0);
    ck_assert_uint_eq(st->malformed, 1);
    pkt_decoder_free(d);
}
END_TEST

/* Corrupted frames of every link type: no crash, every frame counted. */
START_TEST(random_corruption)
{
    static const uint32_t lts[11] = {0,   1,   12,  14,  101, 108,
                                     113, 228, 229, 276, 9};
    struct pkt_decoder *d = dec_new(8, 0);
    const struct pkt_stats *st = pkt_decoder_stats(d);
    struct l4_packet out;
    uint64_t seed = 12345, sum;
    uint8_t *copy;
    struct pk k;
    size_t len, j;
    int i, f;

    mk_deep(&k);
    len = pk_len(&k);
    for (i = 0; i < 20000; i++) {
        copy = malloc(len);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, pk_data(&k), len);
        for (f = 0; f < 4; f++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            j = (size_t)(seed >> 33) % len;
            copy[j] ^= (uint8_t)(1u << (seed >> 29 & 7));
        }
        pkt_decode(d, lts[i % 11], copy, len - (size_t)(seed >> 40) % 8,
                   (uint64_t)i * 1000000, &out);
        free(copy);
    }
    sum = st->unsupported + st->not_ip + st->malformed + st->other_proto;
    ck_assert_uint_eq(st->frames, 20000);
    ck_assert_uint_le(sum, st->frames);
    pkt_decoder_free(d);
}
END_TEST

static Suite *
packet_suite(void)
{
    Suite *s = suite_create("packet");
    struct {
        const char *name;
        const TTest *test;
    } cases[] = {
        {"ethernet_tcp_fields", ethernet_tcp_fields},
        {"vlan_tags", vlan_tags},
        {"sll_and_sll2", sll_and_sll2},
        {"null_both_orders", null_both_orders},
        {"loop_network_order", loop_network_order},
        {"raw_ip_types", raw_ip_types},
        {"unsupported_link_type", unsupported_link_type},
        {"vxlan_ethernet_ipv6_udp", vxlan_ethernet_ipv6_udp},
        {"gre_key_seq_ipv4", gre_key_seq_ipv4},
        {"gre_teb", gre_teb},
        {"erspan_types", erspan_types},
        {"ipv6_extension_headers", ipv6_extension_headers},
        {"ipv6_zero_length_and_jumbo", ipv6_zero_length_and_jumbo},
        {"ipv4_fragments_in_any_order", ipv4_fragments_in_any_order},
        {"ipv4_fragments_overlap_first_wins",
         ipv4_fragments_overlap_first_wins},
        {"ipv4_fragment_missing_then_timeout",
         ipv4_fragment_missing_then_timeout},
        {"fragment_table_full_evicts_oldest",
         fragment_table_full_evicts_oldest},
        {"ipv6_fragments", ipv6_fragments},
        {"fragments_and_tunnels", fragments_and_tunnels},
        {"ipv4_hostile_headers", ipv4_hostile_headers},
        {"tcp_udp_hostile_headers", tcp_udp_hostile_headers},
        {"every_truncation_of_tunnelled_frame",
         every_truncation_of_tunnelled_frame},
        {"tunnels_beyond_depth_limit", tunnels_beyond_depth_limit},
        {"random_corruption", random_corruption},
    };
    size_t i;
    TCase *tc;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tc = tcase_create(cases[i].name);
        tcase_add_test(tc, cases[i].test);
        suite_add_tcase(s, tc);
    }
    return s;
}

int
main(void)
{
    return tu_run(packet_suite());
}
