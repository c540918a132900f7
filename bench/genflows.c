/*
 * genflows.c - deterministic synthetic captures with many TLS-over-TCP and
 * QUIC flows, and their TLS key log, for the session-pass benchmark
 * (issue 9). Not part of secretcap.
 *
 *   genflows [--format pcap|pcapng] [--flows N] [--quic-share PCT]
 *            [--ipv6-share PCT] [--active K] [--size BYTES] [--seed S]
 *            [--keylog FILE [--keylog-extra M]] OUT
 *
 * OUT is a file name or "-" for stdout. BYTES takes the suffixes K, M, G.
 * The capture is Ethernet with IPv4 or IPv6 (--ipv6-share, default 20%),
 * one section and one interface, little-endian, microsecond timestamps.
 * Every one of the N flows (default 1000) gets a distinct 5-tuple, a
 * distinct client random and a server name; at most K flows (default 1000)
 * are open at once, each packet comes from one of them at random, and a
 * flow that has sent its share of the data ends and makes room for the
 * next, so handshakes are spread over the whole file and the data fills it
 * up to about BYTES (default 64M; all N handshakes are written even when
 * BYTES is smaller).
 *
 * A TLS flow (port 443/tcp): SYN, SYN-ACK, the client's TLS 1.3
 * ClientHello (RFC 8446 §4.1.2: SNI, ALPN h2/http1.1, supported_versions,
 * supported_groups, key_share with X25519 and, for one flow in three, a
 * 1216-byte X25519MLKEM768 share; 500-1800 bytes) in one segment or split
 * over two at a random byte (always when it exceeds the 1440-byte MSS), a
 * ServerHello record with ChangeCipherSpec and an encrypted record, then
 * 1400-byte application-data segments (mostly server to client, correct
 * sequence and acknowledgement numbers) and a FIN exchange.
 *
 * A QUIC v1 flow (port 443/udp, --quic-share, default 30%): the client's
 * Initial packets protected as RFC 9001 §5 says: the Initial secrets from
 * a random 8-byte Destination Connection ID (HKDF-Extract with the v1
 * salt, HKDF-Expand-Label "client in", "quic key", "quic iv", "quic hp"
 * through OpenSSL's EVP_KDF "HKDF"), the payload (one CRYPTO frame with the
 * ClientHello, ALPN h3 and quic_transport_parameters, then PADDING to a
 * 1200-byte datagram) sealed with AES-128-GCM, header protection with
 * AES-128-ECB (§5.4); a ClientHello with a post-quantum share goes over
 * two Initial datagrams. Then short-header datagrams with random payload.
 *
 * --keylog FILE writes an NSS key log with the five TLS 1.3 lines of every
 * flow (CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 * CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0, EXPORTER_SECRET; random
 * 32-byte secrets) and of M more sessions that are not in the capture,
 * spread among them. The capture does not depend on --keylog.
 *
 * Deliberately not done: no real handshake (the ServerHello's key share and
 * every encrypted byte except the client Initials are noise), no server
 * Initial or Handshake packets, no retransmissions or loss, no checksum
 * offload quirks (IPv4, TCP and UDP checksums are all correct). The PRNG
 * is xorshift64*: deterministic, not cryptographic.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/opensslv.h>

#include "byteorder.h"

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "genflows needs OpenSSL 3.0 or later (EVP_KDF_fetch, OSSL_PARAM)"
#endif

#define MSS 1440u       /* TCP payload per segment, IPv4 and IPv6 */
#define MAX_FRAME 1600u /* Ethernet frame, upper bound */
#define CH_MAX 2048u    /* ClientHello record, upper bound */
#define POOL_SIZE (1u << 20)
#define OUT_BUF (4u << 20)
#define QUIC_DGRAM 1200u /* RFC 9000 §14.1 */
#define QUIC_PN_LEN 4u
#define QUIC_CID_LEN 8u
#define PQ_SHARE_LEN 1216u /* X25519MLKEM768 client share */

struct rng {
    uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
    /* xorshift64*: the state never repeats within 2^64 - 1 steps and the
     * output is a bijection of the state, so no two outputs are equal. */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ull;
}

static uint32_t
rng_below(struct rng *r, uint32_t n)
{
    return n ? (uint32_t)((rng_next(r) >> 32) % n) : 0;
}

static void
rng_fill(struct rng *r, uint8_t *p, size_t n)
{
    while (n >= 8) {
        uint64_t v = rng_next(r);
        memcpy(p, &v, 8);
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t v = rng_next(r);
        memcpy(p, &v, n);
    }
}

static void
be24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

/* ------------------------------------------------------------ capture out */

struct cap {
    FILE *f;
    int ng;
    uint8_t *buf;
    size_t used;
    uint64_t written; /* bytes flushed plus buffered */
    int err;
};

static void
cap_flush(struct cap *c)
{
    if (c->used > 0 && fwrite(c->buf, 1, c->used, c->f) != c->used)
        c->err = errno ? errno : EIO;
    c->used = 0;
}

static void
cap_header(struct cap *c)
{
    static const uint8_t shb[28] = {0x0a, 0x0d, 0x0d, 0x0a, 28,   0,    0,
                                    0,    0x4d, 0x3c, 0x2b, 0x1a, 1,    0,
                                    0,    0,    0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 28,   0,    0,    0};
    static const uint8_t idb[20] = {1, 0, 0, 0, 20, 0, 0,  0, 1, 0,
                                    0, 0, 0, 0, 4,  0, 20, 0, 0, 0};
    uint8_t *p = c->buf;

    if (c->ng) {
        memcpy(p, shb, sizeof(shb));
        memcpy(p + sizeof(shb), idb, sizeof(idb));
        c->used = sizeof(shb) + sizeof(idb);
    } else {
        bo_put32(BO_LE, p, 0xA1B2C3D4u);
        p[4] = 2, p[5] = 0, p[6] = 4, p[7] = 0;
        memset(p + 8, 0, 8);
        bo_put32(BO_LE, p + 16, 262144);
        bo_put32(BO_LE, p + 20, 1); /* LINKTYPE_ETHERNET */
        c->used = 24;
    }
    c->written = c->used;
}

