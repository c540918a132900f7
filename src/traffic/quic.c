/*
 * quic.c - the client's ClientHello out of its QUIC Initial packets.
 *
 * Walks the long-header packets of a datagram by their Length field (RFC
 * 9000 §17.2, §12.2: a short-header packet ends the datagram), derives the
 * Initial keys of each client Initial from its own Destination Connection
 * ID (RFC 9001 §5.2; RFC 9369 §3.3 for v2), removes header protection (RFC
 * 9001 §5.4.1-5.4.3), decodes the packet number (RFC 9000 §17.1, Appendix
 * A.3), opens the AEAD_AES_128_GCM payload (RFC 9001 §5.3) and parses the
 * frames an Initial may carry (RFC 9000 §12.4, §19). CRYPTO data is put by
 * offset into one buffer for the Initial crypto stream, with a short list of
 * filled ranges, so reordering, overlaps and repeats need no special case.
 * Recognises Version Negotiation and Retry packets; does not verify the
 * Retry integrity tag, does not decrypt Handshake, 0-RTT or 1-RTT packets,
 * and does not reassemble anything after the ClientHello.
 *
 * Bounds: the crypto buffer grows lazily up to the ClientHello's length,
 * never beyond TLS_HELLO_MAX + 4 bytes; data past that is ignored. Keys are
 * cached for the last DCID and version, so the usual connection derives
 * them once. Once the ClientHello is complete (or the stream turned out not
 * to hold one) the EVP contexts and scratch space are released and later
 * datagrams are only classified. All cryptography is OpenSSL 3 libcrypto.
 *
 * Key derivation is libcrypto's own: HKDF-Extract is the EVP_KDF "HKDF" in
 * EXTRACT_ONLY mode (RFC 5869 §2.2), HKDF-Expand-Label the EVP_KDF
 * "TLS13-KDF" in EXPAND_ONLY mode with the prefix "tls13 " and an empty
 * context (RFC 8446 §7.1); nothing of HKDF or HMAC is written out here.
 * OpenSSL 3 looks algorithms up by name, so the KDFs and ciphers are
 * fetched once, into the shared struct quic_crypto; each connection makes
 * its own two EVP_KDF_CTX from them with SHA-256, the mode, prefix and
 * context set once (OpenSSL 3.0 cannot duplicate a KDF context, so each is
 * made with EVP_KDF_CTX_new), and a derivation passes only what changes:
 * salt and DCID, or the secret (once per secret) and the label. This costs
 * more than HMAC calls made here would (OpenSSL 3.0's HKDF looks HMAC up by
 * name on every Extract, and each context sets its digest by name): about
 * 112,000 instructions per connection instead of 67,000 (callgrind, new
 * connection, the RFC 9001 A.2 packet, free); the KDF stays libcrypto's.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "byteorder.h"
#include "traffic/quic.h"
#include "traffic/ranges.h"
#include "traffic/tls.h"

#define CID_MAX 20 /* RFC 9000 §17.2: at most 20 bytes in v1 */
#define RANGES_MAX 32
#define STREAM_MAX ((uint32_t)TLS_HELLO_MAX + 4)
#define VARINT_MAX ((UINT64_C(1) << 62) - 1)
#define SALT_LEN 20
#define KEY_LEN 16
#define IV_LEN 12
#define TAG_LEN 16
#define SAMPLE_LEN 16
#define HASH_LEN 32 /* SHA-256 */

/* Packet types, whatever their bits in the version. */
enum { PT_INITIAL, PT_0RTT, PT_HANDSHAKE, PT_RETRY };

enum { ST_ACTIVE, ST_DONE, ST_FAILED };

struct version_info {
    uint32_t version;
    const uint8_t *salt;
    bool v2; /* QUIC v2 labels and long-header packet types */
};

