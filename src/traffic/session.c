/*
 * session.c - the session table (session.h): flows, their handshake state,
 * and the sessions found.
 *
 * Flows live in one pool (indices, not pointers, so that the pool can grow
 * by realloc), found through a chained hash on the direction-independent
 * 5-tuple. Each flow records when it was last seen (a packet counter);
 * when the pool is full, the oldest of PROBE_EVICT flows sampled round the
 * pool is evicted (approximate LRU: no list to relink on every packet,
 * which costs two cache misses a packet on a large table). Handshake state
 * hangs off a flow only while a handshake is being read and is freed when
 * it is done or given up; such pending flows are also on a list from least
 * to most recently seen, for the memory cap. Sessions are an array plus an
 * open-addressing index on the client random.
 *
 * Not done here: decoding (packet.h, tcpstream.h, dtls.h, quic.h, tls.h),
 * judging keys (scope.c). A new SYN on a known tuple starts a new flow.
 */
#include "traffic/session.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traffic/dtls.h"
#include "traffic/quic.h"
#include "traffic/tcpstream.h"
#include "traffic/tls.h"

#define NIL UINT32_MAX
#define PROBE_MAX 8   /* data packets examined for traffic without handshake */
#define PROBE_EVICT 8 /* flows sampled for the oldest when the pool is full */

/* Flow kinds and flags. */
enum { K_NONE = 0, K_TCP, K_QUIC, K_DTLS };
#define F_TRAFFIC 0x01    /* TLS records / QUIC packets / DTLS records seen */
#define F_HELLO 0x02      /* a ClientHello was found */
#define F_PENDING 0x04    /* handshake state allocated */
#define F_INCOMPLETE 0x08 /* a handshake was started and not finished */
#define F_STARTED 0x10    /* the client side's handshake data was taken */
#define F_DATA 0x20       /* a packet with payload was seen */
#define F_VN 0x40         /* QUIC: Version Negotiation; the client restarts */
#define F_SRVLONG 0x80    /* QUIC: the server sent a long-header packet */

struct flow_key {
    uint8_t proto, ipver;
    uint16_t pa, pb;
    uint8_t a[16], b[16];
};

struct tcp_state {
    struct tcpstream s[2]; /* by direction: 0 = a -> b */
};

struct dtls_state {
    struct dtls_asm *d[2];
};

struct flow {
    struct flow_key key;
    uint32_t hnext;        /* hash chain, or the free list */
    uint32_t prev, next;   /* the pending list */
    uint64_t last;         /* when last seen (tr_table.clock) */
    struct tr_where first; /* first packet */
    uint64_t packets;
    int32_t session; /* index, or -1 */
    uint16_t chosen; /* ServerHello version seen before the hello */
    uint8_t used;    /* the slot holds a flow */
    uint8_t kind, flags;
    int8_t client_dir; /* 0, 1, or -1 unknown */
    uint8_t first_dir; /* direction of the first packet */
    uint8_t probes;
    union {
        struct tcp_state *tcp;
        struct dtls_state *dtls;
        struct quic_conn *quic;
        void *any;
    } st;
};

struct tr_table {
    struct tr_limits lim;
    struct pkt_decoder *pd;
    struct quic_crypto *qc; /* shared by the QUIC flows; made on the first */
    struct flow *flows;
    uint32_t n_flows, cap_flows; /* slots used, slots allocated */
    uint32_t free_head;
    uint32_t pend_head, pend_tail; /* pending flows, head = least recent */
    uint32_t hand;                 /* where eviction samples next */
    uint64_t clock;                /* packets given to flows */
    uint32_t *buckets;
    uint32_t n_buckets; /* power of 2 */
    uint32_t live;      /* flows in use */
    size_t pending;     /* handshake bytes held */
    struct tr_session *sess;
    size_t n_sess, cap_sess;
    uint32_t *sidx; /* open addressing on the random: session index + 1 */
    size_t n_sidx;  /* power of 2 */
    struct tr_nohs nohs[TR_NOHS_LIST_MAX];
    size_t n_nohs;
    struct tr_stats st;
    struct sc_err *err; /* the current call's, for out-of-memory */
    bool oom;
    bool finished;
};

/* ---- small helpers ------------------------------------------------------ */

/* A multiply-xorshift hash over n <= 40 bytes, a word at a time (the
 * flow key, a client random): a few cycles where a byte-wise hash took
 * ten times as long on every packet. */
static uint64_t
hash_bytes(const void *p, size_t n)
{
    uint64_t w[5] = {0}, h = UINT64_C(0x9e3779b97f4a7c15);

    assert(n <= sizeof(w));
    memcpy(w, p, n);
    for (size_t i = 0; i < (n + 7) / 8; i++) {
        h = (h ^ w[i]) * UINT64_C(0xff51afd7ed558ccd);
        h ^= h >> 32;
    }
    return h;
}