/* Room for one frame: returns where its bytes go (after the record header
 * that cap_commit writes). */
static uint8_t *
cap_reserve(struct cap *c)
{
    if (OUT_BUF - c->used < MAX_FRAME + 64)
        cap_flush(c);
    return c->buf + c->used + (c->ng ? 28 : 16);
}

static void
cap_commit(struct cap *c, uint64_t ts_us, uint32_t len)
{
    uint8_t *p = c->buf + c->used;
    uint32_t total;

    if (c->ng) {
        total = 32 + ((len + 3) & ~3u);
        bo_put32(BO_LE, p, 6);
        bo_put32(BO_LE, p + 4, total);
        bo_put32(BO_LE, p + 8, 0);
        bo_put32(BO_LE, p + 12, (uint32_t)(ts_us >> 32));
        bo_put32(BO_LE, p + 16, (uint32_t)ts_us);
        bo_put32(BO_LE, p + 20, len);
        bo_put32(BO_LE, p + 24, len);
        memset(p + 28 + len, 0, total - 32 - len);
        bo_put32(BO_LE, p + total - 4, total);
    } else {
        total = 16 + len;
        bo_put32(BO_LE, p, (uint32_t)(ts_us / 1000000));
        bo_put32(BO_LE, p + 4, (uint32_t)(ts_us % 1000000));
        bo_put32(BO_LE, p + 8, len);
        bo_put32(BO_LE, p + 12, len);
    }
    c->used += total;
    c->written += total;
}

/* ------------------------------------------------------------ flows */

enum state {
    ST_SYN,
    ST_SYNACK,
    ST_CH1,
    ST_CH2,
    ST_SH,
    ST_QUIC_INITIAL,
    ST_DATA,
    ST_FIN1,
    ST_FIN2,
    ST_FIN3,
    ST_DONE
};

struct flow {
    enum state st;
    int v6, quic;
    uint32_t index;
    uint8_t caddr[16], saddr[16];
    uint16_t cport, sport;
    uint32_t cseq, sseq; /* next sequence number of each side */
    uint64_t budget;     /* data bytes still to send */
    uint8_t random[32], session_id[32];
    uint8_t dcid[QUIC_CID_LEN], scid[QUIC_CID_LEN], server_cid[QUIC_CID_LEN];
    uint8_t key[16], iv[12], hp[16];
    uint32_t pn;
    uint32_t ch_len;   /* TCP: the record; QUIC: the handshake message */
    uint32_t split_at; /* TCP: bytes in the first segment */
    uint32_t crypto_off;
    uint8_t ch[CH_MAX];
};

struct opts {
    int ng;
    uint32_t flows, quic_share, ipv6_share, active;
    uint64_t size, seed, keylog_extra;
    const char *keylog, *out;
};

struct gen {
    const struct opts *o;
    struct rng rng;    /* the capture */
    struct rng keyrng; /* the key log's secrets and extra randoms */
    struct cap cap;
    FILE *keylog;
    uint8_t *pool; /* POOL_SIZE + 2048 random bytes for payloads */
    uint64_t ts_us;
    uint32_t started, extra_written;
    uint64_t budgets; /* sum of the open flows' budgets */
    uint16_t ip_id;
    EVP_KDF *kdf;
    EVP_CIPHER_CTX *gcm, *ecb;
};

static const uint8_t client_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
static const uint8_t gw_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0xfe};

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    uint64_t s = sum;

    while (n >= 2) {
        s += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        n -= 2;
    }
    if (n)
        s += (uint32_t)p[0] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint32_t)s;
}

static uint16_t
csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Writes Ethernet and IP headers for an L4 segment of l4len bytes; returns
 * their length. */
static size_t
put_eth_ip(struct gen *g, uint8_t *p, const struct flow *f, int c2s,
           uint8_t proto, uint32_t l4len)
{
    const uint8_t *src = c2s ? f->caddr : f->saddr;
    const uint8_t *dst = c2s ? f->saddr : f->caddr;

    memcpy(p, c2s ? gw_mac : client_mac, 6);
    memcpy(p + 6, c2s ? client_mac : gw_mac, 6);
    if (f->v6) {
        p[12] = 0x86, p[13] = 0xdd;
        bo_put32(BO_BE, p + 14, 0x60000000u | (f->index & 0xfffffu));
        bo_put16(BO_BE, p + 18, l4len);
        p[20] = proto;
        p[21] = 64;
        memcpy(p + 22, src, 16);
        memcpy(p + 38, dst, 16);
        return 54;
    }
    p[12] = 0x08, p[13] = 0x00;
    p[14] = 0x45;
    p[15] = 0;
    bo_put16(BO_BE, p + 16, 20 + l4len);
    bo_put16(BO_BE, p + 18, g->ip_id++);
    bo_put16(BO_BE, p + 20, 0x4000); /* DF */
    p[22] = 64;
    p[23] = proto;
    bo_put16(BO_BE, p + 24, 0);
    memcpy(p + 26, src, 4);
    memcpy(p + 30, dst, 4);
    bo_put16(BO_BE, p + 24, csum_fold(csum_add(0, p + 14, 20)));
    return 34;
}

/* Fills the L4 checksum at l4 + off over the pseudo-header (RFC 793 §3.1,
 * RFC 768, RFC 8200 §8.1). */
