/*
 * ip.c - IPv4 (RFC 791) and IPv6 (RFC 8200) headers, IPv6 extension
 * headers, and the fragment reassembly table of ip.h.
 *
 * IPv4: IHL >= 5 and within the bytes present, total length >= IHL and
 * within the bytes present (a frame cut short by the snap length is
 * malformed: its transport payload is incomplete), options skipped. A total
 * length of 0 on a packet longer than 65,535 bytes is Linux BIG TCP (the
 * real length is the captured one) and is taken as such.
 * IPv6: payload length within the bytes present; a payload length of 0 is
 * a jumbogram only with a Jumbo Payload option (RFC 2675) in the hop-by-hop
 * header, No Next Header with nothing after it, else malformed. Extension
 * headers (RFC 8200 section 4, RFC 7045): 0, 43, 60, 135, 139, 140 by
 * (Hdr Ext Len + 1) * 8, AH 51 by (Payload Len + 2) * 4 (RFC 4302), the
 * Fragment header 44 (8 bytes); ESP and everything else end the walk.
 *
 * Reassembly: each datagram has a buffer (grown on demand, kept for reuse
 * by the next datagram in that slot) and a bitmap of the 8-byte blocks
 * received; the first copy of a block wins. A completed datagram's buffer
 * is swapped with the table's "done" buffer, so the result stays valid
 * until the next call while the slot is reused. The slots are found
 * through a hash table and kept in a list by age (creation order) for the
 * timeout and for eviction when full. Fragments are rare: this path may
 * copy; the unfragmented path never does.
 */
#include "traffic/ip.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"

#define FRAG_MAX_BYTES 65535u /* payload of one reassembled datagram */
#define FRAG_BLOCKS ((FRAG_MAX_BYTES + 7) / 8)
#define FRAG_BITMAP ((FRAG_BLOCKS + 7) / 8)
#define FRAG_DEFAULT_MAX 1024u
#define FRAG_MAX_MAX (1u << 20)
#define FRAG_DEFAULT_TIMEOUT (30ull * 1000000000ull)
#define NONE UINT32_MAX

struct frag_key {
    uint8_t ver, proto;
    uint32_t id;
    uint8_t src[16], dst[16];
};

struct frag_entry {
    struct frag_key key;
    uint64_t first_ns;     /* packet time of the first fragment */
    uint32_t hnext;        /* hash chain, or the free list */
    uint32_t older, newer; /* age list */
    uint32_t total;        /* payload length, once the last one is seen */
    uint32_t maxend;       /* highest byte offset + 1 received */
    uint32_t have;         /* 8-byte blocks received */
    uint32_t nfrags;       /* fragments taken in */
    uint8_t has_total;
    uint8_t *buf; /* cap bytes of payload */
    size_t cap;
    uint8_t *bits; /* FRAG_BITMAP bytes, allocated with the first use */
};

struct frag_table {
    struct frag_entry *e;
    uint32_t max;
    uint32_t *bucket;
    uint32_t nbuckets; /* a power of two */
    uint32_t free_head;
    uint32_t oldest, newest;
    uint32_t used;
    uint64_t timeout;
    uint8_t *done; /* the last datagram completed */
    size_t done_cap;
};

struct frag_table *
frag_table_new(size_t max, uint64_t timeout_ns)
{
    struct frag_table *t = calloc(1, sizeof(*t));
    uint32_t i;

    if (t == NULL)
        return NULL;
    if (max == 0)
        max = FRAG_DEFAULT_MAX;
    if (max > FRAG_MAX_MAX)
        max = FRAG_MAX_MAX;
    t->max = (uint32_t)max;
    t->timeout = timeout_ns ? timeout_ns : FRAG_DEFAULT_TIMEOUT;
    for (t->nbuckets = 16; t->nbuckets < 2 * t->max; t->nbuckets *= 2)
        ;
    t->e = calloc(t->max, sizeof(*t->e));
    t->bucket = malloc((size_t)t->nbuckets * sizeof(*t->bucket));
    if (t->e == NULL || t->bucket == NULL) {
        frag_table_free(t);
        return NULL;
    }
    for (i = 0; i < t->nbuckets; i++)
        t->bucket[i] = NONE;
    for (i = 0; i < t->max; i++)
        t->e[i].hnext = i + 1 < t->max ? i + 1 : NONE;
    t->free_head = 0;
    t->oldest = t->newest = NONE;
    return t;
}