/* RFC 9001 §5.2 (also drafts 33, 34). */
static const uint8_t salt_v1[SALT_LEN] = {
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
/* RFC 9369 §3.3.1. */
static const uint8_t salt_v2[SALT_LEN] = {
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
/* draft-ietf-quic-v2-01..07 (version 0x709a50c4; with the v2 packet types
 * of -03..07, as ngtcp2 0.12 sends them). */
static const uint8_t salt_v2_draft[SALT_LEN] = {
    0xa7, 0x07, 0xc2, 0x03, 0xa5, 0x9b, 0x47, 0x18, 0x4a, 0x1d,
    0x62, 0xca, 0x57, 0x04, 0x06, 0xea, 0x7a, 0xe3, 0xe5, 0xd3};
/* draft-ietf-quic-tls-29 .. -32 §5.2. */
static const uint8_t salt_d29[SALT_LEN] = {
    0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
    0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99};
/* draft-ietf-quic-tls-23 .. -28 §5.2. */
static const uint8_t salt_d23[SALT_LEN] = {
    0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
    0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02};

static const struct version_info versions[] = {
    {QUIC_V1, salt_v1, false},
    {QUIC_V2, salt_v2, true},
    {QUIC_V2_DRAFT, salt_v2_draft, true},
    {QUIC_DRAFT29, salt_d29, false},
    {QUIC_DRAFT30, salt_d29, false},
    {QUIC_DRAFT31, salt_d29, false},
    {QUIC_DRAFT32, salt_d29, false},
    {QUIC_DRAFT33, salt_v1, false},
    {QUIC_DRAFT34, salt_v1, false},
    {QUIC_DRAFT27, salt_d23, false},
    {QUIC_DRAFT28, salt_d23, false},
};

/* RFC 9000 §15: the versions 0x?a?a?a?a are reserved, sent to make a
 * server answer with Version Negotiation. No salt is defined for them;
 * ngtcp2 protects their Initials with draft-29's salt and the v1 labels,
 * and tshark 4.0 reads them so (checked on a capture of ngtcp2 0.12:
 * tests/fixtures/traffic/quic-vn.pcap). */
static const struct version_info reserved = {0, salt_d29, false};

/* The keys of the client Initials for one DCID and version. */
struct quic_keys {
    bool valid;
    uint32_t version;
    uint8_t dcid_len;
    uint8_t dcid[CID_MAX];
    uint8_t key[KEY_LEN];
    uint8_t iv[IV_LEN];
    uint8_t hp[KEY_LEN];
};

struct quic_crypto {
    EVP_KDF *hkdf;  /* HKDF-Extract */
    EVP_KDF *tls13; /* HKDF-Expand-Label */
    EVP_CIPHER *ecb, *gcm;
};

struct quic_conn {
    const struct quic_crypto *qc;
    int state;
    uint32_t version;
    bool have_pn;
    uint64_t largest_pn;

    /* libcrypto, released once the ClientHello is complete; the cipher
     * contexts have their cipher from the start, keys come later */
    EVP_KDF_CTX *extract, *expand; /* SHA-256 and the mode set */
    EVP_CIPHER_CTX *hp_ctx, *aead_ctx;
    struct quic_keys keys; /* the cache: keys last installed in the ctxs */

    uint8_t *scratch; /* decrypted payload */
    size_t scratch_cap;

    /* the Initial crypto stream */
    uint8_t *buf;
    uint32_t cap;
    uint32_t r[RANGES_MAX][2]; /* filled, see traffic/ranges.h */
    unsigned nr;
    bool have_len;
    uint32_t msg_len; /* ClientHello body length, once bytes 0..3 are in */
};

/* A long-header packet's fields, as far as they are not protected. */
struct long_hdr {
    const struct version_info *vi;
    uint32_t version; /* as sent (vi->version is 0 for reserved ones) */
    int type;
    const uint8_t *dcid;
    uint8_t dcid_len;
    size_t pn_off; /* from the start of the packet */
    size_t len;    /* the whole packet, header included */
};

static const struct version_info *
find_version(uint32_t v)
{
    size_t i;

    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
        if (versions[i].version == v)
            return &versions[i];
    return quic_version_reserved(v) ? &reserved : NULL;
}

/* RFC 9000 §16: reads a variable-length integer at *pp, advancing it.
 * False when it does not fit before end. */
static bool
get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    size_t n, i;
    uint64_t x;

    if (p >= end)
        return false;
    n = (size_t)1 << (p[0] >> 6);
    if (n > (size_t)(end - p))
        return false;
    x = p[0] & 0x3f;
    for (i = 1; i < n; i++)
        x = x << 8 | p[i];
    *v = x;
    *pp = p + n;
    return true;
}

/* Parses a long header of a known version up to its packet number (RFC
 * 9000 §17.2, §17.2.2; Retry: §17.2.5, the rest of the datagram). 1 with
 * *h filled, 0 when the version is unknown, -1 when malformed. */
static int
parse_long(const uint8_t *p, size_t len, struct long_hdr *h)
{
    const uint8_t *q, *end = p + len;
    uint64_t tok, plen;
    int bits;

    if (len < 5 || !(p[0] & 0x80))
        return -1;
    h->version = bo_get32(BO_BE, p + 1);
    h->vi = find_version(h->version);
    if (h->vi == NULL)
        return 0;
    bits = (p[0] >> 4) & 3;
    /* RFC 9369 §3.2: v2 rotates the types (Initial 0b01 .. Retry 0b00). */
    h->type = h->vi->v2 ? (bits + 3) & 3 : bits;
    q = p + 5;
    if (q >= end || *q > CID_MAX || *q >= end - q)
        return -1;
    h->dcid_len = *q;
    h->dcid = q + 1;
    q += 1 + *q;
    if (q >= end || *q > CID_MAX || *q >= end - q)
        return -1;
    q += 1 + *q;
    if (h->type == PT_RETRY) {
        h->pn_off = (size_t)(q - p);
        h->len = len;
        return 1;
    }
    if (h->type == PT_INITIAL) {
        if (!get_varint(&q, end, &tok) || tok > (uint64_t)(end - q))
            return -1;
        q += tok;
    }
    if (!get_varint(&q, end, &plen) || plen > (uint64_t)(end - q))
        return -1;
    h->pn_off = (size_t)(q - p);
    h->len = h->pn_off + (size_t)plen;
    return 1;
}

bool
quic_is_client_initial(const uint8_t *p, size_t len)
{
    struct long_hdr h;

    return p != NULL && parse_long(p, len, &h) == 1 && h.type == PT_INITIAL;
}

bool
quic_looks_quic(const uint8_t *p, size_t len)
{
    /* Short header (RFC 9000 §17.3.1): form 0, fixed bit 1, and room for a
     * 4-byte packet number plus the 16-byte header protection sample. */
    if (p == NULL || len == 0)
        return false;
    if ((p[0] & 0xc0) == 0x40)
        return len >= 1 + 4 + SAMPLE_LEN;
    return (p[0] & 0x80) && len >= 5 && find_version(bo_get32(BO_BE, p + 1));
}

/* A context of kdf with SHA-256: for HKDF-Extract (expand false) in
 * EXTRACT_ONLY mode; for HKDF-Expand-Label (TLS13-KDF, expand true) in
 * EXPAND_ONLY mode with the prefix "tls13 " and the empty context that all
 * the labels here use. NULL when libcrypto refuses or memory ran out. */
static EVP_KDF_CTX *
kdf_ctx_new(EVP_KDF *kdf, bool expand)
{
    static const char prefix[] = "tls13 ";
    static const uint8_t empty[1] = {0};
    int mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
    OSSL_PARAM prm[5], *q = prm;
    EVP_KDF_CTX *kc = EVP_KDF_CTX_new(kdf);

    if (kc == NULL)
        return NULL;
    *q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                            (char *)"SHA256", 0);
    if (expand) {
        *q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE,
                                                (char *)"EXPAND_ONLY", 0);
        *q++ = OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_PREFIX, (void *)prefix, sizeof(prefix) - 1);
        *q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA,
                                                 (void *)empty, 0);
    } else {
        *q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    }
    *q = OSSL_PARAM_construct_end();
    if (EVP_KDF_CTX_set_params(kc, prm) != 1) {
        EVP_KDF_CTX_free(kc);
        return NULL;
    }
    return kc;
}