static void
put_l4_csum(const struct flow *f, int c2s, uint8_t proto, uint8_t *l4,
            uint32_t l4len, size_t off)
{
    uint8_t ph[8];
    uint32_t s;
    size_t alen = f->v6 ? 16 : 4;
    uint16_t c;

    s = csum_add(0, c2s ? f->caddr : f->saddr, alen);
    s = csum_add(s, c2s ? f->saddr : f->caddr, alen);
    bo_put32(BO_BE, ph, l4len);
    ph[4] = ph[5] = ph[6] = 0;
    ph[7] = proto;
    s = csum_add(s, ph, 8);
    s = csum_add(s, l4, l4len);
    c = csum_fold(s);
    if (proto == 17 && c == 0)
        c = 0xffff;
    bo_put16(BO_BE, l4 + off, c);
}

static void
tick(struct gen *g)
{
    g->ts_us += 1 + rng_below(&g->rng, 60);
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

/* One TCP segment; payload of plen bytes copied from pl, or from the random
 * pool after a TLS record header of type rtype when pl is NULL. */
static uint32_t
emit_tcp(struct gen *g, struct flow *f, int c2s, uint8_t flags,
         const uint8_t *pl, uint32_t plen, uint8_t rtype)
{
    uint8_t *p = cap_reserve(&g->cap);
    uint32_t hl = (flags & TH_SYN) ? 24 : 20, l4len = hl + plen;
    size_t e = put_eth_ip(g, p, f, c2s, 6, l4len);
    uint8_t *t = p + e;
    uint32_t *seq = c2s ? &f->cseq : &f->sseq;
    uint32_t ack = c2s ? f->sseq : f->cseq;

    bo_put16(BO_BE, t, c2s ? f->cport : f->sport);
    bo_put16(BO_BE, t + 2, c2s ? f->sport : f->cport);
    bo_put32(BO_BE, t + 4, *seq);
    bo_put32(BO_BE, t + 8, (flags & TH_ACK) ? ack : 0);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = flags;
    bo_put16(BO_BE, t + 14, 64240);
    bo_put16(BO_BE, t + 16, 0);
    bo_put16(BO_BE, t + 18, 0);
    if (flags & TH_SYN) {
        t[20] = 2, t[21] = 4; /* MSS */
        bo_put16(BO_BE, t + 22, MSS);
    }
    if (pl) {
        memcpy(t + hl, pl, plen);
    } else if (plen > 0) {
        t[hl] = rtype, t[hl + 1] = 3, t[hl + 2] = 3;
        bo_put16(BO_BE, t + hl + 3, plen - 5);
        memcpy(t + hl + 5, g->pool + rng_below(&g->rng, POOL_SIZE), plen - 5);
    }
    put_l4_csum(f, c2s, 6, t, l4len, 16);
    *seq += plen + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
    tick(g);
    cap_commit(&g->cap, g->ts_us, (uint32_t)e + l4len);
    return (uint32_t)e + l4len;
}

/* One UDP datagram whose payload the caller has written at the returned
 * pointer; finish with finish_udp. */
static uint8_t *
begin_udp(struct gen *g, uint8_t **frame)
{
    *frame = cap_reserve(&g->cap);
    return *frame + 54 + 8; /* room for the longest headers */
}

static uint32_t
finish_udp(struct gen *g, struct flow *f, int c2s, uint8_t *frame,
           uint32_t plen)
{
    uint32_t l4len = 8 + plen;
    size_t e = f->v6 ? 54 : 34;
    uint8_t *u = frame + e;

    if (!f->v6) /* headers are 20 bytes shorter: move the payload up */
        memmove(u + 8, frame + 54 + 8, plen);
    put_eth_ip(g, frame, f, c2s, 17, l4len);
    bo_put16(BO_BE, u, c2s ? f->cport : f->sport);
    bo_put16(BO_BE, u + 2, c2s ? f->sport : f->cport);
    bo_put16(BO_BE, u + 4, l4len);
    bo_put16(BO_BE, u + 6, 0);
    put_l4_csum(f, c2s, 17, u, l4len, 6);
    tick(g);
    cap_commit(&g->cap, g->ts_us, (uint32_t)e + l4len);
    return (uint32_t)e + l4len;
}

/* ------------------------------------------------------------ ClientHello */

static uint8_t *
ext_begin(uint8_t *p, uint16_t type)
{
    bo_put16(BO_BE, p, type);
    return p + 4; /* length filled by ext_end */
}

static uint8_t *
ext_end(uint8_t *start, uint8_t *end)
{
    bo_put16(BO_BE, start - 2, (uint32_t)(end - start));
    return end;
}

static uint8_t *
put16(uint8_t *p, uint32_t v)
{
    bo_put16(BO_BE, p, v);
    return p + 2;
}

static uint8_t *
quic_tp(uint8_t *p, uint8_t id, const uint8_t *v, uint8_t len)
{
    *p++ = id;
    *p++ = len;
    memcpy(p, v, len);
    return p + len;
}

/* The ClientHello handshake message (RFC 8446 §4.1.2) at p; returns its
 * length. TCP and QUIC differ as browsers do: QUIC has no legacy session
 * id, only TLS 1.3 suites, ALPN h3 and quic_transport_parameters. */
static uint32_t
build_client_hello(struct gen *g, struct flow *f, uint8_t *p, int pq)
{
    static const char *const host[] = {"www", "api",  "cdn",   "static",
                                       "img", "mail", "login", "video"};
    static const char *const dom[] = {"example.com", "example.net",
                                      "example.org", "test.example"};
    static const uint16_t suites_tcp[] = {
        0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
        0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503,
                                       0x0805, 0x0501, 0x0806, 0x0601};
    char name[64];
    uint8_t *b = p, *q, *e, *x, *l;
    int n;
    size_t i;

    n = snprintf(name, sizeof(name), "%s%u.%s", host[f->index % 8],
                 f->index / 8, dom[(f->index / 8) % 4]);
    *b++ = 1; /* client_hello */
    b += 3;
    b = put16(b, 0x0303);
    memcpy(b, f->random, 32);
    b += 32;
    if (f->quic) {
        *b++ = 0;
        b = put16(b, 6);
        for (i = 0; i < 3; i++)
            b = put16(b, suites_tcp[i]);
    } else {
        *b++ = 32;
        memcpy(b, f->session_id, 32);
        b += 32;
        b = put16(b, sizeof(suites_tcp));
        for (i = 0; i < sizeof(suites_tcp) / 2; i++)
            b = put16(b, suites_tcp[i]);
    }
    *b++ = 1, *b++ = 0; /* compression: null */
    x = b + 2;          /* extensions */
    q = x;

    e = ext_begin(q, 0x0000); /* server_name, RFC 6066 §3 */
    e = put16(e, (uint32_t)n + 3);
    *e++ = 0;
    e = put16(e, (uint32_t)n);
    memcpy(e, name, (size_t)n);
    q = ext_end(q + 4, e + n);

    q = ext_end(ext_begin(q, 0x0017), q + 4); /* extended_master_secret */
    if (!f->quic) {
        e = ext_begin(q, 0xff01); /* renegotiation_info */
        *e++ = 0;
        q = ext_end(q + 4, e);
    }
    e = ext_begin(q, 0x000a); /* supported_groups */
    e = put16(e, pq ? 8 : 6);
    if (pq)
        e = put16(e, 0x11ec);
    e = put16(e, 0x001d);
    e = put16(e, 0x0017);
    e = put16(e, 0x0018);
    q = ext_end(q + 4, e);
    if (!f->quic) {
        e = ext_begin(q, 0x000b); /* ec_point_formats */
        *e++ = 1, *e++ = 0;
        q = ext_end(q + 4, e);
        q = ext_end(ext_begin(q, 0x0023), q + 4); /* session_ticket */
    }
    e = ext_begin(q, 0x0010); /* ALPN, RFC 7301 */
    l = e;
    e += 2;
    if (f->quic) {
        *e++ = 2, memcpy(e, "h3", 2), e += 2;
    } else {
        *e++ = 2, memcpy(e, "h2", 2), e += 2;
        *e++ = 8, memcpy(e, "http/1.1", 8), e += 8;
    }
    bo_put16(BO_BE, l, (uint32_t)(e - l - 2));
    q = ext_end(q + 4, e);
    e = ext_begin(q, 0x0005); /* status_request */
    *e++ = 1, memset(e, 0, 4), e += 4;
    q = ext_end(q + 4, e);
    e = ext_begin(q, 0x000d); /* signature_algorithms */
    e = put16(e, sizeof(sigalgs));
    for (i = 0; i < sizeof(sigalgs) / 2; i++)
        e = put16(e, sigalgs[i]);
    q = ext_end(q + 4, e);
    q = ext_end(ext_begin(q, 0x0012), q + 4); /* signed_cert_timestamp */
    e = ext_begin(q, 0x0033);                 /* key_share, §4.2.8 */
    l = e;
    e += 2;
    if (pq) {
        e = put16(e, 0x11ec);
        e = put16(e, PQ_SHARE_LEN);
        memcpy(e, g->pool + rng_below(&g->rng, POOL_SIZE), PQ_SHARE_LEN);
        e += PQ_SHARE_LEN;
    }
    e = put16(e, 0x001d);
    e = put16(e, 32);
    rng_fill(&g->rng, e, 32);
    e += 32;
    bo_put16(BO_BE, l, (uint32_t)(e - l - 2));
    q = ext_end(q + 4, e);
    e = ext_begin(q, 0x002d); /* psk_key_exchange_modes */
    *e++ = 1, *e++ = 1;
    q = ext_end(q + 4, e);
    e = ext_begin(q, 0x002b); /* supported_versions */
    if (f->quic) {
        *e++ = 2;
        e = put16(e, 0x0304);
    } else {
        *e++ = 4;
        e = put16(e, 0x0304);
        e = put16(e, 0x0303);
    }
    q = ext_end(q + 4, e);
    e = ext_begin(q, 0x001b); /* compress_certificate */
    *e++ = 2;
    e = put16(e, 0x0002);
    q = ext_end(q + 4, e);
    if (f->quic) {
        /* quic_transport_parameters, RFC 9000 §18.2: varint ids and
         * lengths, all below 64 here. */
        static const uint8_t max_data[4] = {0x80, 0xf0, 0x00, 0x00};
        static const uint8_t max_stream[4] = {0x80, 0x60, 0x00, 0x00};
        static const uint8_t streams[2] = {0x40, 0x64};
        static const uint8_t idle[4] = {0x80, 0x00, 0x75, 0x30};
        e = ext_begin(q, 0x0039);
        e = quic_tp(e, 0x01, idle, 4);
        e = quic_tp(e, 0x04, max_data, 4);
        e = quic_tp(e, 0x05, max_stream, 4);
        e = quic_tp(e, 0x06, max_stream, 4);
        e = quic_tp(e, 0x07, max_stream, 4);
        e = quic_tp(e, 0x08, streams, 2);
        e = quic_tp(e, 0x09, streams, 2);
        e = quic_tp(e, 0x0f, f->scid, QUIC_CID_LEN);
        q = ext_end(q + 4, e);
    }
    {
        /* padding (RFC 7685) to a 500-700-byte handshake message, or
         * 1500-1800 bytes with a post-quantum share */
        uint32_t target =
            pq ? 1500 + rng_below(&g->rng, 300) : 500 + rng_below(&g->rng, 200);
        uint32_t have = (uint32_t)(q - p) + 4;

        if (have < target) {
            e = ext_begin(q, 0x0015);
            memset(e, 0, target - have);
            q = ext_end(q + 4, e + (target - have));
        }
    }
    bo_put16(BO_BE, x - 2, (uint32_t)(q - x));
    be24(p + 1, (uint32_t)(q - p) - 4);
    return (uint32_t)(q - p);
}

/* ------------------------------------------------------------ QUIC */

/* HKDF-Expand-Label (RFC 8446 §7.1) with an empty context. */
static int
hkdf_expand_label(struct gen *g, const uint8_t *secret, const char *label,
                  uint8_t *out, size_t len)
{
    uint8_t info[64];
    size_t ll = strlen(label), n = 0;
    OSSL_PARAM params[5], *pp = params;
    EVP_KDF_CTX *kctx;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, rc;

    if (ll + 6 > 255 || ll + 10 > sizeof(info))
        return -1;
    bo_put16(BO_BE, info, (uint32_t)len);
    info[2] = (uint8_t)(6 + ll);
    memcpy(info + 3, "tls13 ", 6);
    memcpy(info + 9, label, ll);
    n = 9 + ll;
    info[n++] = 0;
    *pp++ =
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
    *pp++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                              (void *)secret, 32);
    *pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
    *pp = OSSL_PARAM_construct_end();
    if ((kctx = EVP_KDF_CTX_new(g->kdf)) == NULL)
        return -1;
    rc = EVP_KDF_derive(kctx, out, len, params) == 1 ? 0 : -1;
    EVP_KDF_CTX_free(kctx);
    return rc;
}

