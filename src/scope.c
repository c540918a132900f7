/*
 * scope.c - the session pass (scope.h): the capture through the session
 * table, key logs judged and filtered against its sessions.
 *
 * The capture is read with the same validating readers as inject (pcap.h,
 * pcapng.h), so a capture-format error is reported with the same message
 * and offset. Per pcapng section the interfaces' link type, if_tsresol and
 * if_tsoffset are kept to decode and time each packet. Key logs are read
 * back in chunks that end on line boundaries (keylog_next_chunk), so a
 * spooled multi-GB key log costs one buffer.
 */
#include "scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "capinfo.h"
#include "pcap.h"
#include "pcapng.h"
#include "pipeline.h"
#include "secrets.h"

#define CHUNK_MAX ((size_t)1 << 20) /* >= KEYLOG_MAX_LINE + 1 */

static const char *const label_names[SL_COUNT] = {
    "CLIENT_RANDOM",
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
    "EARLY_EXPORTER_SECRET",
};

#define BIT(x) ((uint16_t)(1u << (x)))
#define NEED_TLS12 BIT(SL_CLIENT_RANDOM)
#define NEED_TLS13                                                             \
    (BIT(SL_CLIENT_HANDSHAKE_TRAFFIC_SECRET) |                                 \
     BIT(SL_SERVER_HANDSHAKE_TRAFFIC_SECRET) |                                 \
     BIT(SL_CLIENT_TRAFFIC_SECRET_0) | BIT(SL_SERVER_TRAFFIC_SECRET_0))

const char *
scope_label_name(unsigned bit)
{
    return bit < SL_COUNT ? label_names[bit] : "?";
}

const char *
scope_random_hex(const uint8_t random[32], char buf[65])
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < 32; i++) {
        buf[2 * i] = digits[random[i] >> 4];
        buf[2 * i + 1] = digits[random[i] & 15];
    }
    buf[64] = '\0';
    return buf;
}

const char *
scope_keys_name(enum scope_keys k)
{
    switch (k) {
    case SCOPE_KEYS_COMPLETE:
        return "complete";
    case SCOPE_KEYS_PARTIAL:
        return "partial";
    default:
        return "none";
    }
}

/* ---- the capture pass --------------------------------------------------- */

struct iface {
    uint32_t linktype;
    uint8_t tsresol;
    int64_t tsoffset;
};

struct scan {
    struct scope *sc;
    struct input *in;
    const struct scope_opts *o;
    struct iface *ifaces; /* the current section's */
    uint32_t n_ifaces, cap_ifaces;
    uint64_t section;
    uint64_t next_progress;
};

static void
progress(struct scan *s)
{
    uint64_t off = reader_offset(s->in->rd);

    if (s->o != NULL && s->o->progress != NULL && off >= s->next_progress) {
        s->o->progress(s->o->progress_ctx, off);
        s->next_progress = off + PIPELINE_PROGRESS_STEP;
    }
}

static int
frame(struct scan *s, uint32_t linktype, const uint8_t *p, size_t n,
      uint32_t iface, const struct capinfo_ts *ts, struct sc_err *err)
{
    struct tr_where w = {s->section, iface, ++s->sc->packets, *ts};

    return tr_table_frame(s->sc->table, linktype, p, n, &w, err);
}

static int
add_idb(struct scan *s, const struct pcapng_block *b, struct sc_err *err)
{
    struct iface *f;

    if (s->n_ifaces == s->cap_ifaces) {
        size_t cap = s->cap_ifaces == 0 ? 4 : (size_t)s->cap_ifaces * 2;
        struct iface *n = realloc(s->ifaces, cap * sizeof(*n));

        if (n == NULL)
            return sc_err_set(err, SC_ERR_IO, "out of memory");
        s->ifaces = n;
        s->cap_ifaces = (uint32_t)cap;
    }
    f = &s->ifaces[s->n_ifaces++];
    f->linktype = bo_get16(b->order, b->data + 8);
    capinfo_idb_time(b, &f->tsresol, &f->tsoffset);
    return 0;
}

/* An EPB, PB or SPB (validated by the reader: the captured data lies in
 * the block, the interface exists). */
