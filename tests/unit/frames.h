/*
 * frames.h - wire-format builders shared by the session-level suites
 * (test_session.c, test_scope.c): a fixed-size byte buffer with big-endian
 * writers, TLS and DTLS ClientHello / ServerHello bodies and the handshake
 * records that carry them (RFC 8446 §4, §5.1; RFC 6347 §4.1, §4.2.2), and
 * whole Ethernet II + IPv4/IPv6 + TCP/UDP frames around a payload, so each
 * test states exactly what is on the wire.
 *
 * Every writer checks the buffer's room with ck_assert, so overflowing a
 * buffer fails the test instead of writing past it. Checksums are zero and
 * nothing is fragmented: the readers under test do not check either. Not
 * here: capture-file (pcap/pcapng) framing, which each suite builds itself.
 */
#ifndef SC_TEST_FRAMES_H
#define SC_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_ACK 0x10

/* ---- byte building ------------------------------------------------------ */

/* A byte buffer: b[0 .. n - 1] written so far. */
struct buf {
    uint8_t b[4096];
    size_t n;
};

/* Append v in big-endian order, as 8, 16, 24 or 32 bits (v is truncated to
 * that width). */
void put8(struct buf *b, unsigned v);
void put16(struct buf *b, unsigned v);
void put24(struct buf *b, unsigned long v);
void put32(struct buf *b, unsigned long v);

/* Appends n bytes from p (p may be NULL when n is 0). */
void putn(struct buf *b, const void *p, size_t n);

/* Writes a 16-bit length at off for the bytes from off + 2 to the end. */
void patch16(struct buf *b, size_t off);

/* 32 bytes that depend only on seed (a stand-in client or server random). */
void fill_random(uint8_t r[32], uint8_t seed);

/* ---- hello bodies -------------------------------------------------------- */

struct hello_spec {
    uint8_t random[32];
    const char *sni;      /* NULL: no server_name */
    const char *alpn[3];  /* NULL-terminated, may be empty */
    uint16_t versions[3]; /* supported_versions, 0-terminated; none: absent */
    bool dtls;            /* DTLS 1.2 version and an empty cookie */
};

/* A ClientHello body (after the handshake header) into b, replacing what
 * b held: two cipher suites, null compression, then the extensions h
 * asks for in the order server_name, ALPN, supported_versions. */
void client_hello_body(struct buf *b, const struct hello_spec *h);

/* A ServerHello body into b choosing `version` (0x0304: by
 * supported_versions; anything else: legacy_version only), with the
 * random fill_random(r, 200). */
void server_hello_body(struct buf *b, uint16_t version, bool dtls);

/* A TLS handshake record (legacy version 0x0301) holding one message of
 * the given type, into out (replacing its contents). */
void tls_record(struct buf *out, uint8_t type, const struct buf *body);

/* A DTLS 1.2 handshake record of epoch 0, record sequence number and
 * message_seq msg_seq, holding one unfragmented message, into out. */
void dtls_record(struct buf *out, uint8_t type, const struct buf *body,
                 unsigned msg_seq);

/* The ClientHello of h in a TLS or (h->dtls) DTLS record, message_seq 0. */
void client_hello_record(struct buf *out, const struct hello_spec *h);

/* A TLS ServerHello record choosing version (see server_hello_body). */
void server_hello_record(struct buf *out, uint16_t version);

/* ---- frames -------------------------------------------------------------- */

/* An endpoint: IP version (4 or 6), address (first 4 bytes for IPv4), port. */
struct ep {
    uint8_t ipver;
    uint8_t addr[16];
    uint16_t port;
};

/* a.b.c.d:port */
struct ep ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port);

/* [::1]:port */
struct ep ep6_loop(uint16_t port);

/* Ethernet II + IPv4/IPv6 (by src->ipver) + TCP (proto 6, with seq and
 * flags; ack 0, window 65535) or UDP (17; seq and flags unused) + len bytes
 * of data, into f (replacing its contents). */
void frame(struct buf *f, uint8_t proto, const struct ep *src,
           const struct ep *dst, uint32_t seq, uint8_t flags,
           const uint8_t *data, size_t len);

#endif