/* The client Initial key, IV and header-protection key of RFC 9001 §5.2
 * for QUIC v1, from the flow's DCID. */
static int
quic_client_keys(struct gen *g, struct flow *f)
{
    static const uint8_t salt_v1[20] = {
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
        0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
    uint8_t initial[32], client[32];
    OSSL_PARAM params[5], *pp = params;
    EVP_KDF_CTX *kctx;
    int mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY, rc;

    *pp++ =
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
    *pp++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, f->dcid,
                                              QUIC_CID_LEN);
    *pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                              (void *)salt_v1, sizeof(salt_v1));
    *pp = OSSL_PARAM_construct_end();
    if ((kctx = EVP_KDF_CTX_new(g->kdf)) == NULL)
        return -1;
    rc = EVP_KDF_derive(kctx, initial, sizeof(initial), params) == 1 ? 0 : -1;
    EVP_KDF_CTX_free(kctx);
    if (rc != 0 || hkdf_expand_label(g, initial, "client in", client, 32) ||
        hkdf_expand_label(g, client, "quic key", f->key, 16) ||
        hkdf_expand_label(g, client, "quic iv", f->iv, 12) ||
        hkdf_expand_label(g, client, "quic hp", f->hp, 16))
        return -1;
    return 0;
}

/* Writes one protected client Initial packet filling a QUIC_DGRAM-byte
 * datagram at d, carrying CRYPTO data [off, off + n) of the ClientHello
 * (RFC 9000 §17.2.2, RFC 9001 §5.3-5.4). */
