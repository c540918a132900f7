/*
 * dtls.c - ClientHello and ServerHello reassembly from DTLS datagrams (see
 * dtls.h): the record layer of RFC 6347 §4.1 (type, version, epoch,
 * sequence number, length: 13 bytes) and RFC 9147 §4 (the unified header),
 * and the handshake fragments of RFC 6347 §4.2.2 / RFC 9147 §5.2
 * (msg_type, length, message_seq, fragment_offset, fragment_length: 12
 * bytes, then the fragment).
 *
 * Only plaintext handshake records of epoch 0 are read. A unified-header
 * record is skipped by its length when it has one (L bit) and no
 * connection ID (whose length only the endpoints know); otherwise it runs
 * to the end of the datagram (RFC 9147 §4: a record without a length is
 * the last of its datagram). A record whose length overruns the datagram
 * ends the walk. Each message in reassembly keeps a sorted list of filled
 * ranges; a fragment that would need more than MAX_RANGES disjoint ranges
 * is dropped (DTLS retransmits the flight). A fragment that disagrees with
 * the message's length, runs past it or claims a message longer than
 * TLS_HELLO_MAX is dropped. A completed message is remembered by type,
 * message_seq, length and random, so a retransmitted flight is not
 * reported twice while a new message_seq (the ClientHello after a
 * HelloVerifyRequest) or a new handshake on the same port is. When all
 * DTLS_MAX_PENDING slots are busy the oldest is given up. Records of other
 * content types are counted, not read.
 */
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "traffic/dtls.h"
#include "traffic/ranges.h"

#define DTLS_CT_HANDSHAKE 22
#define DTLS_REC_HDR 13
#define DTLS_HS_HDR 12
#define MAX_RANGES 16
#define MAX_DONE 8

struct pending {
    uint8_t *buf; /* NULL: slot free */
    uint8_t type;
    uint16_t seq;
    uint32_t len;
    uint64_t age; /* arrival order, for eviction */
    uint32_t ranges[MAX_RANGES][2];
    unsigned n_ranges;
};

struct done {
    bool used;
    uint8_t type;
    uint16_t seq;
    uint32_t len;
    uint8_t random[32];
};

struct dtls_asm {
    struct pending pend[DTLS_MAX_PENDING];
    struct done done[MAX_DONE];
    unsigned next_done;
    uint64_t clock;
    size_t held; /* bytes allocated for pending messages */
};

struct dtls_asm *
dtls_asm_new(void)
{
    return calloc(1, sizeof(struct dtls_asm));
}

static void
drop(struct dtls_asm *a, struct pending *m)
{
    if (m->buf != NULL) {
        a->held -= m->len;
        free(m->buf);
    }
    memset(m, 0, sizeof(*m));
}

void
dtls_asm_free(struct dtls_asm *a)
{
    unsigned i;

    if (a == NULL)
        return;
    for (i = 0; i < DTLS_MAX_PENDING; i++)
        free(a->pend[i].buf);
    free(a);
}

size_t
dtls_asm_memory(const struct dtls_asm *a)
{
    return a == NULL ? 0 : sizeof(*a) + a->held;
}

/* The random of a hello body: bytes 2..33 after the version (zeros when
 * the body is too short to hold one). */
static void
body_random(const uint8_t *body, uint32_t len, uint8_t out[32])
{
    memset(out, 0, 32);
    if (len >= 34)
        memcpy(out, body + 2, 32);
}

static bool
seen_before(struct dtls_asm *a, uint8_t type, uint16_t seq, const uint8_t *body,
            uint32_t len)
{
    uint8_t r[32];
    struct done *d;
    unsigned i;

    body_random(body, len, r);
    for (i = 0; i < MAX_DONE; i++) {
        d = &a->done[i];
        if (d->used && d->type == type && d->seq == seq && d->len == len &&
            memcmp(d->random, r, 32) == 0)
            return true;
    }
    d = &a->done[a->next_done];
    a->next_done = (a->next_done + 1) % MAX_DONE;
    d->used = true;
    d->type = type;
    d->seq = seq;
    d->len = len;
    memcpy(d->random, r, 32);
    return false;
}