static int
oom(struct tr_table *t)
{
    t->oom = true;
    return sc_err_set(t->err, SC_ERR_IO, "out of memory (session table)");
}

const char *
tr_proto_name(uint8_t protocol)
{
    switch (protocol) {
    case TR_TLS:
        return "tls";
    case TR_DTLS:
        return "dtls";
    case TR_QUIC:
        return "quic";
    default:
        return "?";
    }
}

const char *
tr_endpoint_format(const struct tr_endpoint *e, char *buf, size_t cap)
{
    char a[INET6_ADDRSTRLEN];

    if (e->ipver == 6) {
        inet_ntop(AF_INET6, e->addr, a, sizeof(a));
        snprintf(buf, cap, "[%s]:%u", a, e->port);
    } else {
        inet_ntop(AF_INET, e->addr, a, sizeof(a));
        snprintf(buf, cap, "%s:%u", a, e->port);
    }
    return buf;
}

/* ---- flows -------------------------------------------------------------- */

/* The key of pkt's flow and the packet's direction (0: from a). */
static int
make_key(const struct l4_packet *p, struct flow_key *k)
{
    int c = memcmp(p->src, p->dst, 16);

    memset(k, 0, sizeof(*k));
    k->proto = p->proto;
    k->ipver = p->ipver;
    if (c < 0 || (c == 0 && p->sport <= p->dport)) {
        memcpy(k->a, p->src, 16);
        memcpy(k->b, p->dst, 16);
        k->pa = p->sport;
        k->pb = p->dport;
        return 0;
    }
    memcpy(k->a, p->dst, 16);
    memcpy(k->b, p->src, 16);
    k->pa = p->dport;
    k->pb = p->sport;
    return 1;
}

static uint32_t
bucket_of(const struct tr_table *t, const struct flow_key *k)
{
    return (uint32_t)hash_bytes(k, sizeof(*k)) & (t->n_buckets - 1);
}

/* The pending list: flows with handshake state, least recent first. */
static void
pend_unlink(struct tr_table *t, struct flow *f)
{
    if (f->prev != NIL)
        t->flows[f->prev].next = f->next;
    else
        t->pend_head = f->next;
    if (f->next != NIL)
        t->flows[f->next].prev = f->prev;
    else
        t->pend_tail = f->prev;
    f->prev = f->next = NIL;
}

static void
pend_push(struct tr_table *t, struct flow *f)
{
    uint32_t i = (uint32_t)(f - t->flows);

    f->next = NIL;
    f->prev = t->pend_tail;
    if (t->pend_tail != NIL)
        t->flows[t->pend_tail].next = i;
    else
        t->pend_head = i;
    t->pend_tail = i;
}

/* Marks f as holding handshake state. */
static void
set_pending(struct tr_table *t, struct flow *f)
{
    f->flags |= F_PENDING;
    pend_push(t, f);
}

static size_t
state_memory(const struct flow *f)
{
    switch (f->kind) {
    case K_TCP:
        return f->st.tcp == NULL ? 0
                                 : sizeof(struct tcp_state) +
                                       tcpstream_memory(&f->st.tcp->s[0]) +
                                       tcpstream_memory(&f->st.tcp->s[1]);
    case K_DTLS:
        return f->st.dtls == NULL ? 0
                                  : sizeof(struct dtls_state) +
                                        dtls_asm_memory(f->st.dtls->d[0]) +
                                        dtls_asm_memory(f->st.dtls->d[1]);
    case K_QUIC:
        return f->st.quic == NULL ? 0 : quic_conn_memory(f->st.quic);
    default:
        return 0;
    }
}

/* Frees the handshake state; t->pending is adjusted by the caller's
 * accounting (track_pending). */
static void
free_state(struct tr_table *t, struct flow *f)
{
    size_t m = state_memory(f);

    t->pending -= m < t->pending ? m : t->pending;
    switch (f->kind) {
    case K_TCP:
        if (f->st.tcp != NULL) {
            tcpstream_free(&f->st.tcp->s[0]);
            tcpstream_free(&f->st.tcp->s[1]);
            free(f->st.tcp);
        }
        break;
    case K_DTLS:
        if (f->st.dtls != NULL) {
            dtls_asm_free(f->st.dtls->d[0]);
            dtls_asm_free(f->st.dtls->d[1]);
            free(f->st.dtls);
        }
        break;
    case K_QUIC:
        quic_conn_free(f->st.quic);
        break;
    default:
        break;
    }
    f->st.any = NULL;
    if (f->flags & F_PENDING)
        pend_unlink(t, f);
    f->flags &= (uint8_t)~F_PENDING;
}