/* HKDF-Extract(salt, ikm) with SHA-256 (RFC 5869 §2.2) into out[32]. A
 * zero-length IKM (DCID, legal after a Retry) is fine. */
static bool
hkdf_extract(struct quic_conn *c, const uint8_t *salt, const uint8_t *ikm,
             size_t ikm_len, uint8_t out[HASH_LEN])
{
    OSSL_PARAM prm[3];

    prm[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                               (void *)salt, SALT_LEN);
    prm[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm,
                                               ikm_len);
    prm[2] = OSSL_PARAM_construct_end();
    return EVP_KDF_derive(c->extract, out, HASH_LEN, prm) == 1;
}

/* TLS 1.3 HKDF-Expand-Label(secret, label, "", out_len) with SHA-256 (RFC
 * 8446 §7.1) into out. secret (32 bytes) NULL keeps the secret of the last
 * call: the context holds it. */
static bool
hkdf_expand_label(struct quic_conn *c, const uint8_t *secret, const char *label,
                  uint8_t *out, size_t out_len)
{
    OSSL_PARAM prm[3], *q = prm;

    if (secret != NULL)
        *q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                 (void *)secret, HASH_LEN);
    *q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL,
                                             (void *)label, strlen(label));
    *q = OSSL_PARAM_construct_end();
    return EVP_KDF_derive(c->expand, out, out_len, prm) == 1;
}

