/*
 * quic.h - the ClientHello of a QUIC connection, from its client Initial
 * packets (RFC 9000 §17.2, RFC 9001 §5, RFC 9369 for QUIC v2,
 * draft-ietf-quic-tls-29 for draft-29).
 *
 * For each long-header Initial packet of the client: the Initial secrets
 * are derived from the Destination Connection ID with the version's salt
 * and labels (HKDF-Extract, HKDF-Expand-Label "client in" / "quic key" /
 * "quic iv" / "quic hp", v2: "quicv2 key" ...), header protection is removed
 * (AES-128-ECB mask), the payload decrypted (AEAD_AES_128_GCM), its frames
 * parsed (PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE; anything else ends
 * the packet) and the CRYPTO data placed by offset into the Initial crypto
 * stream, across packets and coalesced packets of one datagram, in any
 * order, with repeats. When the stream holds a complete ClientHello
 * handshake message (type 1, 24-bit length) it is handed out. A Retry from
 * the server makes the client's next Initials use the Retry's Source
 * Connection ID as DCID: each packet is decrypted with the keys of its own
 * DCID, so that just works. Version Negotiation packets are recognised and
 * counted. All cryptography is OpenSSL's libcrypto (the HKDF and
 * TLS13-KDF EVP_KDFs, EVP AES-128-GCM, AES-128-ECB).
 *
 * Versions: 0x00000001 (v1), 0x6b3343cf (v2), 0x709a50c4 (the provisional
 * v2 of draft-ietf-quic-v2-03..07, sent by ngtcp2 0.12: v2 labels and packet
 * types, its own salt), 0xff00001d (draft-29; drafts 30-32 share its salt),
 * 0xff000021, 0xff000022 (drafts 33, 34: the v1 salt) and 0xff00001b,
 * 0xff00001c (drafts 27, 28: the salt of drafts 23-28,
 * 0xc3eef712c72ebb5a11a7d2432bb46365bef9f502). The reserved versions
 * 0x?a?a?a?a (RFC 9000 §15), which a client sends to make the server
 * answer with Version Negotiation, are read with draft-29's salt and the
 * v1 labels, as ngtcp2 protects them and tshark reads them.
 */
#ifndef SC_TRAFFIC_QUIC_H
#define SC_TRAFFIC_QUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUIC_V1 0x00000001u
#define QUIC_V2 0x6b3343cfu
#define QUIC_V2_DRAFT 0x709a50c4u /* draft-ietf-quic-v2-03..07 */
#define QUIC_DRAFT27 0xff00001bu
#define QUIC_DRAFT28 0xff00001cu
#define QUIC_DRAFT29 0xff00001du
#define QUIC_DRAFT30 0xff00001eu
#define QUIC_DRAFT31 0xff00001fu
#define QUIC_DRAFT32 0xff000020u
#define QUIC_DRAFT33 0xff000021u
#define QUIC_DRAFT34 0xff000022u

/* True for the reserved versions 0x?a?a?a?a (RFC 9000 §15). */
static inline bool
quic_version_reserved(uint32_t v)
{
    return (v & 0x0f0f0f0fu) == 0x0a0a0a0au;
}

/* What a datagram held (bits of quic_client_datagram's result). */
#define QUIC_SEEN_LONG 0x01    /* a long-header packet of a known version */
#define QUIC_SEEN_INITIAL 0x02 /* a client Initial that decrypted */
#define QUIC_HELLO_DONE 0x04   /* the ClientHello became complete (once) */
#define QUIC_SEEN_VN 0x08      /* a Version Negotiation packet */
#define QUIC_SEEN_RETRY 0x10   /* a Retry packet */
#define QUIC_BAD 0x20          /* a packet failed to decrypt or parse */

/* True when the datagram starts with a long-header Initial packet of a
 * version listed above (cheap: no decryption); the session table creates
 * QUIC state only for such flows. */
bool quic_is_client_initial(const uint8_t *p, size_t len);

/* True when the datagram starts like a QUIC short-header packet (first
 * byte 01xxxxxx, at least 21 bytes: a 4-byte packet number and the 16-byte
 * header protection sample) or any long-header packet of a known version. */
bool quic_looks_quic(const uint8_t *p, size_t len);

/* The libcrypto algorithms every connection uses (the HKDF and TLS13-KDF
 * KDFs, AES-128-ECB, AES-128-GCM), fetched once. Read-only once made, so any
 * number of connections share one; it must
 * outlive every connection made with it. NULL when libcrypto lacks one of
 * them or memory ran out. quic_crypto_free(NULL) does nothing. */
struct quic_crypto;

struct quic_crypto *quic_crypto_new(void);
void quic_crypto_free(struct quic_crypto *qc);

struct quic_conn; /* one connection's client Initial crypto stream */

/* A connection using qc (kept, not copied; NULL qc gives NULL). NULL when
 * memory ran out. */
struct quic_conn *quic_conn_new(const struct quic_crypto *qc);
void quic_conn_free(struct quic_conn *c);

/* Feeds one UDP datagram sent by the client. Returns QUIC_* bits:
 * QUIC_HELLO_DONE only for the datagram that completed the ClientHello;
 * later datagrams are classified (LONG, VN, RETRY, BAD for a malformed
 * header) but not decrypted. Version Negotiation and Retry packets are
 * recognised whichever side sent them. */
int quic_client_datagram(struct quic_conn *c, const uint8_t *p, size_t len);

/* Once QUIC_HELLO_DONE: the ClientHello body (after its 4-byte handshake
 * header) and its length, valid until quic_conn_free; NULL before. */
const uint8_t *quic_client_hello(const struct quic_conn *c, size_t *len);

/* The version of the first client Initial (0 before). */
uint32_t quic_conn_version(const struct quic_conn *c);

size_t quic_conn_memory(const struct quic_conn *c);

#endif