static void
endpoint_of(const struct flow_key *k, int side, struct tr_endpoint *e)
{
    e->ipver = k->ipver;
    memcpy(e->addr, side == 0 ? k->a : k->b, 16);
    e->port = side == 0 ? k->pa : k->pb;
}

static uint8_t
flow_proto(const struct flow *f)
{
    return f->kind == K_QUIC ? TR_QUIC : f->kind == K_DTLS ? TR_DTLS : TR_TLS;
}

/* A flow leaves the table (eviction, a new SYN, the end): judge it. */
static void
judge_flow(struct tr_table *t, struct flow *f)
{
    if ((f->flags & (F_PENDING | F_STARTED)) == (F_PENDING | F_STARTED))
        f->flags |= F_INCOMPLETE;
    if (f->session >= 0 || (f->flags & F_HELLO))
        return;
    if (f->flags & F_INCOMPLETE)
        t->st.incomplete++;
    else if (f->flags & F_TRAFFIC) {
        t->st.nohs++;
        if (t->n_nohs < TR_NOHS_LIST_MAX) {
            struct tr_nohs *n = &t->nohs[t->n_nohs++];

            n->protocol = flow_proto(f);
            endpoint_of(&f->key, f->first_dir, &n->a);
            endpoint_of(&f->key, !f->first_dir, &n->b);
            n->first = f->first;
            n->packets = f->packets;
        }
    }
}

static void
flow_remove(struct tr_table *t, uint32_t i)
{
    struct flow *f = &t->flows[i];
    uint32_t *pp = &t->buckets[bucket_of(t, &f->key)];

    judge_flow(t, f);
    free_state(t, f);
    while (*pp != i)
        pp = &t->flows[*pp].hnext;
    *pp = f->hnext;
    f->used = 0;
    f->hnext = t->free_head;
    t->free_head = i;
    t->live--;
}

static int
rehash(struct tr_table *t, uint32_t n_buckets)
{
    uint32_t *b = malloc((size_t)n_buckets * sizeof(*b));

    if (b == NULL)
        return -1;
    for (uint32_t i = 0; i < n_buckets; i++)
        b[i] = NIL;
    free(t->buckets);
    t->buckets = b;
    t->n_buckets = n_buckets;
    for (uint32_t i = 0; i < t->n_flows; i++) {
        uint32_t h;

        if (!t->flows[i].used)
            continue;
        h = bucket_of(t, &t->flows[i].key);
        t->flows[i].hnext = b[h];
        b[h] = i;
    }
    return 0;
}

/* A free slot: from the free list, by growing the pool, or by evicting the
 * least recently seen flow. NIL when out of memory. */
static uint32_t
flow_slot(struct tr_table *t)
{
    uint32_t i;

    if (t->free_head != NIL) {
        i = t->free_head;
        t->free_head = t->flows[i].hnext;
        return i;
    }
    if (t->n_flows == t->cap_flows && t->cap_flows < t->lim.max_flows) {
        size_t cap = t->cap_flows == 0 ? 1024 : (size_t)t->cap_flows * 2;
        struct flow *nf;

        uint32_t nb = t->n_buckets;

        if (cap > t->lim.max_flows)
            cap = t->lim.max_flows;
        nf = realloc(t->flows, cap * sizeof(*nf));
        if (nf == NULL)
            return NIL;
        t->flows = nf;
        t->cap_flows = (uint32_t)cap;
        /* At most one flow per bucket on average (max_flows <= 2^30). */
        while (nb < cap)
            nb *= 2;
        if (nb != t->n_buckets && rehash(t, nb) < 0)
            return NIL;
    }
    if (t->n_flows < t->cap_flows)
        return t->n_flows++;
    /* Full (every slot in use): evict the oldest of a few. */
    i = t->hand % t->n_flows;
    for (uint32_t k = 1; k < PROBE_EVICT; k++) {
        uint32_t j = (t->hand + k) % t->n_flows;

        if (t->flows[j].last < t->flows[i].last)
            i = j;
    }
    t->hand = (t->hand + PROBE_EVICT) % t->n_flows;
    t->st.flows_evicted++;
    flow_remove(t, i);
    t->free_head = t->flows[i].hnext;
    return i;
}

static uint32_t
flow_find(const struct tr_table *t, const struct flow_key *k)
{
    for (uint32_t i = t->buckets[bucket_of(t, k)]; i != NIL;
         i = t->flows[i].hnext)
        if (memcmp(&t->flows[i].key, k, sizeof(*k)) == 0)
            return i;
    return NIL;
}