static int
packet_block(struct scan *s, const struct pcapng_block *b, struct sc_err *err)
{
    struct capinfo_ts ts = {0};
    const struct iface *f;
    uint32_t id = 0, caplen;
    const uint8_t *data;

    if (b->type == PCAPNG_BT_SPB) {
        /* Captured length: the block body (the original length bounded by
         * the snaplen is all that can be there). */
        uint32_t orig = bo_get32(b->order, b->data + 8);
        uint32_t body = b->len - 16;

        caplen = orig < body ? orig : body;
        data = b->data + 12;
    } else {
        id = b->type == PCAPNG_BT_EPB ? bo_get32(b->order, b->data + 8)
                                      : bo_get16(b->order, b->data + 8);
        caplen = bo_get32(b->order, b->data + 20);
        data = b->data + 28;
    }
    if (id >= s->n_ifaces) {
        s->sc->packets++; /* numbered all the same */
        return 0; /* the reader checks this; an SPB before any IDB too */
    }
    f = &s->ifaces[id];
    if (b->type != PCAPNG_BT_SPB)
        capinfo_ts_from_units((uint64_t)bo_get32(b->order, b->data + 12) << 32 |
                                  bo_get32(b->order, b->data + 16),
                              f->tsresol, f->tsoffset, &ts);
    return frame(s, f->linktype, data, caplen, id, &ts, err);
}

static void
add_dsb(struct scan *s, const struct pcapng_block *b)
{
    struct keylog_opts ko = {0};
    struct pcapng_dsb d;
    struct sc_err ignored;
    char name[64];

    pcapng_dsb_fields(b, &d);
    if (d.secrets_type != SECRETS_TLS || d.secrets_len == 0)
        return;
    snprintf(name, sizeof(name), "DSB at offset %llu",
             (unsigned long long)b->offset);
    /* A DSB that is no key log adds nothing (and `info` reports it). */
    (void)keylog_add_mem(&s->sc->embedded, name, d.secrets, d.secrets_len, &ko,
                         NULL, &ignored);
}

static int
scan_pcapng(struct scan *s, struct sc_err *err)
{
    struct pcapng_reader pr;
    struct pcapng_block b;
    int rc;

    pcapng_init(&pr, s->in->rd);
    while ((rc = pcapng_next(&pr, &b, err)) == 1) {
        switch (b.type) {
        case PCAPNG_BT_SHB:
            s->section = b.section;
            s->n_ifaces = 0;
            break;
        case PCAPNG_BT_IDB:
            rc = add_idb(s, &b, err);
            break;
        case PCAPNG_BT_EPB:
        case PCAPNG_BT_PB:
        case PCAPNG_BT_SPB:
            rc = packet_block(s, &b, err);
            break;
        case PCAPNG_BT_DSB:
            if (s->o == NULL || !s->o->ignore_dsbs)
                add_dsb(s, &b);
            break;
        default:
            break;
        }
        if (rc < 0)
            break;
        progress(s);
    }
    pcapng_free(&pr);
    return rc < 0 ? -1 : 0;
}

static int
scan_pcap(struct scan *s, struct sc_err *err)
{
    struct pcap_reader pr = {0};
    struct pcap_record rec = {0};
    struct capinfo_ts ts = {0};
    uint32_t div;
    int rc;

    if (pcap_open(&pr, s->in->rd, s->in->name, err) < 0)
        return -1;
    pcap_allow_record(&pr, s->in->max_record);
    s->section = 1;
    div = pr.hdr.nsec ? 1000000000u : 1000000u;
    ts.set = true;
    ts.digits = pr.hdr.nsec ? 9 : 6;
    while ((rc = pcap_next(&pr, &rec, err)) == 1) {
        ts.sec = (int64_t)rec.ts_sec + rec.ts_frac / div;
        ts.atto = (uint64_t)(rec.ts_frac % div) *
                  (UINT64_C(1000000000000000000) / div);
        if (frame(s, pr.hdr.linktype, rec.data, rec.caplen, 0, &ts, err) < 0)
            return -1;
        progress(s);
    }
    return rc < 0 ? -1 : 0;
}

int
scope_scan(struct scope *sc, struct input *in, const struct scope_opts *o,
           struct sc_err *err)
{
    struct scan s = {sc, in, o, NULL, 0, 0, 0, 0};
    int rc;

    memset(sc, 0, sizeof(*sc));
    keylog_init(&sc->embedded, SECRETS_TLS);
    sc->format = in->format;
    sc->compression = in->compression;
    sc->table = tr_table_new(o != NULL ? &o->limits : NULL);
    if (sc->table == NULL)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    rc = in->format == FMT_PCAP ? scan_pcap(&s, err) : scan_pcapng(&s, err);
    if (rc < 0 && o != NULL && o->salvage && err->kind == SC_ERR_DATA &&
        err->cut && s.section > 0) {
        rc = 0; /* every complete block was scanned */
        sc_err_clear(err);
    }
    tr_table_finish(sc->table);
    sc->bytes = reader_offset(in->rd);
    if (o != NULL && o->progress != NULL)
        o->progress(o->progress_ctx, sc->bytes);
    free(s.ifaces);
    return input_finish(in, rc, err);
}