void
frag_table_free(struct frag_table *t)
{
    uint32_t i;

    if (t == NULL)
        return;
    if (t->e != NULL) {
        for (i = 0; i < t->max; i++) {
            free(t->e[i].buf);
            free(t->e[i].bits);
        }
    }
    free(t->e);
    free(t->bucket);
    free(t->done);
    free(t);
}

static uint32_t
key_hash(const struct frag_key *k)
{
    uint32_t h = 2166136261u;
    size_t i;

    /* FNV-1a: the fields, not the struct (padding). */
    h = (h ^ k->ver) * 16777619u;
    h = (h ^ k->proto) * 16777619u;
    for (i = 0; i < 4; i++)
        h = (h ^ (uint8_t)(k->id >> (8 * i))) * 16777619u;
    for (i = 0; i < 16; i++) {
        h = (h ^ k->src[i]) * 16777619u;
        h = (h ^ k->dst[i]) * 16777619u;
    }
    return h;
}

static int
key_eq(const struct frag_key *a, const struct frag_key *b)
{
    return a->ver == b->ver && a->proto == b->proto && a->id == b->id &&
           memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

/* Unlinks slot i from its hash chain and the age list and frees it. */
static void
release(struct frag_table *t, uint32_t i)
{
    struct frag_entry *e = &t->e[i];
    uint32_t *link = &t->bucket[key_hash(&e->key) & (t->nbuckets - 1)];

    while (*link != i) {
        assert(*link != NONE); /* i is in its chain */
        link = &t->e[*link].hnext;
    }
    *link = e->hnext;
    if (e->older != NONE)
        t->e[e->older].newer = e->newer;
    else
        t->oldest = e->newer;
    if (e->newer != NONE)
        t->e[e->newer].older = e->older;
    else
        t->newest = e->older;
    if (e->bits != NULL)
        memset(e->bits, 0, FRAG_BITMAP);
    e->hnext = t->free_head;
    t->free_head = i;
    t->used--;
}

static void
drop(struct frag_table *t, uint32_t i, struct pkt_stats *st)
{
    st->frag_dropped += t->e[i].nfrags;
    release(t, i);
}

void
frag_expire(struct frag_table *t, uint64_t now_ns, struct pkt_stats *st)
{
    uint32_t i;

    /* The list is in creation order; with packet times out of order an
     * entry may wait behind a younger one: eviction still bounds it. */
    while ((i = t->oldest) != NONE && now_ns >= t->e[i].first_ns &&
           now_ns - t->e[i].first_ns > t->timeout)
        drop(t, i, st);
}

/* The slot of key k, a new one if there is none (evicting the oldest when
 * full). NONE only on allocation failure. */
static uint32_t
find_or_add(struct frag_table *t, const struct frag_key *k, uint64_t now_ns,
            struct pkt_stats *st)
{
    uint32_t h = key_hash(k) & (t->nbuckets - 1), i;
    struct frag_entry *e;

    for (i = t->bucket[h]; i != NONE; i = t->e[i].hnext)
        if (key_eq(&t->e[i].key, k))
            return i;
    if (t->free_head == NONE)
        drop(t, t->oldest, st);
    i = t->free_head;
    e = &t->e[i];
    if (e->bits == NULL && (e->bits = calloc(1, FRAG_BITMAP)) == NULL)
        return NONE;
    t->free_head = e->hnext;
    e->key = *k;
    e->first_ns = now_ns;
    e->total = e->maxend = e->have = e->nfrags = 0;
    e->has_total = 0;
    e->hnext = t->bucket[h];
    t->bucket[h] = i;
    e->older = t->newest;
    e->newer = NONE;
    if (t->newest != NONE)
        t->e[t->newest].newer = i;
    else
        t->oldest = i;
    t->newest = i;
    t->used++;
    return i;
}

static int
bit_get(const uint8_t *b, uint32_t i)
{
    return b[i >> 3] >> (i & 7) & 1;
}

/* Takes in the fragment data/flen at byte offset off (more: not the last
 * one). IP_OK with *out and *outlen the whole datagram when it completes. */
static enum ip_result
frag_add(struct frag_table *t, const struct frag_key *k, uint32_t off,
         size_t flen, int more, const uint8_t *data, uint64_t now_ns,
         struct pkt_stats *st, const uint8_t **out, size_t *outlen)
{
    struct frag_entry *e;
    uint32_t i, end, b, b0, bend, need;
    uint8_t *tmp;
    size_t cap;

    /* A fragment that is not the last must end on an 8-byte boundary
     * (the next offset is in 8-byte units); none may pass 65,535. */
    if ((more && flen % 8 != 0) || flen > FRAG_MAX_BYTES - off) {
        st->frag_dropped++;
        return IP_MALFORMED;
    }
    end = off + (uint32_t)flen;
    i = find_or_add(t, k, now_ns, st);
    if (i == NONE) {
        st->frag_dropped++;
        return IP_HELD;
    }
    e = &t->e[i];
    st->fragments++;
    e->nfrags++;
    if (!more) {
        /* RFC 8200 4.5 / RFC 791: the last fragment fixes the length; a
         * different one, or data already beyond it, is inconsistent. */
        if ((e->has_total && e->total != end) || e->maxend > end) {
            drop(t, i, st);
            return IP_HELD;
        }
        e->total = end;
        e->has_total = 1;
    } else if (e->has_total && end > e->total) {
        drop(t, i, st);
        return IP_HELD;
    }
    if (end > e->cap) {
        cap = ((size_t)end + 4095) & ~(size_t)4095;
        if (cap > FRAG_MAX_BYTES)
            cap = FRAG_MAX_BYTES;
        tmp = realloc(e->buf, cap);
        if (tmp == NULL) {
            drop(t, i, st);
            return IP_HELD;
        }
        e->buf = tmp;
        e->cap = cap;
    }
    if (end > e->maxend)
        e->maxend = end;
    /* Copy the runs of blocks not yet received: the first copy wins. */
    bend = (end + 7) / 8;
    for (b = off / 8; b < bend;) {
        if (bit_get(e->bits, b)) {
            b++;
            continue;
        }
        for (b0 = b; b < bend && !bit_get(e->bits, b); b++) {
            e->bits[b >> 3] |= (uint8_t)(1u << (b & 7));
            e->have++;
        }
        memcpy(e->buf + (size_t)b0 * 8, data + ((size_t)b0 * 8 - off),
               (b * 8 < end ? b * 8 : end) - b0 * 8);
    }
    need = (e->total + 7) / 8;
    if (!e->has_total || e->have != need)
        return IP_HELD;
    /* Complete: hand the buffer out, keep the old "done" one in the slot. */
    tmp = t->done;
    cap = t->done_cap;
    t->done = e->buf;
    t->done_cap = e->cap;
    e->buf = tmp;
    e->cap = cap;
    *out = t->done;
    *outlen = e->total;
    release(t, i);
    st->reassembled++;
    return IP_OK;
}

/* Walks the IPv6 extension headers from Next Header *nh over *p and *len.
 * 0: *nh is an upper-layer protocol (or one that ends the walk) at *p;
 * 1: a Fragment header is at *p (at least 8 bytes); -1: malformed. */
static int
v6_ext(uint8_t *nh, const uint8_t **p, size_t *len)
{
    size_t hl;

    for (;;) {
        switch (*nh) {
        case 0:
        case 43:
        case 60:
        case 135:
        case 139:
        case 140:
            if (*len < 8)
                return -1;
            hl = ((size_t)(*p)[1] + 1) * 8;
            break;
        case 51:
            if (*len < 8)
                return -1;
            hl = ((size_t)(*p)[1] + 2) * 4;
            break;
        case 44:
            return *len < 8 ? -1 : 1;
        default:
            return 0;
        }
        if (hl > *len)
            return -1;
        *nh = (*p)[0];
        *p += hl;
        *len -= hl;
    }
}

/* RFC 2675: the Jumbo Payload option (0xC2, 4 bytes) in the hop-by-hop
 * header h/hlen. 0 when there is none. */
static uint32_t
jumbo_len(const uint8_t *h, size_t hlen)
{
    size_t hl, i = 2;

    if (hlen < 8)
        return 0;
    hl = ((size_t)h[1] + 1) * 8;
    if (hl > hlen)
        return 0;
    while (i < hl) {
        if (h[i] == 0) { /* Pad1 */
            i++;
            continue;
        }
        if (hl - i < 2 || h[i + 1] > hl - i - 2)
            return 0;
        if (h[i] == 0xC2 && h[i + 1] == 4)
            return bo_get32(BO_BE, h + i + 2);
        i += 2 + (size_t)h[i + 1];
    }
    return 0;
}

static enum ip_result
ipv6(struct frag_table *t, const uint8_t *p, size_t len, uint64_t now_ns,
     struct ip_packet *out, struct pkt_stats *st)
{
    struct frag_key k;
    const uint8_t *q = p + 40;
    size_t n = len - 40, plen, flen;
    uint16_t offw;
    uint8_t nh = p[6];
    int r;
    enum ip_result fr;

    memcpy(out->src, p + 8, 16);
    memcpy(out->dst, p + 24, 16);
    plen = bo_get16(BO_BE, p + 4);
    if (plen == 0) {
        if (nh == 0)
            plen = jumbo_len(q, n);
        /* A jumbogram is longer than 65,535 bytes (RFC 2675 section 3). */
        if (plen == 0 && nh != 59)
            return IP_MALFORMED;
        if (plen != 0 && plen <= 65535)
            return IP_MALFORMED;
    }
    if (plen > n)
        return IP_MALFORMED;
    n = plen;
    r = v6_ext(&nh, &q, &n);
    if (r == 1) {
        /* Fragment header: Next Header, reserved, offset << 3 | M, id. */
        offw = bo_get16(BO_BE, q + 2);
        k.ver = 6;
        k.proto = q[0];
        k.id = bo_get32(BO_BE, q + 4);
        memcpy(k.src, out->src, 16);
        memcpy(k.dst, out->dst, 16);
        nh = q[0];
        q += 8;
        n -= 8;
        if ((offw & 0xFFF8) != 0 || (offw & 1) != 0) {
            fr = frag_add(t, &k, offw & 0xFFF8, n, offw & 1, q, now_ns, st, &q,
                          &flen);
            if (fr != IP_OK)
                return fr;
            n = flen;
        } /* else an atomic fragment (RFC 6946): processed alone */
        r = v6_ext(&nh, &q, &n);
        if (r == 1)
            return IP_MALFORMED; /* a second Fragment header */
    }
    if (r < 0)
        return IP_MALFORMED;
    out->ver = 6;
    out->proto = nh;
    out->payload = q;
    out->len = n;
    return IP_OK;
}

static enum ip_result
ipv4(struct frag_table *t, const uint8_t *p, size_t len, uint64_t now_ns,
     struct ip_packet *out, struct pkt_stats *st)
{
    struct frag_key k;
    size_t ihl = (size_t)(p[0] & 0x0F) * 4, tot = bo_get16(BO_BE, p + 2);
    uint16_t fw = bo_get16(BO_BE, p + 6);
    const uint8_t *q;
    size_t n;

    if (ihl < 20 || ihl > len)
        return IP_MALFORMED;
    if (tot == 0 && len > 65535)
        tot = len; /* BIG TCP: the length does not fit the field */
    if (tot < ihl || tot > len)
        return IP_MALFORMED;
    memset(out->src, 0, 16);
    memset(out->dst, 0, 16);
    memcpy(out->src, p + 12, 4);
    memcpy(out->dst, p + 16, 4);
    out->ver = 4;
    out->proto = p[9];
    q = p + ihl;
    n = tot - ihl;
    /* Flags: reserved, DF, MF (0x2000); offset in 8-byte units. */
    if ((fw & 0x3FFF) != 0) {
        memset(&k, 0, sizeof(k));
        k.ver = 4;
        k.proto = p[9];
        k.id = bo_get16(BO_BE, p + 4);
        memcpy(k.src, out->src, 16);
        memcpy(k.dst, out->dst, 16);
        return frag_add(t, &k, (uint32_t)(fw & 0x1FFF) * 8, n,
                        (fw & 0x2000) != 0, q, now_ns, st, &out->payload,
                        &out->len);
    }
    out->payload = q;
    out->len = n;
    return IP_OK;
}

enum ip_result
ip_decode(struct frag_table *t, int ver, const uint8_t *p, size_t len,
          uint64_t now_ns, struct ip_packet *out, struct pkt_stats *st)
{
    if (ver == 4 && len >= 20 && p[0] >> 4 == 4)
        return ipv4(t, p, len, now_ns, out, st);
    if (ver == 6 && len >= 40 && p[0] >> 4 == 6)
        return ipv6(t, p, len, now_ns, out, st);
    return IP_MALFORMED;
}