static uint32_t
flow_new(struct tr_table *t, const struct flow_key *k, int dir,
         const struct tr_where *w)
{
    uint32_t i = flow_slot(t), h;
    struct flow *f;

    if (i == NIL)
        return NIL;
    f = &t->flows[i];
    memset(f, 0, sizeof(*f));
    f->key = *k;
    f->first = *w;
    f->session = -1;
    f->client_dir = -1;
    f->first_dir = (uint8_t)dir;
    f->prev = f->next = NIL;
    f->used = 1;
    h = bucket_of(t, k);
    f->hnext = t->buckets[h];
    t->buckets[h] = i;
    t->live++;
    t->st.flows++;
    return i;
}

/* Keeps handshake memory under the cap: gives up the least recently seen
 * pending handshakes (never the flow f being worked on). */
static void
enforce_pending(struct tr_table *t, uint32_t keep)
{
    uint32_t i = t->pend_head;

    while (t->pending > t->lim.max_pending && i != NIL) {
        uint32_t next = t->flows[i].next;
        struct flow *f = &t->flows[i];

        if (i != keep && (f->flags & F_PENDING)) {
            free_state(t, f);
            if (f->flags & F_STARTED)
                f->flags |= F_INCOMPLETE;
            t->st.pending_dropped++;
        }
        i = next;
    }
}

/* ---- sessions ----------------------------------------------------------- */

static size_t
sidx_slot(const struct tr_table *t, const uint8_t random[32])
{
    return (size_t)hash_bytes(random, 32) & (t->n_sidx - 1);
}

long
tr_table_find(const struct tr_table *t, const uint8_t random[32])
{
    if (t->n_sidx == 0)
        return -1;
    for (size_t s = sidx_slot(t, random);; s = (s + 1) & (t->n_sidx - 1)) {
        uint32_t v = t->sidx[s];

        if (v == 0)
            return -1;
        if (memcmp(t->sess[v - 1].random, random, 32) == 0)
            return (long)(v - 1);
    }
}

static int
sidx_grow(struct tr_table *t)
{
    size_t n = t->n_sidx == 0 ? 1024 : t->n_sidx * 2;
    uint32_t *x = calloc(n, sizeof(*x));

    if (x == NULL)
        return -1;
    free(t->sidx);
    t->sidx = x;
    t->n_sidx = n;
    for (size_t i = 0; i < t->n_sess; i++) {
        size_t s = sidx_slot(t, t->sess[i].random);

        while (x[s] != 0)
            s = (s + 1) & (n - 1);
        x[s] = (uint32_t)(i + 1);
    }
    return 0;
}

static char *
dup_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

/* A complete ClientHello body on flow f (client side cdir). */
static int
add_hello(struct tr_table *t, struct flow *f, int cdir, const uint8_t *body,
          size_t len, bool dtls, uint32_t quic_version)
{
    struct tls_hello h;
    struct tr_session *s;
    long found;

    t->st.hellos++;
    if (tls_hello_parse(TLS_HT_CLIENT_HELLO, body, len, dtls, &h) != 1) {
        t->st.hellos_malformed++;
        return 0;
    }
    f->flags |= F_HELLO;
    found = tr_table_find(t, h.random);
    if (found >= 0) {
        if (f->session < 0)
            f->session = (int32_t)found;
        return 0;
    }
    if (t->n_sess >= INT32_MAX - 1)
        return 0; /* cannot happen before memory runs out */
    if ((t->n_sess + 1) * 4 > t->n_sidx * 3 && sidx_grow(t) < 0)
        return oom(t);
    if (t->n_sess == t->cap_sess) {
        size_t cap = t->cap_sess == 0 ? 64 : t->cap_sess * 2;
        struct tr_session *ns = realloc(t->sess, cap * sizeof(*ns));

        if (ns == NULL)
            return oom(t);
        t->sess = ns;
        t->cap_sess = cap;
    }
    s = &t->sess[t->n_sess];
    memset(s, 0, sizeof(*s));
    memcpy(s->random, h.random, 32);
    s->protocol = f->kind == K_QUIC ? TR_QUIC : dtls ? TR_DTLS : TR_TLS;
    s->offered = h.version;
    s->chosen = f->kind == K_QUIC ? 0x0304 : f->chosen;
    s->quic_version = quic_version;
    endpoint_of(&f->key, cdir, &s->client);
    endpoint_of(&f->key, !cdir, &s->server);
    s->first = f->first;
    s->server_name = dup_or_empty(h.sni);
    s->alpn = dup_or_empty(h.alpn);
    if (s->server_name == NULL || s->alpn == NULL) {
        free(s->server_name);
        free(s->alpn);
        return oom(t);
    }
    {
        size_t slot = sidx_slot(t, s->random);

        while (t->sidx[slot] != 0)
            slot = (slot + 1) & (t->n_sidx - 1);
        t->sidx[slot] = (uint32_t)(t->n_sess + 1);
    }
    f->session = (int32_t)t->n_sess++;
    return 0;
}