void
scope_free(struct scope *sc)
{
    tr_table_free(sc->table);
    keylog_free(&sc->embedded);
    free(sc->judge);
    memset(sc, 0, sizeof(*sc));
}

/* ---- key-log lines ------------------------------------------------------ */

struct line {
    const uint8_t *label;
    size_t label_len;
    bool legacy;        /* RSA ...: no client random */
    uint8_t random[32]; /* when !legacy */
};

static int
hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Splits a normalised TLS key-log line (keylog.c validated it). 1 with *l
 * filled, 0 for a line that is not "LABEL SP RANDOM SP SECRET". */
static int
parse_line(const uint8_t *p, size_t n, struct line *l)
{
    const uint8_t *sp = memchr(p, ' ', n);
    const uint8_t *r;

    l->legacy = false;
    if (sp == NULL)
        return 0;
    l->label = p;
    l->label_len = (size_t)(sp - p);
    l->legacy = l->label_len == 3 && memcmp(p, "RSA", 3) == 0;
    if (l->legacy)
        return 1;
    r = sp + 1;
    if (n - (size_t)(r - p) < 65 || r[64] != ' ')
        return 0;
    for (size_t i = 0; i < 32; i++) {
        int hi = hexval(r[2 * i]), lo = hexval(r[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return 0;
        l->random[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

static int
label_bit(const struct line *l)
{
    for (unsigned i = 0; i < SL_COUNT; i++)
        if (strlen(label_names[i]) == l->label_len &&
            memcmp(label_names[i], l->label, l->label_len) == 0)
            return (int)i;
    return -1;
}

typedef int (*line_fn)(void *ctx, const uint8_t *p, size_t n);

/* Calls fn for every line of k (without its LF), and chunk_end (may be
 * NULL) after the lines of each chunk of at most CHUNK_MAX bytes. */
static int
each_line(const struct keylog *k, line_fn fn, int (*chunk_end)(void *ctx),
          void *ctx, struct sc_err *err)
{
    uint64_t pos = 0;
    uint8_t *buf;
    size_t n;
    int rc = 0;

    if (keylog_len(k) == 0)
        return 0;
    if ((buf = malloc(CHUNK_MAX)) == NULL)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    for (;;) {
        uint64_t at = pos;
        size_t i = 0;

        if ((rc = keylog_next_chunk(k, &pos, CHUNK_MAX, &n, err)) < 0 || n == 0)
            break;
        if ((rc = keylog_read(k, at, buf, n, err)) < 0)
            break;
        while (i < n && rc == 0) {
            uint8_t *nl = memchr(buf + i, '\n', n - i);
            size_t len = nl != NULL ? (size_t)(nl - (buf + i)) : n - i;

            rc = fn(ctx, buf + i, len);
            i += len + 1;
        }
        if (rc == 0 && chunk_end != NULL)
            rc = chunk_end(ctx);
        if (rc < 0)
            break;
    }
    free(buf);
    return rc;
}

/* ---- judging ------------------------------------------------------------ */

struct judge_ctx {
    struct scope *sc;
    bool count_unmatched; /* a -k key log, not the capture's own DSBs */
};

static void
count_label(struct scope *sc, const struct line *l)
{
    size_t n = l->label_len < 63 ? l->label_len : 63;
    size_t i;

    for (i = 0; i < sc->n_labels; i++)
        if (strlen(sc->labels[i].name) == n &&
            memcmp(sc->labels[i].name, l->label, n) == 0)
            break;
    if (i == sc->n_labels) {
        if (sc->n_labels == SCOPE_MAX_LABELS) {
            i = SCOPE_MAX_LABELS; /* the rest, unnamed */
        } else {
            memcpy(sc->labels[i].name, l->label, n);
            sc->labels[i].name[n] = '\0';
            sc->n_labels++;
        }
    }
    sc->labels[i].lines++;
}

static int
judge_line(void *ctx, const uint8_t *p, size_t n)
{
    struct judge_ctx *c = ctx;
    struct line l;
    long idx;
    int bit;

    if (parse_line(p, n, &l) != 1)
        return 0;
    if (l.legacy) {
        if (c->count_unmatched)
            c->sc->legacy++;
        return 0;
    }
    idx = tr_table_find(c->sc->table, l.random);
    if (idx < 0) {
        if (c->count_unmatched) {
            c->sc->unmatched++;
            count_label(c->sc, &l);
        }
        return 0;
    }
    if ((bit = label_bit(&l)) >= 0)
        c->sc->judge[idx].have |= BIT(bit);
    else
        c->sc->judge[idx].have |= BIT(SL_COUNT); /* a label of its own */
    return 0;
}

static bool
is_tls13(uint16_t v)
{
    return v == 0x0304 || v == 0xFEFC;
}

static void
judge_session(const struct tr_session *s, struct scope_judgement *j)
{
    uint16_t need, have = j->have & (BIT(SL_COUNT) - 1);

    if (s->protocol == TR_QUIC || is_tls13(s->chosen))
        need = NEED_TLS13;
    else if (s->chosen != 0 || !is_tls13(s->offered))
        need = NEED_TLS12;
    else /* 1.3 offered, the choice unknown: either set will do */
        need = (have & NEED_TLS12) ? NEED_TLS12 : NEED_TLS13;
    j->missing = s->rejected ? 0 : need & ~have;
    if (s->rejected) { /* refused by Version Negotiation: no keys needed */
        j->keys = j->have != 0 ? SCOPE_KEYS_PARTIAL : SCOPE_KEYS_NONE;
        return;
    }
    j->keys = j->missing == 0 ? SCOPE_KEYS_COMPLETE
              : j->have != 0  ? SCOPE_KEYS_PARTIAL
                              : SCOPE_KEYS_NONE;
}

int
scope_judge(struct scope *sc, const struct keylog *const *logs, size_t n,
            struct sc_err *err)
{
    const struct tr_session *s;
    size_t ns;

    s = tr_table_sessions(sc->table, &ns);
    free(sc->judge);
    sc->judge = calloc(ns != 0 ? ns : 1, sizeof(*sc->judge));
    if (sc->judge == NULL)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    sc->n_labels = 0;
    memset(sc->labels, 0, sizeof(sc->labels));
    sc->unmatched = sc->legacy = 0;
    for (size_t i = 0; i < n; i++) {
        struct judge_ctx c = {sc, true};

        if (logs[i]->type == SECRETS_TLS &&
            each_line(logs[i], judge_line, NULL, &c, err) < 0)
            return -1;
    }
    {
        struct judge_ctx c = {sc, false};

        if (each_line(&sc->embedded, judge_line, NULL, &c, err) < 0)
            return -1;
    }
    sc->n_complete = sc->n_partial = sc->n_none = sc->n_rejected = 0;
    for (size_t i = 0; i < ns; i++) {
        judge_session(&s[i], &sc->judge[i]);
        if (s[i].rejected)
            sc->n_rejected++;
        else if (sc->judge[i].keys == SCOPE_KEYS_COMPLETE)
            sc->n_complete++;
        else if (sc->judge[i].keys == SCOPE_KEYS_PARTIAL)
            sc->n_partial++;
        else
            sc->n_none++;
    }
    return 0;
}

/* ---- filtering ---------------------------------------------------------- */

struct filter_ctx {
    const struct scope *sc;
    struct scope_filter_stats *st;
    struct keylog *out;
    struct sc_err *err;
    uint8_t *buf; /* kept lines of the current chunk (<= CHUNK_MAX) */
    size_t len;
};

static int
filter_line(void *ctx, const uint8_t *p, size_t n)
{
    struct filter_ctx *c = ctx;
    struct line l;

    if (parse_line(p, n, &l) != 1 || l.legacy) {
        c->st->dropped_legacy += l.legacy;
        c->st->dropped += !l.legacy;
        return 0;
    }
    if (tr_table_find(c->sc->table, l.random) < 0) {
        c->st->dropped++;
        return 0;
    }
    /* The lines of one chunk, LF included, add up to the chunk at most. */
    memcpy(c->buf + c->len, p, n);
    c->buf[c->len + n] = '\n';
    c->len += n + 1;
    c->st->kept++;
    return 0;
}

static int
filter_chunk_end(void *ctx)
{
    struct filter_ctx *c = ctx;
    struct keylog_opts ko = {0};
    size_t n = c->len;

    c->len = 0;
    if (n == 0)
        return 0;
    return keylog_add_mem(c->out, "key log (scope capture)", c->buf, n, &ko,
                          NULL, c->err);
}

int
scope_filter(const struct scope *sc, const struct keylog *in,
             struct keylog *out, struct scope_filter_stats *st,
             struct sc_err *err)
{
    struct filter_ctx c = {sc, st, out, err, NULL, 0};
    int rc;

    keylog_init(out, in->type);
    if (keylog_len(in) == 0)
        return 0;
    if ((c.buf = malloc(CHUNK_MAX + 1)) == NULL)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    rc = each_line(in, filter_line, filter_chunk_end, &c, err);
    free(c.buf);
    if (rc < 0)
        keylog_free(out);
    return rc;
}