static int
quic_initial(struct gen *g, struct flow *f, uint8_t *d, uint32_t off,
             uint32_t n)
{
    const uint32_t pn_off = 1 + 4 + 1 + QUIC_CID_LEN + 1 + QUIC_CID_LEN + 1 + 2;
    const uint32_t hdr = pn_off + QUIC_PN_LEN;
    const uint32_t plen = QUIC_DGRAM - hdr - 16; /* plaintext bytes */
    uint8_t nonce[12], mask[16];
    uint8_t *p = d, *pl;
    int outl, i;

    if (n + 5 > plen || off > 0x3fff || n > 0x3fff)
        return -1;
    *p++ = (uint8_t)(0xc0 | (QUIC_PN_LEN - 1)); /* long, fixed, Initial */
    bo_put32(BO_BE, p, 0x00000001u);
    p += 4;
    *p++ = QUIC_CID_LEN;
    memcpy(p, f->dcid, QUIC_CID_LEN);
    p += QUIC_CID_LEN;
    *p++ = QUIC_CID_LEN;
    memcpy(p, f->scid, QUIC_CID_LEN);
    p += QUIC_CID_LEN;
    *p++ = 0;                                               /* token length */
    bo_put16(BO_BE, p, 0x4000 | (QUIC_PN_LEN + plen + 16)); /* 2-byte varint */
    p += 2;
    bo_put32(BO_BE, p, f->pn);
    p += 4;
    pl = p;
    /* CRYPTO frame (RFC 9000 §19.6): offset and length as varints */
    *p++ = 0x06;
    if (off < 64) {
        *p++ = (uint8_t)off;
    } else {
        bo_put16(BO_BE, p, 0x4000 | off);
        p += 2;
    }
    bo_put16(BO_BE, p, 0x4000 | n);
    p += 2;
    memcpy(p, f->ch + off, n);
    p += n;
    memset(p, 0, plen - (uint32_t)(p - pl)); /* PADDING frames */

    memcpy(nonce, f->iv, 12);
    for (i = 0; i < 4; i++)
        nonce[8 + i] ^= (uint8_t)(f->pn >> (24 - 8 * i));
    if (EVP_EncryptInit_ex(g->gcm, NULL, NULL, f->key, nonce) != 1 ||
        EVP_EncryptUpdate(g->gcm, NULL, &outl, d, (int)hdr) != 1 ||
        EVP_EncryptUpdate(g->gcm, pl, &outl, pl, (int)plen) != 1 ||
        EVP_EncryptFinal_ex(g->gcm, pl + outl, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(g->gcm, EVP_CTRL_GCM_GET_TAG, 16, pl + plen) != 1)
        return -1;
    /* header protection: the sample starts 4 bytes after the packet
     * number's first byte (§5.4.2) */
    if (EVP_EncryptInit_ex(g->ecb, NULL, NULL, f->hp, NULL) != 1 ||
        EVP_EncryptUpdate(g->ecb, mask, &outl, d + pn_off + 4, 16) != 1)
        return -1;
    d[0] ^= mask[0] & 0x0f;
    for (i = 0; i < (int)QUIC_PN_LEN; i++)
        d[pn_off + (uint32_t)i] ^= mask[1 + i];
    f->pn++;
    return 0;
}

/* ------------------------------------------------------------ key log */

static void
keylog_session(struct gen *g, const uint8_t *random)
{
    static const char *const labels[] = {
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0",
        "EXPORTER_SECRET"};
    static const char hex[] = "0123456789abcdef";
    char cr[65], line[200];
    size_t i, l;

    for (i = 0; i < 32; i++) {
        cr[2 * i] = hex[random[i] >> 4];
        cr[2 * i + 1] = hex[random[i] & 15];
    }
    cr[64] = 0;
    for (l = 0; l < 5; l++) {
        int n = snprintf(line, sizeof(line), "%s %s ", labels[l], cr);
        uint8_t s[32];

        rng_fill(&g->keyrng, s, sizeof(s));
        for (i = 0; i < 32; i++) {
            line[n++] = hex[s[i] >> 4];
            line[n++] = hex[s[i] & 15];
        }
        line[n++] = '\n';
        fwrite(line, 1, (size_t)n, g->keylog);
    }
}

static void
keylog_extras(struct gen *g, uint64_t upto)
{
    uint8_t r[32];

    while (g->extra_written < upto) {
        rng_fill(&g->keyrng, r, sizeof(r));
        keylog_session(g, r);
        g->extra_written++;
    }
}

/* ------------------------------------------------------------ generator */

static int
flow_start(struct gen *g, struct flow *f)
{
    const struct opts *o = g->o;
    uint32_t i = g->started++;
    uint64_t est_hs = 2800, left = 0, committed;
    int pq;

    memset(f, 0, offsetof(struct flow, ch));
    f->index = i;
    f->quic = rng_below(&g->rng, 100) < o->quic_share;
    f->v6 = rng_below(&g->rng, 100) < o->ipv6_share;
    pq = rng_below(&g->rng, 3) == 0;
    if (f->v6) {
        /* 2001:db8:c::/96 + flow index; servers in 2001:db8:5::/112 */
        static const uint8_t c6[12] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0c};
        static const uint8_t s6[14] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x05};
        memcpy(f->caddr, c6, 12);
        bo_put32(BO_BE, f->caddr + 12, i + 1);
        memcpy(f->saddr, s6, 14);
        bo_put16(BO_BE, f->saddr + 14, 1 + rng_below(&g->rng, 4096));
    } else {
        /* 10.0.0.0/8 + flow index (unique up to 16 M flows); servers in
         * 198.18.0.0/15 */
        bo_put32(BO_BE, f->caddr, 0x0a000000u + ((i + 1) & 0xffffffu));
        bo_put32(BO_BE, f->saddr,
                 0xc6120000u + 1 + rng_below(&g->rng, 0x1fffe));
    }
    /* A dynamic port (RFC 6335 §6), but not 54328: Wireshark 4.0 gives
     * that UDP port to Elasticsearch before QUIC, so the tshark oracle
     * would miss the flow (every other one was checked). */
    do
        f->cport = (uint16_t)(49152 + rng_below(&g->rng, 16384));
    while (f->cport == 54328);
    f->sport = 443;
    f->cseq = (uint32_t)rng_next(&g->rng);
    f->sseq = (uint32_t)rng_next(&g->rng);
    rng_fill(&g->rng, f->random, 32);
    rng_fill(&g->rng, f->session_id, 32);
    rng_fill(&g->rng, f->dcid, QUIC_CID_LEN);
    rng_fill(&g->rng, f->scid, QUIC_CID_LEN);
    rng_fill(&g->rng, f->server_cid, QUIC_CID_LEN);

    if (f->quic) {
        f->ch_len = build_client_hello(g, f, f->ch, pq);
        if (quic_client_keys(g, f) != 0)
            return -1;
        f->st = ST_QUIC_INITIAL;
    } else {
        uint32_t hs = build_client_hello(g, f, f->ch + 5, pq);

        f->ch[0] = 22, f->ch[1] = 3, f->ch[2] = 1; /* record, TLS 1.0 */
        bo_put16(BO_BE, f->ch + 3, hs);
        f->ch_len = hs + 5;
        if (f->ch_len > MSS)
            f->split_at =
                f->ch_len - MSS + rng_below(&g->rng, 2 * MSS - f->ch_len + 1);
        else if (rng_below(&g->rng, 4) == 0)
            f->split_at = 1 + rng_below(&g->rng, f->ch_len - 1);
        else
            f->split_at = f->ch_len;
        f->st = ST_SYN;
    }

    /* This flow's share of the data still to write. */
    committed = g->cap.written + g->budgets +
                est_hs * (uint64_t)(o->flows - g->started + 1);
    if (o->size > committed)
        left = (o->size - committed) / (o->flows - g->started + 1);
    f->budget = left / 2 + (left ? rng_next(&g->rng) % left : 0);
    g->budgets += f->budget;

    if (g->keylog) {
        keylog_session(g, f->random);
        keylog_extras(g, o->keylog_extra * g->started / o->flows);
    }
    return 0;
}