/* A ServerHello body seen on flow f. */
static void
add_server_hello(struct tr_table *t, struct flow *f, const uint8_t *body,
                 size_t len, bool dtls)
{
    struct tls_hello h;
    uint16_t v;

    if (tls_hello_parse(TLS_HT_SERVER_HELLO, body, len, dtls, &h) != 1)
        return;
    /* A HelloRetryRequest is TLS 1.3 (RFC 8446 §4.1.4). */
    v = h.hrr ? (dtls ? 0xFEFC : 0x0304) : h.version;
    f->chosen = v;
    if (f->session >= 0)
        t->sess[f->session].chosen = v;
}

/* ---- TCP ---------------------------------------------------------------- */

/* The first bytes of a segment start a handshake record carrying a
 * ClientHello (1) or ServerHello (2): 0 otherwise. */
static int
handshake_start(const uint8_t *p, size_t n)
{
    if (n < 6 || p[0] != 0x16 || p[1] != 0x03 || p[2] > 0x04)
        return 0;
    return p[5] == TLS_HT_CLIENT_HELLO || p[5] == TLS_HT_SERVER_HELLO ? p[5]
                                                                      : 0;
}

static int
tcp_state_new(struct tr_table *t, struct flow *f)
{
    if (f->st.tcp != NULL)
        return 0;
    f->st.tcp = calloc(1, sizeof(*f->st.tcp));
    if (f->st.tcp == NULL)
        return oom(t);
    tcpstream_init(&f->st.tcp->s[f->client_dir], TLS_HT_CLIENT_HELLO);
    tcpstream_init(&f->st.tcp->s[!f->client_dir], TLS_HT_SERVER_HELLO);
    set_pending(t, f);
    t->pending += sizeof(*f->st.tcp);
    return 0;
}

static int
tcp_packet(struct tr_table *t, uint32_t fi, int dir, const struct l4_packet *p)
{
    struct flow *f = &t->flows[fi];
    struct tcpstream *s;
    uint32_t seq = p->seq;
    int hs; /* handshake type the segment's record starts, or 0 */
    size_t before, after, mlen;
    const uint8_t *m;
    enum tcps_state rc;

    if ((p->tcp_flags & 0x02) && f->st.tcp == NULL && f->client_dir < 0) {
        /* SYN (client) or SYN-ACK (server) opens the flow. */
        f->client_dir = (int8_t)((p->tcp_flags & 0x10) ? !dir : dir);
        if (tcp_state_new(t, f) < 0)
            return -1;
    }
    if (p->tcp_flags & 0x02) {
        if (f->st.tcp != NULL)
            tcpstream_syn(&f->st.tcp->s[dir], p->seq);
        /* Data on a SYN (TCP Fast Open) starts at isn + 1. */
        seq = p->seq + 1;
    }
    if (p->len == 0)
        return 0;
    f->flags |= F_DATA;
    hs = handshake_start(p->data, p->len);
    if (f->client_dir < 0) {
        if (hs == 0) {
            if (f->probes < PROBE_MAX) {
                f->probes++;
                if (tls_record_plausible(p->data, p->len))
                    f->flags |= F_TRAFFIC;
            }
            return 0;
        }
        f->client_dir = (int8_t)(hs == TLS_HT_CLIENT_HELLO ? dir : !dir);
        if (tcp_state_new(t, f) < 0)
            return -1;
    }
    if (!(f->flags & F_PENDING) || f->st.tcp == NULL) {
        if (f->session < 0 && f->probes < PROBE_MAX) {
            f->probes++;
            if (tls_record_plausible(p->data, p->len))
                f->flags |= F_TRAFFIC;
        }
        return 0;
    }
    s = &f->st.tcp->s[dir];
    if (s->state != TCPS_WAIT)
        return 0;
    before = tcpstream_memory(s);
    rc = tcpstream_add(s, seq, p->data, p->len);
    after = tcpstream_memory(s);
    t->pending += after;
    t->pending -= before < t->pending ? before : t->pending;
    if (tls_record_plausible(p->data, p->len))
        f->flags |= F_TRAFFIC;
    /* The ClientHello has started when a client segment starts its record
     * (plain TCP traffic, HTTP say, never does). */
    if (dir == f->client_dir && hs == TLS_HT_CLIENT_HELLO)
        f->flags |= F_STARTED;
    if (rc == TCPS_DONE && (m = tcpstream_message(s, &mlen)) != NULL) {
        if (dir == f->client_dir) {
            if (add_hello(t, f, dir, m, mlen, false, 0) < 0)
                return -1;
        } else {
            add_server_hello(t, f, m, mlen, false);
        }
    }
    {
        struct tcpstream *c = &f->st.tcp->s[f->client_dir];
        struct tcpstream *sv = &f->st.tcp->s[!f->client_dir];

        /* Done when the client side is finished and the server side too
         * (or the client side failed: nothing to find then). */
        if (c->state == TCPS_FAILED ||
            (c->state == TCPS_DONE && sv->state != TCPS_WAIT))
            free_state(t, f);
    }
    return 0;
}