/* Makes c->keys (and the cipher contexts) those of this DCID and version:
 * RFC 9001 §5.1-5.2, RFC 9369 §3.3.2 for the v2 labels. */
static bool
use_keys(struct quic_conn *c, const struct long_hdr *h)
{
    struct quic_keys *k = &c->keys;
    uint8_t initial[HASH_LEN], client[HASH_LEN];
    bool ok;

    if (k->valid && k->version == h->version && k->dcid_len == h->dcid_len &&
        memcmp(k->dcid, h->dcid, h->dcid_len) == 0)
        return true;
    k->valid = false;
    ok = hkdf_extract(c, h->vi->salt, h->dcid, h->dcid_len, initial) &&
         hkdf_expand_label(c, initial, "client in", client, HASH_LEN) &&
         hkdf_expand_label(c, client, h->vi->v2 ? "quicv2 key" : "quic key",
                           k->key, KEY_LEN) &&
         hkdf_expand_label(c, NULL, h->vi->v2 ? "quicv2 iv" : "quic iv", k->iv,
                           IV_LEN) &&
         hkdf_expand_label(c, NULL, h->vi->v2 ? "quicv2 hp" : "quic hp", k->hp,
                           KEY_LEN) &&
         EVP_EncryptInit_ex2(c->hp_ctx, NULL, k->hp, NULL, NULL) == 1 &&
         EVP_DecryptInit_ex2(c->aead_ctx, NULL, k->key, NULL, NULL) == 1;
    if (!ok)
        return false;
    k->version = h->version;
    k->dcid_len = h->dcid_len;
    memcpy(k->dcid, h->dcid, h->dcid_len);
    k->valid = true;
    return true;
}

/* RFC 9000 Appendix A.3: the full packet number nearest to the next one
 * expected. */
static uint64_t
decode_pn(const struct quic_conn *c, uint64_t truncated, unsigned nbits)
{
    uint64_t expected = c->have_pn ? c->largest_pn + 1 : 0;
    uint64_t win = UINT64_C(1) << nbits, hwin = win / 2;
    uint64_t cand = (expected & ~(win - 1)) | truncated;

    if (cand + hwin <= expected && cand < (UINT64_C(1) << 62) - win)
        return cand + win;
    if (cand > expected + hwin && cand >= win)
        return cand - win;
    return cand;
}

static void
release_crypto(struct quic_conn *c)
{
    EVP_CIPHER_CTX_free(c->hp_ctx);
    EVP_CIPHER_CTX_free(c->aead_ctx);
    EVP_KDF_CTX_free(c->extract);
    EVP_KDF_CTX_free(c->expand);
    c->hp_ctx = c->aead_ctx = NULL;
    c->extract = c->expand = NULL;
    free(c->scratch);
    c->scratch = NULL;
    c->scratch_cap = 0;
    memset(&c->keys, 0, sizeof(c->keys));
}

/* The stream is settled (hello complete, or not a ClientHello). The
 * libcrypto state goes once the packet being parsed is done with it. */