static void
spend(struct gen *g, struct flow *f, uint32_t bytes)
{
    uint64_t b = bytes < f->budget ? bytes : f->budget;

    f->budget -= b;
    g->budgets -= b;
}

static int
flow_step(struct gen *g, struct flow *f)
{
    uint8_t *frame, *d;
    uint32_t n;

    switch (f->st) {
    case ST_SYN:
        emit_tcp(g, f, 1, TH_SYN, NULL, 0, 0);
        f->st = ST_SYNACK;
        break;
    case ST_SYNACK:
        emit_tcp(g, f, 0, TH_SYN | TH_ACK, NULL, 0, 0);
        f->st = ST_CH1;
        break;
    case ST_CH1:
        emit_tcp(g, f, 1, TH_PSH | TH_ACK, f->ch, f->split_at, 0);
        f->st = f->split_at < f->ch_len ? ST_CH2 : ST_SH;
        break;
    case ST_CH2:
        emit_tcp(g, f, 1, TH_PSH | TH_ACK, f->ch + f->split_at,
                 f->ch_len - f->split_at, 0);
        f->st = ST_SH;
        break;
    case ST_SH: {
        /* ServerHello (RFC 8446 §4.1.3), ChangeCipherSpec, then one
         * encrypted record standing for EncryptedExtensions..Finished */
        uint8_t sh[1400], *p = sh;
        uint32_t enc = 600 + rng_below(&g->rng, 600);

        *p++ = 22, *p++ = 3, *p++ = 3;
        bo_put16(BO_BE, p, 4 + 2 + 32 + 33 + 3 + 2 + 6 + 40);
        p += 2;
        *p++ = 2;
        be24(p, 2 + 32 + 33 + 3 + 2 + 6 + 40);
        p += 3;
        p = put16(p, 0x0303);
        rng_fill(&g->rng, p, 32);
        p += 32;
        *p++ = 32;
        memcpy(p, f->session_id, 32);
        p += 32;
        p = put16(p, 0x1301);
        *p++ = 0;
        p = put16(p, 6 + 40);
        p = put16(p, 0x002b);
        p = put16(p, 2);
        p = put16(p, 0x0304);
        p = put16(p, 0x0033);
        p = put16(p, 36);
        p = put16(p, 0x001d);
        p = put16(p, 32);
        rng_fill(&g->rng, p, 32);
        p += 32;
        *p++ = 20, *p++ = 3, *p++ = 3, *p++ = 0, *p++ = 1, *p++ = 1;
        *p++ = 23, *p++ = 3, *p++ = 3;
        bo_put16(BO_BE, p, enc);
        p += 2;
        memcpy(p, g->pool + rng_below(&g->rng, POOL_SIZE), enc);
        p += enc;
        emit_tcp(g, f, 0, TH_PSH | TH_ACK, sh, (uint32_t)(p - sh), 0);
        f->st = ST_DATA;
        break;
    }
    case ST_QUIC_INITIAL:
        n = f->ch_len - f->crypto_off;
        if (n > QUIC_DGRAM - 64)
            n = QUIC_DGRAM - 64;
        d = begin_udp(g, &frame);
        if (quic_initial(g, f, d, f->crypto_off, n) != 0)
            return -1;
        finish_udp(g, f, 1, frame, QUIC_DGRAM);
        f->crypto_off += n;
        if (f->crypto_off == f->ch_len)
            f->st = ST_DATA;
        break;
    case ST_DATA:
        if (f->budget == 0) {
            f->st = f->quic ? ST_DONE : ST_FIN1;
            return flow_step(g, f);
        }
        if (f->quic) {
            int c2s = rng_below(&g->rng, 5) == 0;
            uint32_t len = c2s ? 40 + rng_below(&g->rng, 200)
                               : 1200 + rng_below(&g->rng, 150);

            d = begin_udp(g, &frame);
            d[0] = (uint8_t)(0x40 | rng_below(&g->rng, 64));
            memcpy(d + 1, c2s ? f->server_cid : f->scid, QUIC_CID_LEN);
            memcpy(d + 1 + QUIC_CID_LEN,
                   g->pool + rng_below(&g->rng, POOL_SIZE),
                   len - 1 - QUIC_CID_LEN);
            spend(g, f, finish_udp(g, f, c2s, frame, len));
        } else {
            int c2s = rng_below(&g->rng, 5) == 0;
            uint32_t len = c2s ? 100 + rng_below(&g->rng, 1300) : 1400;

            spend(g, f, emit_tcp(g, f, c2s, TH_PSH | TH_ACK, NULL, len, 23));
        }
        break;
    case ST_FIN1:
        emit_tcp(g, f, 1, TH_FIN | TH_ACK, NULL, 0, 0);
        f->st = ST_FIN2;
        break;
    case ST_FIN2:
        emit_tcp(g, f, 0, TH_FIN | TH_ACK, NULL, 0, 0);
        f->st = ST_FIN3;
        break;
    case ST_FIN3:
        emit_tcp(g, f, 1, TH_ACK, NULL, 0, 0);
        f->st = ST_DONE;
        break;
    case ST_DONE:
        break;
    }
    return 0;
}