/* ---- UDP: QUIC and DTLS ------------------------------------------------- */

/* A datagram that starts with a DTLS 1.0/1.2 record header (RFC 6347
 * §4.1), the form every DTLS handshake starts with. The DTLS 1.3 unified
 * header (first bits 001) is too weak a sign to start a flow on: a quarter
 * of all UDP payloads begin that way. */
static bool
dtls_start(const uint8_t *p, size_t n)
{
    return n >= 13 && (p[0] & 0xe0) != 0x20 && dtls_record_plausible(p, n);
}

/* A datagram whose first record is a plaintext (epoch 0) handshake record
 * starting a ClientHello fragment. */
static bool
dtls_hello_record(const uint8_t *p, size_t n)
{
    return dtls_start(p, n) && p[0] == 22 && p[3] == 0 && p[4] == 0 && n > 13 &&
           p[13] == TLS_HT_CLIENT_HELLO;
}

static int udp_new_state(struct tr_table *t, struct flow *f, int dir,
                         const struct l4_packet *p);

struct dtls_ctx {
    struct tr_table *t;
    struct flow *f;
    int dir;
    int rc;
};

static void
dtls_msg(void *ctx, uint8_t type, const uint8_t *body, size_t len)
{
    struct dtls_ctx *c = ctx;
    struct flow *f = c->f;

    if (type == TLS_HT_CLIENT_HELLO) {
        if (f->client_dir < 0)
            f->client_dir = (int8_t)c->dir;
        if (c->dir == f->client_dir &&
            add_hello(c->t, f, c->dir, body, len, true, 0) < 0)
            c->rc = -1;
    } else if (type == TLS_HT_SERVER_HELLO) {
        if (f->client_dir < 0)
            f->client_dir = (int8_t)!c->dir;
        if (c->dir != f->client_dir)
            add_server_hello(c->t, f, body, len, true);
    }
}

static int
dtls_packet(struct tr_table *t, struct flow *f, int dir,
            const struct l4_packet *p)
{
    struct dtls_ctx c = {t, f, dir, 0};
    size_t before, after;

    if (!(f->flags & F_PENDING)) {
        if (!dtls_hello_record(p->data, p->len)) {
            if (f->session < 0 && dtls_start(p->data, p->len))
                f->flags |= F_TRAFFIC;
            return 0;
        }
        /* A ClientHello after the handshake: a new association on the same
         * ports (or a repeat, which finds its session by random). */
        f->chosen = 0;
        f->session = -1;
        if (udp_new_state(t, f, dir, p) < 0)
            return -1;
    }
    before = state_memory(f);
    if (f->st.dtls->d[dir] == NULL &&
        (f->st.dtls->d[dir] = dtls_asm_new()) == NULL)
        return oom(t);
    if (dtls_datagram(f->st.dtls->d[dir], p->data, p->len, dtls_msg, &c) > 0 &&
        dtls_start(p->data, p->len)) {
        f->flags |= F_TRAFFIC;
        /* A ClientHello fragment (the client is not known before the
         * whole message): a hello has started. */
        if (dtls_hello_record(p->data, p->len) &&
            (f->client_dir < 0 || dir == f->client_dir))
            f->flags |= F_STARTED;
    }
    if (c.rc < 0)
        return -1;
    after = state_memory(f);
    t->pending += after;
    t->pending -= before < t->pending ? before : t->pending;
    /* The ServerHello ends the ClientHello's repeats. */
    if (f->chosen != 0 && f->session >= 0)
        free_state(t, f);
    return 0;
}

/* A datagram from the server side: only Version Negotiation and Retry
 * are of interest (RFC 9000 §17.2.1, §17.2.5; RFC 9369 §3.2 for the v2
 * packet types). */
/* True when the Version Negotiation packet p (RFC 9000 §17.2.1) lists
 * version v among the versions the server supports. */
