/*
 * capinfo.c - scanning a capture for `info` (see capinfo.h).
 *
 * pcapng: every block comes from pcapng_next(), validated; SHBs open a
 * section, IDBs add an interface (if_name, if_tsresol, if_tsoffset read
 * with the option iterator), EPB/PB timestamps are converted with their
 * interface's resolution and offset (pcapng draft §4.6: "the timestamp is
 * ... in units of if_tsresol ... plus if_tsoffset seconds"), DSBs are
 * analysed (analyse_dsb). pcap: one pseudo-section with one interface.
 */
#include "capinfo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "keylog.h"
#include "keylog_stats.h"
#include "pcap.h"
#include "pcapng.h"
#include "secrets.h"

#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define ATTO UINT64_C(1000000000000000000)

static uint64_t
pow10u(unsigned n)
{
    uint64_t v = 1;

    while (n-- > 0)
        v *= 10;
    return v;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
    int64_t r;

    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

void
capinfo_ts_from_units(uint64_t units, uint8_t tsresol, int64_t tsoffset,
                      struct capinfo_ts *t)
{
    unsigned n = tsresol & 0x7f;
    uint64_t sec, frac;

    if (tsresol & 0x80) {
        sec = n == 0 ? units : units >> n;
        frac = n == 0 ? 0 : units & ((UINT64_C(1) << n) - 1);
        t->atto = (uint64_t)(((unsigned __int128)frac * ATTO) >> n);
        t->digits = (uint8_t)((n * 30103u + 99999u) / 100000u);
    } else {
        uint64_t div = pow10u(n); /* n <= 19: fits */

        sec = units / div;
        frac = units % div;
        t->atto = n <= 18 ? frac * pow10u(18 - n) : frac / 10;
        t->digits = (uint8_t)n;
    }
    if (t->digits > 18)
        t->digits = 18;
    t->sec =
        sat_add(sec > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)sec, tsoffset);
    t->set = true;
}

static bool
ts_before(const struct capinfo_ts *a, const struct capinfo_ts *b)
{
    return a->sec < b->sec || (a->sec == b->sec && a->atto < b->atto);
}

static void
note_ts(struct capinfo *ci, const struct capinfo_ts *t)
{
    if (!ci->first.set || ts_before(t, &ci->first))
        ci->first = *t;
    if (!ci->last.set || ts_before(&ci->last, t))
        ci->last = *t;
}