static int
generate(struct gen *g)
{
    const struct opts *o = g->o;
    uint32_t nslots = o->active < o->flows ? o->active : o->flows, nopen = 0;
    struct flow *slots;
    int rc = 0;

    if (nslots == 0)
        nslots = 1;
    if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
        return -1;
    cap_header(&g->cap);
    while (nopen < nslots && g->started < o->flows) {
        if (flow_start(g, &slots[nopen]) != 0) {
            rc = -1;
            goto out;
        }
        nopen++;
    }
    while (nopen > 0 && g->cap.err == 0) {
        uint32_t k = rng_below(&g->rng, nopen);
        struct flow *f = &slots[k];

        if (flow_step(g, f) != 0) {
            rc = -1;
            break;
        }
        if (f->st != ST_DONE)
            continue;
        if (g->started < o->flows) {
            if (flow_start(g, f) != 0) {
                rc = -1;
                break;
            }
        } else {
            if (k != nopen - 1)
                memcpy(f, &slots[nopen - 1], sizeof(*f));
            nopen--;
        }
    }
    if (g->keylog)
        keylog_extras(g, o->keylog_extra);
    cap_flush(&g->cap);
out:
    free(slots);
    return rc;
}

static int
parse_u64(const char *s, uint64_t *v, int suffixes)
{
    char *end;
    unsigned long long x;

    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    if (suffixes && (*end == 'K' || *end == 'k'))
        x <<= 10, end++;
    else if (suffixes && (*end == 'M' || *end == 'm'))
        x <<= 20, end++;
    else if (suffixes && (*end == 'G' || *end == 'g'))
        x <<= 30, end++;
    if (*end)
        return -1;
    *v = x;
    return 0;
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: genflows [--format pcap|pcapng] [--flows N] "
            "[--quic-share PCT] [--ipv6-share PCT] [--active K] "
            "[--size BYTES] [--seed S] [--keylog FILE [--keylog-extra M]] "
            "OUT\n");
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
    int i;

    o->ng = 1;
    o->flows = 1000;
    o->quic_share = 30;
    o->ipv6_share = 20;
    o->active = 1000;
    o->size = 64u << 20;
    o->seed = 0x9E3779B97F4A7C15ull;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t x;

        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->out)
                return -1;
            o->out = a;
            continue;
        }
        if (v == NULL)
            return -1;
        i++;
        if (strcmp(a, "--format") == 0) {
            if (strcmp(v, "pcap") != 0 && strcmp(v, "pcapng") != 0)
                return -1;
            o->ng = strcmp(v, "pcapng") == 0;
        } else if (strcmp(a, "--keylog") == 0) {
            o->keylog = v;
        } else if (parse_u64(v, &x, strcmp(a, "--size") == 0) != 0) {
            return -1;
        } else if (strcmp(a, "--size") == 0) {
            o->size = x;
        } else if (strcmp(a, "--seed") == 0) {
            o->seed = x ? x : 1;
        } else if (strcmp(a, "--keylog-extra") == 0) {
            o->keylog_extra = x;
        } else if (x > 0xffffff) {
            return -1;
        } else if (strcmp(a, "--flows") == 0) {
            o->flows = (uint32_t)x;
        } else if (strcmp(a, "--active") == 0 && x > 0) {
            o->active = (uint32_t)x;
        } else if (strcmp(a, "--quic-share") == 0 && x <= 100) {
            o->quic_share = (uint32_t)x;
        } else if (strcmp(a, "--ipv6-share") == 0 && x <= 100) {
            o->ipv6_share = (uint32_t)x;
        } else {
            return -1;
        }
    }
    if (o->out == NULL || (o->keylog_extra && !o->keylog))
        return -1;
    return 0;
}