static bool
vn_lists(const uint8_t *p, size_t n, uint32_t v)
{
    size_t off = 5;

    /* DCID and SCID, each a length byte and up to 255 bytes here. */
    for (int k = 0; k < 2; k++) {
        if (off >= n || p[off] >= n - off)
            return false;
        off += 1 + (size_t)p[off];
    }
    for (; n - off >= 4; off += 4)
        if (((uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
             (uint32_t)p[off + 2] << 8 | p[off + 3]) == v)
            return true;
    return false;
}

/* A datagram from the server side: only Version Negotiation and Retry
 * are of interest (RFC 9000 §17.2.1, §17.2.5; RFC 9369 §3.2 for the v2
 * packet types). */
static void
quic_server_packet(struct tr_table *t, struct flow *f, const uint8_t *p,
                   size_t n)
{
    uint32_t v;

    if (n < 7 || !(p[0] & 0x80))
        return;
    v = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 |
        p[4];
    if (v != 0) {
        f->flags |= F_SRVLONG;
        if ((p[0] & 0x30) == (v == QUIC_V2 || v == QUIC_V2_DRAFT ? 0x00 : 0x30))
            t->st.quic_retry++;
        return;
    }
    t->st.quic_vn++;
    /* The server refused the client's version: the ClientHello sent in it
     * (if complete) is a session that needs no keys, and the client starts
     * again, with a new ClientHello, in this flow. RFC 9000 §6.2: a client
     * ignores a VN after other packets of the server, or one that lists the
     * version it offered; so does this. */
    if ((f->flags & F_SRVLONG) ||
        (f->session >= 0 && vn_lists(p, n, t->sess[f->session].quic_version)))
        return;
    if (f->session >= 0)
        t->sess[f->session].rejected = true;
    f->session = -1;
    free_state(t, f);
    f->flags |= F_VN;
}

static int
quic_packet(struct tr_table *t, struct flow *f, int dir,
            const struct l4_packet *p)
{
    size_t before, after, len;
    const uint8_t *m;
    int r;

    if (f->client_dir >= 0 && dir != f->client_dir)
        quic_server_packet(t, f, p->data, p->len);
    else if ((f->flags & F_VN) && !(f->flags & F_PENDING) &&
             quic_is_client_initial(p->data, p->len)) {
        f->flags &= (uint8_t)~F_VN;
        if (udp_new_state(t, f, dir, p) < 0)
            return -1;
    }
    if (!(f->flags & F_PENDING) || dir != f->client_dir) {
        if (quic_looks_quic(p->data, p->len))
            f->flags |= F_TRAFFIC;
        return 0;
    }
    before = quic_conn_memory(f->st.quic);
    r = quic_client_datagram(f->st.quic, p->data, p->len);
    after = quic_conn_memory(f->st.quic);
    t->pending += after;
    t->pending -= before < t->pending ? before : t->pending;
    if (r & QUIC_SEEN_LONG)
        f->flags |= F_TRAFFIC;
    if (r & QUIC_SEEN_INITIAL)
        f->flags |= F_STARTED;
    if (r & QUIC_BAD)
        t->st.quic_bad++;
    if ((r & QUIC_HELLO_DONE) &&
        (m = quic_client_hello(f->st.quic, &len)) != NULL) {
        uint32_t v = quic_conn_version(f->st.quic);

        if (add_hello(t, f, dir, m, len, false, v) < 0)
            return -1;
        if (f->session >= 0 && t->sess[f->session].rejected) {
            /* The same ClientHello again after Version Negotiation, in a
             * version the server takes. */
            t->sess[f->session].rejected = false;
            t->sess[f->session].quic_version = v;
        }
        free_state(t, f);
    }
    return 0;
}

/* A UDP datagram with no flow yet: start one only for QUIC or DTLS. */
static int
udp_kind(const struct l4_packet *p)
{
    if (quic_is_client_initial(p->data, p->len))
        return K_QUIC;
    if (dtls_start(p->data, p->len))
        return K_DTLS;
    /* Traffic without handshake: a long-header packet of a known QUIC
     * version (the version field makes it a strong sign), or a short
     * header on QUIC's usual port. */
    if (quic_looks_quic(p->data, p->len) &&
        ((p->data[0] & 0x80) || p->sport == 443 || p->dport == 443))
        return K_QUIC;
    return K_NONE;
}

static int
udp_new_state(struct tr_table *t, struct flow *f, int dir,
              const struct l4_packet *p)
{
    if (f->kind == K_QUIC && quic_is_client_initial(p->data, p->len)) {
        if ((t->qc == NULL && (t->qc = quic_crypto_new()) == NULL) ||
            (f->st.quic = quic_conn_new(t->qc)) == NULL)
            return oom(t);
        f->client_dir = (int8_t)dir;
        set_pending(t, f);
        t->pending += quic_conn_memory(f->st.quic);
    } else if (f->kind == K_DTLS) {
        if ((f->st.dtls = calloc(1, sizeof(*f->st.dtls))) == NULL)
            return oom(t);
        set_pending(t, f);
        t->pending += sizeof(*f->st.dtls);
    }
    return 0;
}

/* ---- the table ---------------------------------------------------------- */

struct tr_table *
tr_table_new(const struct tr_limits *lim)
{
    struct tr_table *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->lim.max_flows = lim != NULL && lim->max_flows != 0
                           ? lim->max_flows
                           : TR_MAX_FLOWS_DEFAULT;
    if (t->lim.max_flows > UINT32_MAX / 4)
        t->lim.max_flows = UINT32_MAX / 4;
    t->lim.max_pending = lim != NULL && lim->max_pending != 0
                             ? lim->max_pending
                             : TR_MAX_PENDING_DEFAULT;
    t->free_head = t->pend_head = t->pend_tail = NIL;
    t->pd = pkt_decoder_new(NULL);
    if (t->pd == NULL || rehash(t, 1024) < 0) {
        tr_table_free(t);
        return NULL;
    }
    return t;
}

void
tr_table_free(struct tr_table *t)
{
    if (t == NULL)
        return;
    for (uint32_t i = 0; i < t->n_flows; i++)
        if (t->flows[i].used)
            free_state(t, &t->flows[i]);
    for (size_t i = 0; i < t->n_sess; i++) {
        free(t->sess[i].server_name);
        free(t->sess[i].alpn);
    }
    pkt_decoder_free(t->pd);
    quic_crypto_free(t->qc); /* after every connection */
    free(t->flows);
    free(t->buckets);
    free(t->sess);
    free(t->sidx);
    free(t);
}

int
tr_table_frame(struct tr_table *t, uint32_t linktype, const uint8_t *data,
               size_t caplen, const struct tr_where *w, struct sc_err *err)
{
    struct l4_packet p;
    struct flow_key k;
    struct flow *f;
    uint64_t now = 0;
    uint32_t fi;
    int dir, rc = 0;

    if (t->oom)
        return sc_err_set(err, SC_ERR_IO, "out of memory (session table)");
    t->err = err;
    if (w->ts.set && w->ts.sec > 0)
        now = (uint64_t)w->ts.sec * 1000000000u + w->ts.atto / 1000000000u;
    if (pkt_decode(t->pd, linktype, data, caplen, now, &p) != 1)
        return 0;
    dir = make_key(&p, &k);
    fi = flow_find(t, &k);
    if (fi != NIL && p.proto == 6 && (p.tcp_flags & 0x12) == 0x02 &&
        (t->flows[fi].flags & F_DATA)) {
        /* A new SYN on a known tuple: a new connection. */
        flow_remove(t, fi);
        fi = NIL;
    }
    if (fi == NIL) {
        int kind = K_TCP;

        if (p.proto == 17 && (kind = udp_kind(&p)) == K_NONE)
            return 0;
        if (p.proto == 6 && p.len == 0 && !(p.tcp_flags & 0x02))
            return 0; /* a bare ACK of a flow not seen: nothing to learn */
        if ((fi = flow_new(t, &k, dir, w)) == NIL)
            return oom(t);
        f = &t->flows[fi];
        f->kind = (uint8_t)kind;
        if (p.proto == 17 && udp_new_state(t, f, dir, &p) < 0)
            return -1;
    }
    f = &t->flows[fi];
    f->last = ++t->clock;
    if (f->flags & F_PENDING) {
        pend_unlink(t, f);
        pend_push(t, f);
    }
    f->packets++;
    switch (f->kind) {
    case K_TCP:
        rc = tcp_packet(t, fi, dir, &p);
        break;
    case K_QUIC:
        rc = quic_packet(t, f, dir, &p);
        break;
    case K_DTLS:
        rc = dtls_packet(t, f, dir, &p);
        break;
    default:
        break;
    }
    if (rc == 0 && t->pending > t->lim.max_pending)
        enforce_pending(t, fi);
    return rc;
}

void
tr_table_finish(struct tr_table *t)
{
    if (t->finished)
        return;
    t->finished = true;
    for (uint32_t i = 0; i < t->n_flows; i++) {
        struct flow *f = &t->flows[i];

        if (!f->used)
            continue;
        judge_flow(t, f);
        free_state(t, f);
    }
    t->st.pkt = *pkt_decoder_stats(t->pd);
}

const struct tr_session *
tr_table_sessions(const struct tr_table *t, size_t *n)
{
    *n = t->n_sess;
    return t->sess;
}

const struct tr_nohs *
tr_table_nohs(const struct tr_table *t, size_t *n)
{
    *n = t->n_nohs;
    return t->nohs;
}

const struct tr_stats *
tr_table_stats(const struct tr_table *t)
{
    return &t->st;
}