static void
finish(struct quic_conn *c, int state)
{
    c->state = state;
    if (state == ST_FAILED) {
        free(c->buf);
        c->buf = NULL;
        c->cap = 0;
    }
}

/* Checks the front of the stream: RFC 8446 §4 handshake header, type 1. */
static int
check_hello(struct quic_conn *c)
{
    if (c->nr == 0 || c->r[0][0] != 0 || c->r[0][1] < 4)
        return 0;
    if (!c->have_len) {
        uint32_t l = bo_get24(BO_BE, c->buf + 1);

        if (c->buf[0] != TLS_HT_CLIENT_HELLO || l > TLS_HELLO_MAX) {
            finish(c, ST_FAILED);
            return QUIC_BAD;
        }
        c->have_len = true;
        c->msg_len = l;
    }
    if (c->r[0][1] >= 4 + c->msg_len) {
        finish(c, ST_DONE);
        return QUIC_HELLO_DONE;
    }
    return 0;
}

/* Puts CRYPTO data at off (off + len <= 2^62 - 1, checked by the caller)
 * into the stream. */
static int
crypto_data(struct quic_conn *c, uint64_t off, const uint8_t *d, size_t len)
{
    uint32_t limit = c->have_len ? 4 + c->msg_len : STREAM_MAX;
    bool exact = c->have_len;
    uint64_t end = off + len;
    uint32_t newcap;
    uint8_t *nb;

    /* The frame that starts the stream tells the final size: allocate
     * that at once instead of growing. */
    if (!c->have_len && off == 0 && len >= 4 && d[0] == TLS_HT_CLIENT_HELLO) {
        uint32_t l = bo_get24(BO_BE, d + 1);

        if (l <= TLS_HELLO_MAX) {
            limit = 4 + l;
            exact = true;
        }
    }
    if (off >= limit || len == 0)
        return 0;
    if (end > limit)
        end = limit;
    if (end > c->cap) {
        if (exact) {
            newcap = limit; /* the ClientHello's size */
        } else {
            newcap = c->cap < 1024 ? 2048 : 2 * c->cap;
            if (newcap < end)
                newcap = (uint32_t)end;
            if (newcap > limit)
                newcap = limit;
        }
        nb = realloc(c->buf, newcap);
        if (nb == NULL)
            return QUIC_BAD;
        c->buf = nb;
        c->cap = newcap;
    }
    memcpy(c->buf + off, d, (size_t)(end - off));
    /* table full: the data is dropped, a retransmission may bring it */
    if (!ranges_add(c->r, &c->nr, RANGES_MAX, (uint32_t)off, (uint32_t)end))
        return 0;
    return check_hello(c);
}

/* The frames of a decrypted Initial (RFC 9000 §12.4: PADDING, PING, ACK,
 * CRYPTO, CONNECTION_CLOSE; anything else is a PROTOCOL_VIOLATION and ends
 * the packet, keeping what came before). */
static int
parse_frames(struct quic_conn *c, const uint8_t *p, const uint8_t *end)
{
    int bits = 0;
    uint64_t a, n, i, off, len;

    while (c->state == ST_ACTIVE && p < end) {
        uint8_t type = *p++;

        switch (type) {
        case 0x00: /* PADDING */
            while (p < end && *p == 0)
                p++;
            break;
        case 0x01: /* PING */
            break;
        case 0x02: /* ACK: largest, delay, range count, first range */
        case 0x03: /* ... then the ranges, and for 0x03 the ECN counts */
            if (!get_varint(&p, end, &a) || !get_varint(&p, end, &a) ||
                !get_varint(&p, end, &n) || !get_varint(&p, end, &a))
                return bits | QUIC_BAD;
            /* Each range takes two bytes at least: ends with the data. */
            for (i = 0; i < n; i++)
                if (!get_varint(&p, end, &a) || !get_varint(&p, end, &a))
                    return bits | QUIC_BAD;
            if (type == 0x03 &&
                (!get_varint(&p, end, &a) || !get_varint(&p, end, &a) ||
                 !get_varint(&p, end, &a)))
                return bits | QUIC_BAD;
            break;
        case 0x06: /* CRYPTO */
            if (!get_varint(&p, end, &off) || !get_varint(&p, end, &len) ||
                len > (uint64_t)(end - p) || off > VARINT_MAX - len)
                return bits | QUIC_BAD;
            bits |= crypto_data(c, off, p, (size_t)len);
            p += len;
            break;
        case 0x1c: /* CONNECTION_CLOSE: error, frame type, reason */
        case 0x1d: /* CONNECTION_CLOSE (application): error, reason */
            if (!get_varint(&p, end, &a) ||
                (type == 0x1c && !get_varint(&p, end, &a)) ||
                !get_varint(&p, end, &len) || len > (uint64_t)(end - p))
                return bits | QUIC_BAD;
            p += len;
            break;
        default:
            return bits | QUIC_BAD;
        }
    }
    return bits;
}