int
main(int argc, char **argv)
{
    struct opts o;
    struct gen g;
    int rc = 1;

    memset(&o, 0, sizeof(o));
    memset(&g, 0, sizeof(g));
    if (parse_args(argc, argv, &o) != 0) {
        usage();
        return 2;
    }
    g.o = &o;
    g.rng.s = o.seed;
    g.keyrng.s = o.seed ^ 0xD1B54A32D192ED03ull;
    g.cap.ng = o.ng;
    g.cap.f = strcmp(o.out, "-") == 0 ? stdout : fopen(o.out, "wb");
    if (g.cap.f == NULL) {
        fprintf(stderr, "genflows: %s: %s\n", o.out, strerror(errno));
        return 1;
    }
    if (o.keylog && (g.keylog = fopen(o.keylog, "w")) == NULL) {
        fprintf(stderr, "genflows: %s: %s\n", o.keylog, strerror(errno));
        goto out;
    }
    g.cap.buf = malloc(OUT_BUF);
    g.pool = malloc(POOL_SIZE + CH_MAX);
    g.kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    g.gcm = EVP_CIPHER_CTX_new();
    g.ecb = EVP_CIPHER_CTX_new();
    if (!g.cap.buf || !g.pool || !g.kdf || !g.gcm || !g.ecb ||
        EVP_EncryptInit_ex(g.gcm, EVP_aes_128_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_EncryptInit_ex(g.ecb, EVP_aes_128_ecb(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(g.ecb, 0) != 1) {
        fprintf(stderr, "genflows: setup failed (memory or libcrypto)\n");
        goto out;
    }
    rng_fill(&g.rng, g.pool, POOL_SIZE + CH_MAX);
    g.ts_us = 1700000000ull * 1000000;
    if (generate(&g) != 0) {
        fprintf(stderr, "genflows: libcrypto failed\n");
        goto out;
    }
    if (g.cap.err) {
        fprintf(stderr, "genflows: %s: write failed: %s\n", o.out,
                strerror(g.cap.err));
        goto out;
    }
    rc = 0;
out:
    if (g.cap.f && fclose(g.cap.f) != 0 && rc == 0) {
        fprintf(stderr, "genflows: %s: %s\n", o.out, strerror(errno));
        rc = 1;
    }
    if (g.keylog && (ferror(g.keylog) | fclose(g.keylog)) && rc == 0) {
        fprintf(stderr, "genflows: %s: write failed\n", o.keylog);
        rc = 1;
    }
    EVP_CIPHER_CTX_free(g.gcm);
    EVP_CIPHER_CTX_free(g.ecb);
    EVP_KDF_free(g.kdf);
    free(g.cap.buf);
    free(g.pool);
    return rc;
}
