/*
 * keylog_stats.c - per-line statistics of a key log (see keylog_stats.h).
 *
 * Two open-addressing hash sets with linear probing: one entry per client
 * random (which labels it has, where it was first seen) and one per
 * (label, client random) pair (a hash of its secret, where it was first
 * seen). Client randoms are stored decoded (32 bytes); labels and secrets
 * are kept as 64-bit hashes, secrets hashed in lower case since hex may be
 * in either case (RFC 9850 §3). Lines reach us already validated by
 * keylog.c, so the three fields are there, separated by single spaces.
 */
#include "keylog_stats.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "secrets.h"

#define KLS_TABLE_MIN ((size_t)256)
#define KLS_TABLE_MAX (SIZE_MAX / 4 / sizeof(struct kls_entry))

/* Label bits of a session. The first KLS_TLS13_NEEDED are the needed TLS
 * 1.3 secrets, in the order of kls_tls13_name(). */
#define BIT_TLS13_OTHER (1u << 4)
#define BIT_TLS12 (1u << 5)
#define BIT_OTHER (1u << 6)
#define NEEDED_MASK ((1u << KLS_TLS13_NEEDED) - 1)

static const char *const tls13_needed[KLS_TLS13_NEEDED] = {
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"};

static const char *const tls13_other[] = {
    "EXPORTER_SECRET", "CLIENT_EARLY_TRAFFIC_SECRET", "EARLY_EXPORTER_SECRET"};

struct kls_entry {
    bool used;
    uint64_t h;
    uint8_t random[32];
    uint64_t label_hash; /* 0 in the session set */
    uint64_t secret_hash;
    unsigned have; /* session set: label bits */
    uint64_t seq;  /* session set: order of first appearance */
    const char *name;
    uint64_t line;
};

struct kls_set {
    struct kls_entry *e;
    size_t cap, count;
};

struct kls_table {
    struct kls_set sessions, pairs;
    uint64_t next_seq;
};

const char *
kls_tls13_name(unsigned i)
{
    assert(i < KLS_TLS13_NEEDED);
    return tls13_needed[i];
}

static uint8_t
lower(uint8_t b)
{
    return b >= 'A' && b <= 'Z' ? (uint8_t)(b + ('a' - 'A')) : b;
}

static uint64_t
hash_bytes(uint64_t h, const uint8_t *s, size_t n, bool fold)
{
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= fold ? lower(s[i]) : s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static uint64_t
mix(uint64_t h)
{
    h ^= h >> 32;
    h *= UINT64_C(0x9e3779b97f4a7c15);
    h ^= h >> 29;
    return h;
}

#define FNV_BASIS UINT64_C(14695981039346656037)

static int
hexval(uint8_t c)
{
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Finds the entry for (random, label_hash); NULL if absent. */
static struct kls_entry *
set_find(const struct kls_set *t, uint64_t h, const uint8_t *random,
         uint64_t label_hash)
{
    size_t mask, i;

    if (t->cap == 0)
        return NULL;
    mask = t->cap - 1;
    for (i = (size_t)h & mask; t->e[i].used; i = (i + 1) & mask) {
        if (t->e[i].h == h && t->e[i].label_hash == label_hash &&
            memcmp(t->e[i].random, random, 32) == 0)
            return &t->e[i];
    }
    return NULL;
}

static struct kls_entry *
set_slot(struct kls_set *t, uint64_t h)
{
    size_t mask = t->cap - 1, i;

    for (i = (size_t)h & mask; t->e[i].used; i = (i + 1) & mask)
        ;
    return &t->e[i];
}

/* Room for one more entry (at most 3/4 full). 0 or -1. */
static int
set_reserve(struct kls_set *t)
{
    struct kls_set n;
    size_t i;

    if (t->cap != 0 && t->count + 1 <= t->cap / 4 * 3)
        return 0;
    if (t->cap > KLS_TABLE_MAX / 2)
        return -1;
    n.cap = t->cap != 0 ? t->cap * 2 : KLS_TABLE_MIN;
    n.count = t->count;
    n.e = calloc(n.cap, sizeof(*n.e));
    if (n.e == NULL)
        return -1;
    for (i = 0; i < t->cap; i++) {
        if (t->e[i].used)
            *set_slot(&n, t->e[i].h) = t->e[i];
    }
    free(t->e);
    *t = n;
    return 0;
}

static struct kls_entry *
set_add(struct kls_set *t, uint64_t h, const uint8_t *random,
        uint64_t label_hash)
{
    struct kls_entry *e;

    if (set_reserve(t) != 0)
        return NULL;
    e = set_slot(t, h);
    memset(e, 0, sizeof(*e));
    e->used = true;
    e->h = h;
    memcpy(e->random, random, 32);
    e->label_hash = label_hash;
    t->count++;
    return e;
}

void
keylog_stats_init(struct keylog_stats *s, uint32_t type)
{
    memset(s, 0, sizeof(*s));
    s->type = type;
}

void
keylog_stats_free(struct keylog_stats *s)
{
    if (s->t != NULL) {
        free(s->t->sessions.e);
        free(s->t->pairs.e);
        free(s->t);
    }
    free(s->problems);
    keylog_stats_init(s, s->type);
}

static void
copy_label(char *dst, const uint8_t *p, size_t n)
{
    size_t m = n > KLS_LABEL_SHOW ? KLS_LABEL_SHOW : n;

    memcpy(dst, p, m);
    strcpy(dst + m, n > m ? "..." : "");
}

static struct kls_problem *
add_problem(struct keylog_stats *s, enum kls_kind kind, const char *name,
            uint64_t line)
{
    struct kls_problem *p;
    size_t ncap;

    if (s->n_problems == KLS_MAX_PROBLEMS) {
        s->problems_dropped++;
        return NULL;
    }
    if (s->n_problems == s->cap_problems) {
        ncap = s->cap_problems == 0 ? 16 : s->cap_problems * 2;
        if (ncap > KLS_MAX_PROBLEMS)
            ncap = KLS_MAX_PROBLEMS;
        p = realloc(s->problems, ncap * sizeof(*p));
        if (p == NULL) {
            s->oom = true;
            return NULL;
        }
        s->problems = p;
        s->cap_problems = ncap;
    }
    p = &s->problems[s->n_problems++];
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    p->name = name;
    p->line = line;
    return p;
}

static void
count_label(struct keylog_stats *s, const uint8_t *p, size_t n)
{
    uint64_t h = mix(hash_bytes(FNV_BASIS, p, n, false));
    size_t i;

    for (i = 0; i < s->n_labels; i++) {
        if (s->labels[i].hash == h) {
            s->labels[i].count++;
            return;
        }
    }
    if (s->n_labels == KLS_MAX_LABELS) {
        s->other_label_lines++;
        return;
    }
    copy_label(s->labels[i].name, p, n);
    s->labels[i].hash = h;
    s->labels[i].count = 1;
    s->n_labels++;
}

static unsigned
label_bit(const uint8_t *p, size_t n)
{
    size_t i;

    if (n == 13 && memcmp(p, "CLIENT_RANDOM", 13) == 0)
        return BIT_TLS12;
    for (i = 0; i < KLS_TLS13_NEEDED; i++) {
        if (n == strlen(tls13_needed[i]) && memcmp(p, tls13_needed[i], n) == 0)
            return 1u << i;
    }
    for (i = 0; i < sizeof(tls13_other) / sizeof(tls13_other[0]); i++) {
        if (n == strlen(tls13_other[i]) && memcmp(p, tls13_other[i], n) == 0)
            return BIT_TLS13_OTHER;
    }
    return BIT_OTHER;
}

/* A TLS line with a 64-hex client random. */
static void
tls_line(struct keylog_stats *s, const char *name, uint64_t lineno,
         const uint8_t *label, size_t llen, const uint8_t *hex,
         const uint8_t *secret, size_t slen)
{
    uint8_t random[32];
    uint64_t hr, hl, hs, hp;
    struct kls_entry *e;
    struct kls_problem *p;
    size_t i;

    if (s->oom)
        return;
    if (s->t == NULL && (s->t = calloc(1, sizeof(*s->t))) == NULL) {
        s->oom = true;
        return;
    }
    for (i = 0; i < 32; i++)
        random[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    hr = mix(hash_bytes(FNV_BASIS, random, 32, false));
    hl = mix(hash_bytes(FNV_BASIS, label, llen, false)) | 1; /* never 0 */
    hs = hash_bytes(FNV_BASIS, secret, slen, true);
    hp = mix(hr ^ hl);

    e = set_find(&s->t->sessions, hr, random, 0);
    if (e == NULL) {
        e = set_add(&s->t->sessions, hr, random, 0);
        if (e == NULL) {
            s->oom = true;
            return;
        }
        e->name = name;
        e->line = lineno;
        e->seq = s->t->next_seq++;
    }
    e->have |= label_bit(label, llen);

    e = set_find(&s->t->pairs, hp, random, hl);
    if (e == NULL) {
        e = set_add(&s->t->pairs, hp, random, hl);
        if (e == NULL) {
            s->oom = true;
            return;
        }
        e->secret_hash = hs;
        e->name = name;
        e->line = lineno;
        return;
    }
    if (e->secret_hash == hs) {
        s->duplicates++;
        p = add_problem(s, KLS_DUPLICATE, name, lineno);
    } else {
        s->conflicts++;
        p = add_problem(s, KLS_CONFLICT, name, lineno);
    }
    if (p != NULL) {
        p->first_name = e->name;
        p->first_line = e->line;
        copy_label(p->label, label, llen);
    }
}

void
keylog_stats_line(void *ctx, const char *name, uint64_t lineno,
                  const uint8_t *line, size_t len, bool dup)
{
    struct keylog_stats *s = ctx;
    const uint8_t *sp1, *sp2, *f2;
    size_t n2;

    s->lines++;
    if (dup)
        s->exact_dups++;
    if (s->type == SECRETS_WG) {
        sp1 = line;
        while (sp1 < line + len && *sp1 != ' ' && *sp1 != '=')
            sp1++;
        count_label(s, line, (size_t)(sp1 - line));
        return;
    }
    if (s->type != SECRETS_TLS && s->type != SECRETS_SSH)
        return;
    sp1 = memchr(line, ' ', len);
    if (sp1 == NULL)
        return;
    f2 = sp1 + 1;
    sp2 = memchr(f2, ' ', len - (size_t)(f2 - line));
    if (sp2 == NULL)
        return;
    n2 = (size_t)(sp2 - f2);
    if (s->type == SECRETS_SSH) {
        count_label(s, f2, n2);
        return;
    }
    count_label(s, line, (size_t)(sp1 - line));
    if (n2 == 64)
        tls_line(s, name, lineno, line, (size_t)(sp1 - line), f2, sp2 + 1,
                 len - (size_t)(sp2 + 1 - line));
}

static int
by_seq(const void *a, const void *b)
{
    const struct kls_entry *x = *(const struct kls_entry *const *)a;
    const struct kls_entry *y = *(const struct kls_entry *const *)b;

    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
keylog_stats_finish(struct keylog_stats *s, struct sc_err *err)
{
    struct kls_set *t;
    struct kls_entry **inc = NULL;
    struct kls_problem *p;
    size_t i, n = 0;

    s->client_randoms = s->tls12 = s->tls13_complete = 0;
    s->tls13_incomplete = s->other_sessions = 0;
    if (s->t != NULL && !s->oom) {
        t = &s->t->sessions;
        s->client_randoms = t->count;
        inc = calloc(t->count + 1, sizeof(*inc));
        if (inc == NULL)
            s->oom = true;
        for (i = 0; inc != NULL && i < t->cap; i++) {
            const struct kls_entry *e = &t->e[i];

            if (!e->used)
                continue;
            if (e->have & BIT_TLS12)
                s->tls12++;
            else if ((e->have & NEEDED_MASK) == NEEDED_MASK)
                s->tls13_complete++;
            else if (e->have & (NEEDED_MASK | BIT_TLS13_OTHER))
                inc[n++] = &t->e[i];
            else
                s->other_sessions++;
        }
        s->tls13_incomplete = n;
        if (n > 0)
            qsort(inc, n, sizeof(*inc), by_seq);
        for (i = 0; i < n; i++) {
            p = add_problem(s, KLS_INCOMPLETE, inc[i]->name, inc[i]->line);
            if (p != NULL)
                p->missing = ~inc[i]->have & NEEDED_MASK;
        }
        free(inc);
    }
    if (s->oom)
        return sc_err_set(err, SC_ERR_IO, "out of memory (key-log statistics)");
    return 0;
}