/* Removes header protection from and decrypts one client Initial, then
 * takes its frames. */
static int
initial_packet(struct quic_conn *c, const uint8_t *pkt,
               const struct long_hdr *h)
{
    const uint8_t *ct;
    uint8_t mask[2 * SAMPLE_LEN], first, pnb[4], nonce[IV_LEN];
    uint64_t tpn = 0, pn;
    size_t pn_len, ctlen, i;
    int outl, bits;

    /* RFC 9001 §5.4.2: the sample starts 4 bytes after the packet number
     * offset, whatever the packet number length. */
    if (h->len - h->pn_off < 4 + SAMPLE_LEN || h->len > INT_MAX)
        return QUIC_BAD;
    if (!use_keys(c, h))
        return QUIC_BAD;
    if (EVP_EncryptUpdate(c->hp_ctx, mask, &outl, pkt + h->pn_off + 4,
                          SAMPLE_LEN) != 1 ||
        outl != SAMPLE_LEN)
        return QUIC_BAD;
    first = pkt[0] ^ (mask[0] & 0x0f);
    pn_len = (size_t)(first & 3) + 1;
    for (i = 0; i < pn_len; i++) {
        pnb[i] = pkt[h->pn_off + i] ^ mask[1 + i];
        tpn = tpn << 8 | pnb[i];
    }
    pn = decode_pn(c, tpn, (unsigned)(8 * pn_len));

    /* RFC 9001 §5.3: nonce = iv XOR the packet number, left-padded. */
    memcpy(nonce, c->keys.iv, IV_LEN);
    for (i = 0; i < 8; i++)
        nonce[IV_LEN - 1 - i] ^= (uint8_t)(pn >> (8 * i));
    ct = pkt + h->pn_off + pn_len;
    ctlen = h->len - h->pn_off - pn_len - TAG_LEN;
    if (ctlen > c->scratch_cap) {
        uint8_t *ns = realloc(c->scratch, ctlen);

        if (ns == NULL)
            return QUIC_BAD;
        c->scratch = ns;
        c->scratch_cap = ctlen;
    }
    /* The AAD is the unprotected header: first byte, the bytes up to the
     * packet number as sent, the packet number. */
    if (EVP_DecryptInit_ex2(c->aead_ctx, NULL, NULL, nonce, NULL) != 1 ||
        EVP_DecryptUpdate(c->aead_ctx, NULL, &outl, &first, 1) != 1 ||
        EVP_DecryptUpdate(c->aead_ctx, NULL, &outl, pkt + 1,
                          (int)h->pn_off - 1) != 1 ||
        EVP_DecryptUpdate(c->aead_ctx, NULL, &outl, pnb, (int)pn_len) != 1)
        return QUIC_BAD;
    if (ctlen > 0 &&
        EVP_DecryptUpdate(c->aead_ctx, c->scratch, &outl, ct, (int)ctlen) != 1)
        return QUIC_BAD;
    if (EVP_CIPHER_CTX_ctrl(c->aead_ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
                            (void *)(ct + ctlen)) != 1 ||
        EVP_DecryptFinal_ex(c->aead_ctx, mask, &outl) != 1)
        return QUIC_BAD;

    if (!c->have_pn || pn > c->largest_pn)
        c->largest_pn = pn;
    c->have_pn = true;
    if (c->version == 0)
        c->version = h->version;
    bits = QUIC_SEEN_INITIAL;
    bits |= parse_frames(c, c->scratch, c->scratch + ctlen);
    if (c->state != ST_ACTIVE)
        release_crypto(c); /* nothing more to decrypt */
    return bits;
}