static struct pending *
slot_for(struct dtls_asm *a, uint8_t type, uint16_t seq, uint32_t len,
         bool *conflict)
{
    struct pending *m, *free_slot = NULL, *oldest = NULL;
    unsigned i;

    *conflict = false;
    for (i = 0; i < DTLS_MAX_PENDING; i++) {
        m = &a->pend[i];
        if (m->buf == NULL) {
            if (free_slot == NULL)
                free_slot = m;
            continue;
        }
        if (m->type == type && m->seq == seq) {
            *conflict = m->len != len;
            return *conflict ? NULL : m;
        }
        if (oldest == NULL || m->age < oldest->age)
            oldest = m;
    }
    m = free_slot != NULL ? free_slot : oldest;
    drop(a, m);
    m->buf = malloc(len);
    if (m->buf == NULL)
        return NULL;
    a->held += len;
    m->type = type;
    m->seq = seq;
    m->len = len;
    m->age = a->clock++;
    return m;
}

/* One handshake fragment: header h (12 bytes) and frag (its data). */
static void
fragment(struct dtls_asm *a, const uint8_t *h, const uint8_t *frag,
         dtls_msg_fn fn, void *ctx)
{
    uint8_t type = h[0];
    uint32_t len = bo_get24(BO_BE, h + 1), off = bo_get24(BO_BE, h + 6),
             flen = bo_get24(BO_BE, h + 9);
    uint16_t seq = bo_get16(BO_BE, h + 4);
    struct pending *m;
    bool conflict;

    if (type != TLS_HT_CLIENT_HELLO && type != TLS_HT_SERVER_HELLO)
        return;
    if (len == 0 || len > TLS_HELLO_MAX || flen == 0 ||
        (uint64_t)off + flen > len)
        return;
    m = slot_for(a, type, seq, len, &conflict);
    if (m == NULL)
        return;
    if (!ranges_add(m->ranges, &m->n_ranges, MAX_RANGES, off, off + flen))
        return;
    memcpy(m->buf + off, frag, flen);
    if (m->n_ranges != 1 || m->ranges[0][0] != 0 || m->ranges[0][1] != len)
        return;
    if (!seen_before(a, type, seq, m->buf, len) && fn != NULL)
        fn(ctx, type, m->buf, len);
    drop(a, m);
}

/* The handshake fragments of one epoch-0 handshake record; a fragment
 * that overruns the record ends it. */
static void
handshake_record(struct dtls_asm *a, const uint8_t *p, size_t len,
                 dtls_msg_fn fn, void *ctx)
{
    const uint8_t *end = p + len;
    uint32_t flen;

    while ((size_t)(end - p) >= DTLS_HS_HDR) {
        flen = bo_get24(BO_BE, p + 9);
        if (flen > (size_t)(end - p) - DTLS_HS_HDR)
            return;
        fragment(a, p, p + DTLS_HS_HDR, fn, ctx);
        p += DTLS_HS_HDR + flen;
    }
}

int
dtls_datagram(struct dtls_asm *a, const uint8_t *p, size_t len, dtls_msg_fn fn,
              void *ctx)
{
    const uint8_t *end = p + len;
    uint32_t v, rlen;
    size_t hdr;
    int n = 0;

    if (a == NULL || p == NULL)
        return 0;
    while (p != end) {
        if ((p[0] & 0xe0) == 0x20) {
            /* RFC 9147 §4: 001CSLEE, then the connection ID (C), a
             * sequence number of 8 or 16 bits (S), the length (L). */
            n++;
            if ((p[0] & 0x10) != 0 || (p[0] & 0x04) == 0)
                break;
            hdr = 1 + ((p[0] & 0x08) != 0 ? 2 : 1) + 2;
            if (hdr > (size_t)(end - p))
                break;
            rlen = bo_get16(BO_BE, p + hdr - 2);
            if (rlen > (size_t)(end - p) - hdr)
                break;
            p += hdr + rlen;
            continue;
        }
        if ((size_t)(end - p) < DTLS_REC_HDR || p[0] < 20 || p[0] > 25)
            break;
        v = bo_get16(BO_BE, p + 1);
        if (v != 0xfeff && v != 0xfefd && v != 0xfefc)
            break;
        rlen = bo_get16(BO_BE, p + 11);
        if (rlen > (size_t)(end - p) - DTLS_REC_HDR)
            break;
        n++;
        if (p[0] == DTLS_CT_HANDSHAKE && bo_get16(BO_BE, p + 3) == 0)
            handshake_record(a, p + DTLS_REC_HDR, rlen, fn, ctx);
        p += DTLS_REC_HDR + rlen;
    }
    return n;
}