void
capinfo_format_ts(const struct capinfo_ts *t, char *buf, size_t cap)
{
    struct tm tm;
    time_t tt;
    size_t n;

    if (!t->set) {
        snprintf(buf, cap, "-");
        return;
    }
    tt = (time_t)t->sec;
    if ((int64_t)tt != t->sec || gmtime_r(&tt, &tm) == NULL ||
        (n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
        /* Out of the calendar's range: seconds since the epoch. */
        snprintf(buf, cap, "@%" PRId64, t->sec);
        n = strlen(buf);
    }
    if (t->digits > 0)
        snprintf(buf + n, cap - n, ".%0*" PRIu64 "Z", (int)t->digits,
                 t->atto / pow10u(18u - t->digits));
    else
        snprintf(buf + n, cap - n, "Z");
}

void
capinfo_format_resol(uint8_t tsresol, char *buf, size_t cap)
{
    if (tsresol & 0x80)
        snprintf(buf, cap, "2^-%u", tsresol & 0x7f);
    else
        snprintf(buf, cap, "1e-%u", tsresol);
}

const char *
capinfo_linktype_name(uint16_t linktype)
{
    /* The common ones (www.tcpdump.org/linktypes.html). */
    switch (linktype) {
    case 0:
        return "NULL";
    case 1:
        return "ETHERNET";
    case 101:
        return "RAW";
    case 105:
        return "IEEE802_11";
    case 113:
        return "LINUX_SLL";
    case 127:
        return "IEEE802_11_RADIOTAP";
    case 228:
        return "IPV4";
    case 229:
        return "IPV6";
    case 276:
        return "LINUX_SLL2";
    default:
        return NULL;
    }
}

/* ---- growth ----------------------------------------------------------- */

static int
grow(void **p, size_t *cap, size_t n, size_t size, struct sc_err *err)
{
    size_t ncap;
    void *q;

    if (n < *cap)
        return 0;
    ncap = *cap == 0 ? 8 : *cap * 2;
    if (ncap > SIZE_MAX / size)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    q = realloc(*p, ncap * size);
    if (q == NULL)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    *p = q;
    *cap = ncap;
    return 0;
}

static struct capinfo_section *
new_section(struct capinfo *ci, struct sc_err *err)
{
    struct capinfo_section *s;

    if (grow((void **)&ci->sections, &ci->cap_sections, ci->n_sections,
             sizeof(*s), err) < 0)
        return NULL;
    s = &ci->sections[ci->n_sections++];
    memset(s, 0, sizeof(*s));
    return s;
}

static struct capinfo_iface *
new_iface(struct capinfo_section *s, struct sc_err *err)
{
    struct capinfo_iface *f;
    size_t cap = s->cap_ifaces;

    if (grow((void **)&s->ifaces, &cap, s->n_ifaces, sizeof(*f), err) < 0)
        return NULL;
    s->cap_ifaces = (uint32_t)cap;
    f = &s->ifaces[s->n_ifaces++];
    memset(f, 0, sizeof(*f));
    f->tsresol = 6;
    return f;
}

static void
count_block(struct capinfo *ci, uint32_t type)
{
    size_t i;

    ci->blocks++;
    for (i = 0; i < ci->n_btypes; i++) {
        if (ci->btypes[i].type == type) {
            ci->btypes[i].count++;
            return;
        }
    }
    if (ci->n_btypes == CAPINFO_MAX_BTYPES) {
        ci->other_blocks++;
        return;
    }
    ci->btypes[ci->n_btypes].type = type;
    ci->btypes[ci->n_btypes++].count = 1;
}

/* ---- DSB payloads ------------------------------------------------------ */

/* Text types: the grammar of keylog.c, warnings dropped (counted). */
static int
analyse_text(struct capinfo_dsb *d, const uint8_t *p, struct sc_err *err)
{
    struct keylog k;
    struct keylog_stats st;
    struct keylog_opts opts = {0};
    struct sc_err kerr;
    char name[40];
    size_t i, plen;
    int rc = 0;

    keylog_init(&k, d->type);
    keylog_stats_init(&st, d->type);
    opts.on_line = keylog_stats_line;
    opts.on_line_ctx = &st;
    snprintf(name, sizeof(name), "DSB #%" PRIu64, d->number);
    plen = strlen(name) + 2; /* "DSB #n: " */
    d->text = true;
    sc_err_clear(&kerr);
    if (keylog_add_mem(&k, name, p, d->secrets_len, &opts, NULL, &kerr) < 0) {
        if (kerr.kind == SC_ERR_IO || kerr.kind == SC_ERR_INTR) {
            *err = kerr;
            rc = -1;
            goto out;
        }
        d->problem =
            strdup(strlen(kerr.msg) > plen ? kerr.msg + plen : kerr.msg);
        /* The statistics of a rejected payload are not meaningful. */
        goto out;
    }
    if (keylog_stats_finish(&st, err) < 0) {
        rc = -1;
        goto out;
    }
    d->lines = st.lines;
    d->bad_lines = k.lines_bad;
    d->client_randoms = st.client_randoms;
    d->other_label_lines = st.other_label_lines;
    if (st.n_labels > 0) {
        d->labels = calloc(st.n_labels, sizeof(*d->labels));
        if (d->labels == NULL) {
            rc = sc_err_set(err, SC_ERR_IO, "out of memory");
            goto out;
        }
        for (i = 0; i < st.n_labels; i++) {
            d->labels[i].name = strdup(st.labels[i].name);
            d->labels[i].count = st.labels[i].count;
            if (d->labels[i].name == NULL) {
                d->n_labels = i;
                rc = sc_err_set(err, SC_ERR_IO, "out of memory");
                goto out;
            }
        }
        d->n_labels = st.n_labels;
    }
out:
    keylog_stats_free(&st);
    keylog_free(&k);
    return rc;
}

static int
analyse_dsb(struct capinfo *ci, const struct pcapng_block *b,
            struct sc_err *err)
{
    struct capinfo_dsb *d;
    struct pcapng_dsb f;
    uint32_t rec;
    char msg[128];

    if (grow((void **)&ci->dsbs, &ci->cap_dsbs, ci->n_dsbs, sizeof(*d), err) <
        0)
        return -1;
    d = &ci->dsbs[ci->n_dsbs++];
    memset(d, 0, sizeof(*d));
    /* pcapng_check_block has verified 16 + pad4(secrets_len) <= len - 4. */
    pcapng_dsb_fields(b, &f);
    d->number = ci->n_dsbs;
    d->section = b->section;
    d->offset = b->offset;
    d->block_len = b->len;
    d->type = f.secrets_type;
    d->secrets_len = f.secrets_len;
    if (keylog_type_is_text(f.secrets_type))
        return analyse_text(d, f.secrets, err);
    rec = keylog_record_size(f.secrets_type);
    if (rec != 0) {
        d->records = f.secrets_len / rec;
        if (f.secrets_len % rec != 0 || f.secrets_len == 0) {
            snprintf(msg, sizeof(msg),
                     "%u bytes is not a whole number of %u-byte records",
                     f.secrets_len, rec);
            d->problem = strdup(msg);
        }
    }
    return 0;
}

/* ---- pcapng ------------------------------------------------------------ */

void
capinfo_idb_time(const struct pcapng_block *b, uint8_t *tsresol,
                 int64_t *tsoffset)
{
    struct pcapng_opt_iter it;
    struct pcapng_opt o;

    *tsresol = 6;
    *tsoffset = 0;
    if (pcapng_opts_begin(b, &it) < 0)
        return;
    while (pcapng_opts_next(&it, &o) == 1) {
        if (o.code == OPT_IF_TSRESOL && o.len == 1) {
            *tsresol = o.value[0];
        } else if (o.code == OPT_IF_TSOFFSET && o.len == 8) {
            uint64_t v = bo_get64(b->order, o.value);

            *tsoffset = v <= INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
        }
    }
}

static int
scan_idb(struct capinfo *ci, const struct pcapng_block *b, struct sc_err *err)
{
    struct capinfo_section *s = &ci->sections[ci->n_sections - 1];
    struct capinfo_iface *f = new_iface(s, err);
    struct pcapng_opt_iter it;
    struct pcapng_opt o;

    if (f == NULL)
        return -1;
    f->linktype = bo_get16(b->order, b->data + 8);
    f->snaplen = bo_get32(b->order, b->data + 12);
    capinfo_idb_time(b, &f->tsresol, &f->tsoffset);
    if (pcapng_opts_begin(b, &it) < 0)
        return 0;
    while (pcapng_opts_next(&it, &o) == 1) {
        if (o.code == OPT_IF_NAME && f->name == NULL) {
            /* "a zero octet terminates" (notes §1.1). */
            const uint8_t *z = memchr(o.value, 0, o.len);
            size_t n = z != NULL ? (size_t)(z - o.value) : o.len;

            /* Bounded, whatever the IDB count: a longer name is cut. */
            if (n > CAPINFO_NAME_MAX)
                n = CAPINFO_NAME_MAX;
            f->name = malloc(n + 1);
            if (f->name == NULL)
                return sc_err_set(err, SC_ERR_IO, "out of memory");
            memcpy(f->name, o.value, n);
            f->name[n] = '\0';
            f->name_len = n;
        }
    }
    return 0;
}

static void
scan_packet(struct capinfo *ci, const struct pcapng_block *b)
{
    struct capinfo_section *s = &ci->sections[ci->n_sections - 1];
    struct capinfo_iface *f;
    struct capinfo_ts t;
    uint32_t id;
    uint64_t units;

    ci->packets++;
    s->packets++;
    if (b->type == PCAPNG_BT_SPB) {
        /* Interface 0, no timestamp (validated: an IDB exists). */
        s->ifaces[0].packets++;
        ci->packets_no_ts++;
        return;
    }
    id = b->type == PCAPNG_BT_EPB ? bo_get32(b->order, b->data + 8)
                                  : bo_get16(b->order, b->data + 8);
    if (id >= s->n_ifaces)
        return; /* cannot happen: the reader checks interface IDs */
    f = &s->ifaces[id];
    f->packets++;
    units = (uint64_t)bo_get32(b->order, b->data + 12) << 32 |
            bo_get32(b->order, b->data + 16);
    capinfo_ts_from_units(units, f->tsresol, f->tsoffset, &t);
    note_ts(ci, &t);
}

static int
scan_pcapng(struct capinfo *ci, struct input *in, struct sc_err *err)
{
    struct pcapng_reader pr;
    struct pcapng_block b;
    struct capinfo_section *s;
    struct pcapng_shb shb;
    int rc;

    pcapng_init(&pr, in->rd);
    while ((rc = pcapng_next(&pr, &b, err)) == 1) {
        count_block(ci, b.type);
        compat_block(&ci->compat, &pr, &b, err);
        switch (b.type) {
        case PCAPNG_BT_SHB:
            if ((s = new_section(ci, err)) == NULL)
                goto fail;
            pcapng_shb_fields(&b, &shb);
            s->offset = b.offset;
            s->order = b.order;
            s->major = shb.major;
            s->minor = shb.minor;
            s->has_length = true;
            s->length = shb.section_length;
            break;
        case PCAPNG_BT_IDB:
            if (scan_idb(ci, &b, err) < 0)
                goto fail;
            break;
        case PCAPNG_BT_EPB:
        case PCAPNG_BT_PB:
        case PCAPNG_BT_SPB:
            scan_packet(ci, &b);
            break;
        case PCAPNG_BT_DSB:
            if (analyse_dsb(ci, &b, err) < 0)
                goto fail;
            break;
        default:
            break;
        }
    }
    if (rc < 0)
        goto fail;
    compat_end(&ci->compat, err);
    pcapng_free(&pr);
    return 0;
fail:
    pcapng_free(&pr);
    return -1;
}

/* ---- pcap -------------------------------------------------------------- */

static int
scan_pcap(struct capinfo *ci, struct input *in, struct sc_err *err)
{
    struct pcap_reader pr;
    struct pcap_record rec;
    struct capinfo_section *s;
    struct capinfo_iface *f;
    struct capinfo_ts t;
    uint8_t idb[20] = {0};
    struct pcapng_block ib = {PCAPNG_BT_IDB, 20, idb, BO_LE, 0, 0, 1};
    uint64_t div;
    int rc;

    if (pcap_open(&pr, in->rd, in->name, err) < 0)
        return -1;
    pcap_allow_record(&pr, in->max_record);
    if ((s = new_section(ci, err)) == NULL || (f = new_iface(s, err)) == NULL)
        return -1;
    /* What the readers make of it is what they make of the link type. */
    bo_put16(BO_LE, idb + 8, pr.hdr.linktype);
    compat_block(&ci->compat, NULL, &ib, err);
    s->order = pr.hdr.order;
    s->major = pr.hdr.ver_major;
    s->minor = pr.hdr.ver_minor;
    f->linktype = pr.hdr.linktype;
    f->snaplen = pr.hdr.snaplen;
    f->tsresol = pr.hdr.nsec ? 9 : 6;
    div = pr.hdr.nsec ? 1000000000u : 1000000u;
    while ((rc = pcap_next(&pr, &rec, err)) == 1) {
        ci->packets++;
        s->packets++;
        f->packets++;
        /* ts_sec is unsigned (draft-ietf-opsawg-pcap §4); a fraction of a
         * second or more (a bad writer) carries into the seconds. */
        t.set = true;
        t.sec = (int64_t)rec.ts_sec + rec.ts_frac / div;
        t.atto = (rec.ts_frac % div) * (ATTO / div);
        t.digits = f->tsresol;
        note_ts(ci, &t);
    }
    return rc < 0 ? -1 : 0;
}

int
capinfo_scan(struct capinfo *ci, struct input *in, struct sc_err *err)
{
    struct stat st;
    int rc;

    memset(ci, 0, sizeof(*ci));
    compat_init(&ci->compat, in->name, reader_source(in->rd)->inflating, false);
    ci->format = in->format;
    ci->compression = in->compression;
    ci->compressed_bytes = -1;
    if (in->compression != COMPRESSION_NONE && in->fd >= 0 &&
        fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
        ci->compressed_bytes = (int64_t)st.st_size;
    rc = in->format == FMT_PCAP ? scan_pcap(ci, in, err)
                                : scan_pcapng(ci, in, err);
    ci->bytes = reader_offset(in->rd);
    return input_finish(in, rc, err);
}

void
capinfo_free(struct capinfo *ci)
{
    size_t i, j;

    for (i = 0; i < ci->n_sections; i++) {
        for (j = 0; j < ci->sections[i].n_ifaces; j++)
            free(ci->sections[i].ifaces[j].name);
        free(ci->sections[i].ifaces);
    }
    free(ci->sections);
    for (i = 0; i < ci->n_dsbs; i++) {
        for (j = 0; j < ci->dsbs[i].n_labels; j++)
            free(ci->dsbs[i].labels[j].name);
        free(ci->dsbs[i].labels);
        free(ci->dsbs[i].problem);
    }
    free(ci->dsbs);
    memset(ci, 0, sizeof(*ci));
}

/* ---- JSON (docs/info-json.md) ------------------------------------------ */

static void
json_hex32(struct json *j, uint32_t v)
{
    char b[16];

    snprintf(b, sizeof(b), "0x%08x", v);
    json_str(j, b);
}

void
capinfo_json_ts(struct json *j, const struct capinfo_ts *t)
{
    char b[64];

    if (!t->set) {
        json_null(j);
        return;
    }
    capinfo_format_ts(t, b, sizeof(b));
    json_str(j, b);
}

static void
json_section(struct json *j, const struct capinfo *ci, size_t i)
{
    const struct capinfo_section *s = &ci->sections[i];
    char b[32];
    uint32_t k;

    json_obj_begin(j);
    json_key(j, "number");
    json_u64(j, i + 1);
    json_key(j, "offset");
    json_u64(j, s->offset);
    json_key(j, "byte_order");
    json_str(j, s->order == BO_LE ? "little-endian" : "big-endian");
    json_key(j, "version");
    snprintf(b, sizeof(b), "%u.%u", s->major, s->minor);
    json_str(j, b);
    json_key(j, "section_length");
    if (s->has_length)
        json_i64(j, s->length);
    else
        json_null(j);
    json_key(j, "packets");
    json_u64(j, s->packets);
    json_key(j, "interfaces");
    json_arr_begin(j);
    for (k = 0; k < s->n_ifaces; k++) {
        const struct capinfo_iface *f = &s->ifaces[k];
        const char *ln = capinfo_linktype_name(f->linktype);

        json_obj_begin(j);
        json_key(j, "id");
        json_u64(j, k);
        json_key(j, "link_type");
        json_u64(j, f->linktype);
        json_key(j, "link_type_name");
        if (ln != NULL)
            json_str(j, ln);
        else
            json_null(j);
        json_key(j, "snaplen");
        json_u64(j, f->snaplen);
        json_key(j, "ts_resolution");
        capinfo_format_resol(f->tsresol, b, sizeof(b));
        json_str(j, b);
        json_key(j, "ts_offset");
        json_i64(j, f->tsoffset);
        json_key(j, "name");
        if (f->name != NULL)
            json_strn(j, (const uint8_t *)f->name, f->name_len);
        else
            json_null(j);
        json_key(j, "packets");
        json_u64(j, f->packets);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

static void
json_dsb(struct json *j, const struct capinfo_dsb *d)
{
    const char *tn = secrets_type_name(d->type);
    size_t i;

    json_obj_begin(j);
    json_key(j, "number");
    json_u64(j, d->number);
    json_key(j, "section");
    json_u64(j, d->section);
    json_key(j, "offset");
    json_u64(j, d->offset);
    json_key(j, "block_length");
    json_u64(j, d->block_len);
    json_key(j, "secrets_type");
    json_hex32(j, d->type);
    json_key(j, "secrets_type_name");
    if (tn != NULL)
        json_str(j, tn);
    else
        json_null(j);
    json_key(j, "secrets_length");
    json_u64(j, d->secrets_len);
    if (d->text) {
        json_key(j, "lines");
        json_u64(j, d->lines);
        json_key(j, "invalid_lines");
        json_u64(j, d->bad_lines);
    }
    if (keylog_record_size(d->type) != 0) {
        json_key(j, "records");
        json_u64(j, d->records);
    }
    if (d->type == SECRETS_TLS || d->type == SECRETS_SSH ||
        d->type == SECRETS_WG) {
        json_key(j, "labels");
        json_obj_begin(j);
        for (i = 0; i < d->n_labels; i++) {
            json_key(j, d->labels[i].name);
            json_u64(j, d->labels[i].count);
        }
        json_obj_end(j);
        if (d->other_label_lines > 0) {
            json_key(j, "other_label_lines");
            json_u64(j, d->other_label_lines);
        }
    }
    if (d->type == SECRETS_TLS) {
        json_key(j, "client_randoms");
        json_u64(j, d->client_randoms);
    }
    json_key(j, "problem");
    if (d->problem != NULL)
        json_str(j, d->problem);
    else
        json_null(j);
    json_obj_end(j);
}

const struct capinfo_reader capinfo_readers[CAPINFO_N_READERS] = {
    {COMPAT_TSHARK, "tshark"},
    {COMPAT_TCPDUMP, "tcpdump"},
    {COMPAT_EDITCAP, "editcap"},
    {COMPAT_CAPINFOS, "capinfos"},
};

/* {"tshark": {"opens": true, "rule": null, "why": null}, ...}: the first
 * rule each reader refuses the file over. */
static void
json_readers(struct json *j, const struct compat *c)
{
    char why[COMPAT_WHAT_MAX + 600];

    json_obj_begin(j);
    for (int i = 0; i < CAPINFO_N_READERS; i++) {
        int k = compat_reason(c, capinfo_readers[i].bit);

        json_key(j, capinfo_readers[i].name);
        json_obj_begin(j);
        json_key(j, "opens");
        json_bool(j, k < 0);
        json_key(j, "rule");
        if (k < 0) {
            json_null(j);
            json_key(j, "why");
            json_null(j);
        } else {
            json_str(j, compat_kind_name(k));
            json_key(j, "why");
            compat_format(c, k, false, why, sizeof(why));
            json_str(j, why);
        }
        json_obj_end(j);
    }
    json_obj_end(j);
}

void
capinfo_to_json(const struct capinfo *ci, const char *name,
                const struct sc_err *err, struct json *j)
{
    char b[32];
    size_t i;

    json_obj_begin(j);
    json_key(j, "file");
    json_str(j, name);
    json_key(j, "format");
    if (ci->format == FMT_PCAP || ci->format == FMT_PCAPNG)
        json_str(j, format_name(ci->format));
    else
        json_null(j);
    json_key(j, "compression");
    if (ci->compression != COMPRESSION_NONE)
        json_str(j, compression_info(ci->compression)->name);
    else
        json_null(j);
    json_key(j, "bytes");
    json_u64(j, ci->bytes);
    json_key(j, "compressed_bytes");
    if (ci->compressed_bytes >= 0)
        json_u64(j, (uint64_t)ci->compressed_bytes);
    else
        json_null(j);
    json_key(j, "packets");
    json_u64(j, ci->packets);
    json_key(j, "first_packet_time");
    capinfo_json_ts(j, &ci->first);
    json_key(j, "last_packet_time");
    capinfo_json_ts(j, &ci->last);
    json_key(j, "sections");
    json_arr_begin(j);
    for (i = 0; i < ci->n_sections; i++)
        json_section(j, ci, i);
    json_arr_end(j);
    json_key(j, "blocks");
    json_arr_begin(j);
    for (i = 0; i < ci->n_btypes; i++) {
        json_obj_begin(j);
        json_key(j, "type");
        json_hex32(j, ci->btypes[i].type);
        json_key(j, "name");
        json_str(j, pcapng_block_name(ci->btypes[i].type, b));
        json_key(j, "count");
        json_u64(j, ci->btypes[i].count);
        json_obj_end(j);
    }
    json_arr_end(j);
    if (ci->other_blocks > 0) {
        json_key(j, "other_blocks");
        json_u64(j, ci->other_blocks);
    }
    json_key(j, "dsbs");
    json_arr_begin(j);
    for (i = 0; i < ci->n_dsbs; i++)
        json_dsb(j, &ci->dsbs[i]);
    json_arr_end(j);
    json_key(j, "readers");
    if (err != NULL || (ci->format != FMT_PCAP && ci->format != FMT_PCAPNG))
        json_null(j);
    else
        json_readers(j, &ci->compat);
    json_key(j, "error");
    if (err != NULL)
        json_str(j, err->msg);
    else
        json_null(j);
    json_obj_end(j);
}