struct quic_crypto *
quic_crypto_new(void)
{
    struct quic_crypto *qc = calloc(1, sizeof(*qc));
    EVP_KDF_CTX *x = NULL, *e = NULL;
    bool ok;

    if (qc == NULL)
        return NULL;
    qc->hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    qc->tls13 = EVP_KDF_fetch(NULL, "TLS13-KDF", NULL);
    qc->ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
    qc->gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
    /* The KDFs must also take SHA-256 and the modes a connection sets. */
    ok = qc->hkdf != NULL && qc->tls13 != NULL && qc->ecb != NULL &&
         qc->gcm != NULL && (x = kdf_ctx_new(qc->hkdf, false)) != NULL &&
         (e = kdf_ctx_new(qc->tls13, true)) != NULL;
    EVP_KDF_CTX_free(x);
    EVP_KDF_CTX_free(e);
    if (!ok) {
        quic_crypto_free(qc);
        return NULL;
    }
    return qc;
}

void
quic_crypto_free(struct quic_crypto *qc)
{
    if (qc == NULL)
        return;
    EVP_KDF_free(qc->hkdf);
    EVP_KDF_free(qc->tls13);
    EVP_CIPHER_free(qc->ecb);
    EVP_CIPHER_free(qc->gcm);
    free(qc);
}

struct quic_conn *
quic_conn_new(const struct quic_crypto *qc)
{
    struct quic_conn *c;

    if (qc == NULL || (c = calloc(1, sizeof(*c))) == NULL)
        return NULL;
    c->qc = qc;
    c->state = ST_ACTIVE;
    c->extract = kdf_ctx_new(qc->hkdf, false);
    c->expand = kdf_ctx_new(qc->tls13, true);
    c->hp_ctx = EVP_CIPHER_CTX_new();
    c->aead_ctx = EVP_CIPHER_CTX_new();
    if (c->extract == NULL || c->expand == NULL || c->hp_ctx == NULL ||
        c->aead_ctx == NULL ||
        EVP_EncryptInit_ex2(c->hp_ctx, qc->ecb, NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(c->hp_ctx, 0) != 1 ||
        EVP_DecryptInit_ex2(c->aead_ctx, qc->gcm, NULL, NULL, NULL) != 1) {
        quic_conn_free(c);
        return NULL;
    }
    return c;
}

void
quic_conn_free(struct quic_conn *c)
{
    if (c == NULL)
        return;
    release_crypto(c);
    free(c->buf);
    free(c);
}

int
quic_client_datagram(struct quic_conn *c, const uint8_t *p, size_t len)
{
    struct long_hdr h;
    size_t off = 0;
    int bits = 0, r;

    if (c == NULL || p == NULL)
        return 0;
    /* RFC 9000 §12.2: coalesced packets; a short header runs to the end. */
    while (off < len && (p[off] & 0x80)) {
        if (len - off >= 5 && bo_get32(BO_BE, p + off + 1) == 0) {
            bits |= QUIC_SEEN_VN; /* §17.2.1: the rest of the datagram */
            break;
        }
        r = parse_long(p + off, len - off, &h);
        if (r == 0)
            break; /* unknown version: its packets cannot be delimited */
        if (r < 0) {
            bits |= QUIC_BAD;
            break;
        }
        bits |= QUIC_SEEN_LONG;
        if (h.type == PT_RETRY) {
            bits |= QUIC_SEEN_RETRY;
            break;
        }
        if (h.type == PT_INITIAL && c->state == ST_ACTIVE)
            bits |= initial_packet(c, p + off, &h);
        off += h.len;
    }
    return bits;
}

const uint8_t *
quic_client_hello(const struct quic_conn *c, size_t *len)
{
    if (c == NULL || c->state != ST_DONE) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = c->msg_len;
    return c->buf + 4;
}

uint32_t
quic_conn_version(const struct quic_conn *c)
{
    return c ? c->version : 0;
}

size_t
quic_conn_memory(const struct quic_conn *c)
{
    if (c == NULL)
        return 0;
    return sizeof(*c) + c->cap + c->scratch_cap;
}
