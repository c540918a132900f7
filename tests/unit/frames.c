/*
 * frames.c - the wire-format builders of frames.h: big-endian byte writers,
 * TLS/DTLS hello bodies and handshake records, Ethernet/IP/TCP/UDP frames.
 * Test code only: overflow of a buffer fails the running test.
 */
#include <string.h>

#include <check.h>

#include "frames.h"
#include "traffic/tls.h"

/* ---- byte building ------------------------------------------------------ */

void
put8(struct buf *b, unsigned v)
{
    ck_assert_uint_lt(b->n, sizeof(b->b));
    b->b[b->n++] = (uint8_t)v;
}

void
put16(struct buf *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v);
}

void
put24(struct buf *b, unsigned long v)
{
    put8(b, (unsigned)(v >> 16));
    put16(b, (unsigned)(v & 0xffff));
}

void
put32(struct buf *b, unsigned long v)
{
    put16(b, (unsigned)(v >> 16));
    put16(b, (unsigned)(v & 0xffff));
}

void
putn(struct buf *b, const void *p, size_t n)
{
    ck_assert_uint_le(n, sizeof(b->b) - b->n);
    if (n == 0)
        return; /* p may be NULL */
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

/* Writes a 16-bit length at off for the bytes from off + 2 to the end. */
void
patch16(struct buf *b, size_t off)
{
    size_t len = b->n - off - 2;

    b->b[off] = (uint8_t)(len >> 8);
    b->b[off + 1] = (uint8_t)len;
}

void
fill_random(uint8_t r[32], uint8_t seed)
{
    for (int i = 0; i < 32; i++)
        r[i] = (uint8_t)(seed * 37 + i * 11 + 1);
}

/* ---- hello bodies -------------------------------------------------------- */

/* A ClientHello body (after the handshake header). */
void
client_hello_body(struct buf *b, const struct hello_spec *h)
{
    size_t ext;

    b->n = 0;
    put16(b, h->dtls ? 0xfefd : 0x0303);
    putn(b, h->random, 32);
    put8(b, 0); /* session id */
    if (h->dtls)
        put8(b, 0); /* cookie */
    put16(b, 4);
    put16(b, h->dtls ? 0xc02b : 0x1301);
    put16(b, 0xc02f);
    put8(b, 1);
    put8(b, 0); /* null compression */
    ext = b->n;
    put16(b, 0);
    if (h->sni != NULL) {
        size_t l = strlen(h->sni);

        put16(b, 0x0000);
        put16(b, (unsigned)(l + 5));
        put16(b, (unsigned)(l + 3));
        put8(b, 0);
        put16(b, (unsigned)l);
        putn(b, h->sni, l);
    }
    if (h->alpn[0] != NULL) {
        size_t at;

        put16(b, 0x0010);
        at = b->n;
        put16(b, 0);
        put16(b, 0);
        for (int i = 0; i < 3 && h->alpn[i] != NULL; i++) {
            put8(b, (unsigned)strlen(h->alpn[i]));
            putn(b, h->alpn[i], strlen(h->alpn[i]));
        }
        patch16(b, at + 2);
        patch16(b, at);
    }
    if (h->versions[0] != 0) {
        size_t at;

        put16(b, 0x002b);
        at = b->n;
        put16(b, 0);
        put8(b, 0);
        for (int i = 0; i < 3 && h->versions[i] != 0; i++)
            put16(b, h->versions[i]);
        b->b[at + 2] = (uint8_t)(b->n - at - 3);
        patch16(b, at);
    }
    patch16(b, ext);
}

/* A ServerHello body choosing `version` (0x0304: by supported_versions). */
void
server_hello_body(struct buf *b, uint16_t version, bool dtls)
{
    uint8_t r[32];
    size_t ext;

    fill_random(r, 200);
    b->n = 0;
    put16(b, dtls ? 0xfefd : 0x0303);
    putn(b, r, 32);
    put8(b, 0);
    put16(b, 0x1301);
    put8(b, 0);
    ext = b->n;
    put16(b, 0);
    if (version == 0x0304) {
        put16(b, 0x002b);
        put16(b, 2);
        put16(b, 0x0304);
    }
    patch16(b, ext);
}

/* A TLS handshake record holding one message. */
void
tls_record(struct buf *out, uint8_t type, const struct buf *body)
{
    out->n = 0;
    put8(out, 22);
    put16(out, 0x0301);
    put16(out, (unsigned)(body->n + 4));
    put8(out, type);
    put24(out, body->n);
    putn(out, body->b, body->n);
}

/* A DTLS handshake record holding one unfragmented message. */
void
dtls_record(struct buf *out, uint8_t type, const struct buf *body,
            unsigned msg_seq)
{
    out->n = 0;
    put8(out, 22);
    put16(out, 0xfefd);
    put16(out, 0); /* epoch */
    put16(out, 0); /* sequence number, 48 bits */
    put32(out, msg_seq);
    put16(out, (unsigned)(body->n + 12));
    put8(out, type);
    put24(out, body->n);
    put16(out, msg_seq);
    put24(out, 0);
    put24(out, body->n);
    putn(out, body->b, body->n);
}

void
client_hello_record(struct buf *out, const struct hello_spec *h)
{
    struct buf body;

    client_hello_body(&body, h);
    if (h->dtls)
        dtls_record(out, TLS_HT_CLIENT_HELLO, &body, 0);
    else
        tls_record(out, TLS_HT_CLIENT_HELLO, &body);
}

void
server_hello_record(struct buf *out, uint16_t version)
{
    struct buf body;

    server_hello_body(&body, version, false);
    tls_record(out, TLS_HT_SERVER_HELLO, &body);
}

/* ---- frames -------------------------------------------------------------- */

struct ep
ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    struct ep e = {4, {a, b, c, d}, port};

    return e;
}

struct ep
ep6_loop(uint16_t port)
{
    struct ep e = {6, {0}, port};

    e.addr[15] = 1; /* ::1 */
    return e;
}

/* Ethernet II + IPv4/IPv6 + TCP (proto 6) or UDP (17) + payload. */
void
frame(struct buf *f, uint8_t proto, const struct ep *src, const struct ep *dst,
      uint32_t seq, uint8_t flags, const uint8_t *data, size_t len)
{
    size_t l4 = proto == 6 ? 20 : 8;

    f->n = 0;
    for (int i = 0; i < 6; i++)
        put8(f, 0x02);
    for (int i = 0; i < 6; i++)
        put8(f, 0x04);
    put16(f, src->ipver == 6 ? 0x86dd : 0x0800);
    if (src->ipver == 6) {
        put32(f, 0x60000000);
        put16(f, (unsigned)(l4 + len));
        put8(f, proto);
        put8(f, 64);
        putn(f, src->addr, 16);
        putn(f, dst->addr, 16);
    } else {
        put8(f, 0x45);
        put8(f, 0);
        put16(f, (unsigned)(20 + l4 + len));
        put16(f, 0x1234);
        put16(f, 0x4000); /* DF, no fragment */
        put8(f, 64);
        put8(f, proto);
        put16(f, 0); /* checksum: not checked by a capture reader */
        putn(f, src->addr, 4);
        putn(f, dst->addr, 4);
    }
    put16(f, src->port);
    put16(f, dst->port);
    if (proto == 6) {
        put32(f, seq);
        put32(f, 0);
        put8(f, 0x50);
        put8(f, flags);
        put16(f, 65535);
        put16(f, 0);
        put16(f, 0);
    } else {
        put16(f, (unsigned)(8 + len));
        put16(f, 0);
    }
    putn(f, data, len);
}
