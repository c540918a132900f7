/*
 * pipeline.c - the inject rewrite (see pipeline.h for what it produces).
 *
 * pcapng input is passed through zero-copy: the reader keeps consumed bytes
 * ("retained") and hands them to the writer in large spans straight from
 * its buffer; the pipeline only intervenes at block boundaries, to insert
 * DSBs before a block (flush up to the block, write the DSBs), to patch an
 * SHB or to drop an input DSB (flush up to the block, forget the block).
 *
 * pcap input is rewritten record by record into the writer's buffer with
 * the EPB header built in place: no per-record allocation or syscall.
 */
#include "pipeline.h"

#include "byteorder.h"
#include "compat.h"
#include "pcap.h"
#include "pcapng.h"
#include "pcapng_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct ctx {
    struct input *in;
    struct writer *w;
    const struct inject_opts *o;
    struct inject_stats *st;
    uint64_t next_progress; /* input offset of the next progress call */
    bool copy_ahead;        /* hand validated spans to the copier early */
};

/* With copy_ahead, validated bytes go to the kernel copy (on the writer's
 * copier thread) every PIPELINE_COPY_STEP bytes, cut at a 4 KiB boundary
 * so that shared extents stay whole, while the next ones are read. */
#define PIPELINE_COPY_STEP ((uint64_t)32 << 20)

static void
progress(struct ctx *c, const struct reader *rd)
{
    uint64_t off = reader_offset(rd);

    if (c->o->progress != NULL && off >= c->next_progress) {
        c->o->progress(c->o->progress_ctx, off);
        c->next_progress = off + PIPELINE_PROGRESS_STEP;
    }
}

/* Calls fn for every DSB that the secrets give, in order: each non-empty
 * payload as one or more DSBs, split at line boundaries
 * (keylog_next_chunk) so that no block exceeds libpcap's 16 MiB. */
static int
each_dsb(struct ctx *c,
         int (*fn)(struct ctx *c, const struct keylog *k, uint64_t start,
                   size_t n, void *arg, struct sc_err *err),
         void *arg, struct sc_err *err)
{
    for (size_t i = 0; i < c->o->n_secrets; i++) {
        const struct keylog *k = c->o->secrets[i];
        uint64_t pos = 0, start;
        size_t n;

        for (;;) {
            start = pos;
            if (keylog_next_chunk(k, &pos, PCAPNG_DSB_MAX_SECRETS, &n, err) < 0)
                return -1;
            if (n == 0)
                break;
            if (fn(c, k, start, n, arg, err) < 0)
                return -1;
        }
    }
    return 0;
}

struct dsb_plan {
    uint64_t bytes, count; /* of the DSBs, unpadded */
    uint64_t written;      /* DSBs written so far */
    uint32_t pad;          /* for the last one */
    enum byte_order order;
};

static int
plan_dsb(struct ctx *c, const struct keylog *k, uint64_t start, size_t n,
         void *arg, struct sc_err *err)
{
    struct dsb_plan *pl = arg;

    (void)c, (void)k, (void)start, (void)err;
    pl->bytes += 20 + pad4(n);
    pl->count++;
    return 0;
}

static int
write_dsb(struct ctx *c, const struct keylog *k, uint64_t start, size_t n,
          void *arg, struct sc_err *err)
{
    struct dsb_plan *pl = arg;
    uint8_t head[PCAPNG_DSB_HDR_LEN];
    uint8_t tail[PCAPNG_DSB_TAIL_MAX + PCAPNG_DSB_PAD_MAX];
    uint32_t pad = ++pl->written == pl->count ? pl->pad : 0;

    if (writer_write(
            c->w, head,
            pcapng_build_dsb_head(head, pl->order, k->type, (uint32_t)n, pad),
            err) < 0 ||
        keylog_each(k, start, n, writer_put, c->w, err) < 0 ||
        writer_write(c->w, tail,
                     pcapng_build_dsb_tail(tail, pl->order, (uint32_t)n, pad),
                     err) < 0)
        return -1;
    c->st->dsbs_added++;
    return 0;
}

/* Writes the DSBs in order o. next_in: the input offset of the byte that
 * follows them in the output, or UINT64_MAX when none does (or the output
 * is no copy of the input: pcap); with o->align the last DSB is padded so
 * that this byte lands at its input offset modulo PCAPNG_ALIGN
 * (pcapng_write.h). */
static int
write_dsbs(struct ctx *c, enum byte_order o, uint64_t next_in,
           struct sc_err *err)
{
    struct dsb_plan pl = {0, 0, 0, 0, o};

    if (each_dsb(c, plan_dsb, &pl, err) < 0)
        return -1;
    if (c->o->align && next_in != UINT64_MAX && pl.count > 0)
        pl.pad = pcapng_dsb_pad(next_in - writer_offset(c->w) - pl.bytes);
    return each_dsb(c, write_dsb, &pl, err);
}

/* ---- pcap -> pcapng ---------------------------------------------------- */

/* epb_flags for the Kuznetzov format's Linux packet type: direction in bits
 * 0-1, reception type in bits 2-4 (pcapng draft, epb_flags). */
static uint32_t
flags_from_pkt_type(uint8_t pkt_type)
{
    switch (pkt_type) {
    case 0:
        return 1u | 1u << 2; /* PACKET_HOST: inbound unicast */
    case 1:
        return 1u | 3u << 2; /* PACKET_BROADCAST */
    case 2:
        return 1u | 2u << 2; /* PACKET_MULTICAST */
    case 3:
        return 1u | 4u << 2; /* PACKET_OTHERHOST: promiscuous */
    case 4:
        return 2u; /* PACKET_OUTGOING */
    default:
        return 0;
    }
}

static int
write_epb(struct ctx *c, const struct pcap_header *h,
          const struct pcap_record *rec, struct sc_err *err)
{
    uint64_t scale = h->nsec ? 1000000000u : 1000000u;
    uint64_t ts = (uint64_t)rec->ts_sec * scale + rec->ts_frac;
    uint32_t flags = h->modified ? flags_from_pkt_type(rec->pkt_type) : 0;
    uint64_t total = pcapng_epb_len(rec->caplen, flags);
    uint8_t *p;

    if (total <= c->w->cap) {
        /* The usual case: one block built in place in the output buffer. */
        p = writer_reserve(c->w, (size_t)total, err);
        if (p == NULL)
            return -1;
        p += pcapng_build_epb_head(p, BO_LE, 0, ts, rec->caplen, rec->origlen,
                                   flags);
        memcpy(p, rec->data, rec->caplen);
        p += rec->caplen;
        pcapng_build_epb_tail(p, BO_LE, rec->caplen, flags);
        writer_advance(c->w, (size_t)total);
        return 0;
    } else {
        uint8_t head[PCAPNG_EPB_HDR_LEN], tail[PCAPNG_EPB_TAIL_MAX];
        size_t hn = pcapng_build_epb_head(head, BO_LE, 0, ts, rec->caplen,
                                          rec->origlen, flags);
        size_t tn = pcapng_build_epb_tail(tail, BO_LE, rec->caplen, flags);

        if (writer_write(c->w, head, hn, err) < 0 ||
            writer_write(c->w, rec->data, rec->caplen, err) < 0 ||
            writer_write(c->w, tail, tn, err) < 0)
            return -1;
        return 0;
    }
}

/* Raises the IDB snaplen written at idb_off to max_caplen, if it can. */
static int
raise_snaplen(struct ctx *c, struct input *in, uint64_t idb_off,
              uint32_t snaplen, uint32_t max_caplen, uint64_t n_over,
              struct sc_err *err)
{
    uint8_t v[4];
    int rc;

    bo_put32(BO_LE, v, max_caplen);
    rc = writer_patch(c->w, idb_off + PCAPNG_IDB_SNAPLEN_OFF, v, 4, err);
    if (rc < 0)
        return -1;
    if (rc == 1)
        sc_warn(c->o->diag,
                "%s: %llu record(s) longer than the snaplen %u (up to %u "
                "bytes), kept whole; interface snaplen raised to %u so that "
                "libpcap can read the output",
                in->name, (unsigned long long)n_over, snaplen, max_caplen,
                max_caplen);
    else
        sc_warn(c->o->diag,
                "%s: %llu record(s) longer than the snaplen %u (up to %u "
                "bytes), kept whole; the output is %s, so the interface "
                "snaplen could not be raised and libpcap-based tools may "
                "refuse the file",
                in->name, (unsigned long long)n_over, snaplen, max_caplen,
                c->w->sink != NULL ? "compressed" : "a stream");
    return 0;
}

/* After a read error: true (err cleared, the cut recorded and warned
 * about) when it is a cut that --salvage keeps what precedes; then the
 * caller finishes as at a clean end. started: the section or file header
 * has been read (before it there is nothing to keep). */
static bool
salvage(struct ctx *c, struct input *in, bool started, struct sc_err *err)
{
    const struct source *src = reader_source(in->rd);
    uint64_t at = reader_offset(in->rd);
    char last[48];

    if (!c->o->salvage || !started || err->kind != SC_ERR_DATA || !err->cut)
        return false;
    c->st->salvaged = true;
    c->st->cut_at = at;
    /* A plain regular file knows its size; a pipe or a decompressed stream
     * has given what it had (the rest of the cut block). */
    c->st->dropped =
        !src->inflating && src->size >= 0 && (uint64_t)src->size >= at
            ? (uint64_t)src->size - at
            : reader_buffered(in->rd);
    if (c->st->packets > 0)
        snprintf(last, sizeof(last), "last packet #%" PRIu64, c->st->packets);
    else
        snprintf(last, sizeof(last), "no packet");
    sc_warn(c->o->diag,
            "%s; --salvage: kept the %" PRIu64 " complete %s before offset "
            "%" PRIu64 "%s, %s, dropped %" PRIu64 " bytes",
            err->msg, c->st->blocks,
            in->format == FMT_PCAP ? "records" : "blocks", at,
            src->inflating ? " (uncompressed)" : "", last, c->st->dropped);
    sc_err_clear(err);
    return true;
}

/* The IDB built for pcap input (n bytes at blk) can only be refused for
 * its link type (compat.h); the records are checked by pcap.c. */
static int
check_built_idb(struct ctx *c, struct input *in, const uint8_t *blk, size_t n,
                struct sc_err *err)
{
    struct pcapng_block b = {PCAPNG_BT_IDB, (uint32_t)n, blk, BO_LE, 0, 0, 1};
    struct compat cmp;

    compat_init(&cmp, in->name, false, c->o->strict);
    if (compat_block(&cmp, NULL, &b, err) < 0)
        return -1;
    compat_report(&cmp, c->o->diag);
    return 0;
}

/* What the pcap header or records say that the pcapng output carries
 * differently or not at all: one warning each. */
static void
pcap_statements(struct ctx *c, struct input *in, const struct pcap_header *h,
                uint64_t n_mod, uint64_t first_mod)
{
    if (h->fcs_present)
        sc_warn(c->o->diag,
                "%s: the pcap link-type field says every packet ends with a "
                "%u-byte FCS; the output's interface says so with if_fcslen "
                "%u (bits), which Wireshark uses the same way",
                in->name, h->fcs_bits / 8, h->fcs_bits);
    if (n_mod > 0)
        sc_warn(c->o->diag,
                "%s: modified (Kuznetzov) pcap: %" PRIu64 " record%s (the "
                "first is #%" PRIu64 ") carry an interface index or "
                "protocol, which pcapng has no field for: dropped (the "
                "packet type is kept, as epb_flags)",
                in->name, n_mod, n_mod == 1 ? "" : "s", first_mod);
    if (h->thiszone != 0)
        sc_warn(c->o->diag,
                "%s: the pcap header's thiszone (%" PRId32 " s from GMT) is "
                "dropped: pcapng has no such field, and libpcap and "
                "Wireshark ignore it; timestamps are kept as recorded",
                in->name, h->thiszone);
}

static int
run_pcap(struct ctx *c, struct input *in, struct sc_err *err)
{
    struct pcap_reader pr;
    struct pcap_record rec;
    uint8_t
        blk[PCAPNG_SHB_MAX > PCAPNG_IDB_MAX ? PCAPNG_SHB_MAX : PCAPNG_IDB_MAX];
    uint32_t snaplen, max_caplen = 0;
    uint64_t idb_off, n_over = 0, n_mod = 0, first_mod = 0;
    size_t n;
    int rc;

    if (pcap_open(&pr, in->rd, in->name, err) < 0)
        return -1;
    pcap_allow_record(&pr, in->max_record);
    snaplen = pr.hdr.snaplen;
    /* libpcap adds the 14-byte Ethernet header to the snaplen of the
     * Kuznetzov format for DLT_EN10MB. */
    if (pr.hdr.modified && pr.hdr.linktype == 1 && snaplen <= UINT32_MAX - 14)
        snaplen += 14;
    c->st->sections = 1;
    if (writer_write(c->w, blk, pcapng_build_shb(blk, BO_LE, c->o->userappl),
                     err) < 0)
        return -1;
    idb_off = writer_offset(c->w);
    n = pcapng_build_idb(blk, BO_LE, pr.hdr.linktype, snaplen,
                         pr.hdr.nsec ? 9 : -1,
                         pr.hdr.fcs_present ? (int)pr.hdr.fcs_bits : -1);
    if (check_built_idb(c, in, blk, n, err) < 0 ||
        writer_write(c->w, blk, n, err) < 0)
        return -1;
    if (write_dsbs(c, BO_LE, UINT64_MAX, err) < 0)
        return -1;
    while ((rc = pcap_next(&pr, &rec, err)) == 1) {
        if (pr.hdr.modified && (rec.ifindex != 0 || rec.protocol != 0) &&
            n_mod++ == 0)
            first_mod = rec.number;
        if (snaplen != 0 && rec.caplen > snaplen) {
            n_over++;
            if (rec.caplen > max_caplen)
                max_caplen = rec.caplen;
        }
        if (write_epb(c, &pr.hdr, &rec, err) < 0)
            return -1;
        c->st->blocks++;
        c->st->packets++;
        progress(c, in->rd);
    }
    if (rc < 0 && !salvage(c, in, true, err))
        return -1;
    pcap_statements(c, in, &pr.hdr, n_mod, first_mod);
    if (pr.over_readers > 0)
        sc_warn(c->o->diag,
                "%s: %" PRIu64 " record%s longer than the %" PRIu32
                " bytes libpcap and Wireshark read for link type %u (the "
                "first is #%" PRIu64 "), kept as --max-record allows: "
                "tcpdump and Wireshark will refuse them",
                in->name, pr.over_readers, pr.over_readers == 1 ? "" : "s",
                pr.readers_max, pr.hdr.linktype, pr.first_over);
    if (n_over > 0 &&
        raise_snaplen(c, in, idb_off, snaplen, max_caplen, n_over, err) < 0)
        return -1;
    return 0;
}

/* ---- pcapng -> pcapng -------------------------------------------------- */

/* Pass-through bytes: copied in the kernel from a mapped file (shared
 * extents where the file system can), else written from memory. */
static int
retain_to_writer(void *ctx, const struct reader_span *s, struct sc_err *err)
{
    struct ctx *c = ctx;

    if (s->fd >= 0)
        return writer_copy(c->w, s->fd, s->foff, s->p, s->n, c->in->name, err);
    return writer_write(c->w, s->p, (size_t)s->n, err);
}

/* Writes the SHB of block b with section length -1 and version 1.0; only
 * the first 24 bytes change, the options go out as they came. */
static int
write_patched_shb(struct ctx *c, const struct pcapng_block *b,
                  struct sc_err *err)
{
    uint8_t head[24];

    pcapng_shb_patch(head, b->data, sizeof(head), b->order);
    if (writer_write(c->w, head, sizeof(head), err) < 0)
        return -1;
    return writer_write(c->w, b->data + sizeof(head), b->len - sizeof(head),
                        err);
}

static bool
discard_this(const struct inject_opts *o, const struct pcapng_block *b)
{
    struct pcapng_dsb d;

    if (o->discard_type == 0)
        return true;
    pcapng_dsb_fields(b, &d);
    return d.secrets_type == o->discard_type;
}

static int
run_pcapng(struct ctx *c, struct input *in, struct sc_err *err)
{
    struct pcapng_reader pr;
    struct pcapng_block b;
    struct compat cmp;
    bool have_secrets = false, pending = false;
    enum byte_order sec_order = BO_LE;
    int rc;

    for (size_t i = 0; i < c->o->n_secrets; i++)
        if (keylog_len(c->o->secrets[i]) > 0)
            have_secrets = true;
    pcapng_init(&pr, in->rd);
    compat_init(&cmp, in->name, reader_source(in->rd)->inflating, c->o->strict);
    reader_set_retain(in->rd, retain_to_writer, c);
    /* From a mapped file into a file or pipe the kernel copies: then the
     * reader retains across its windows, and the pass-through bytes go to
     * the writer's copier thread every PIPELINE_COPY_STEP bytes. */
    c->copy_ahead = reader_mapped(in->rd) && writer_can_copy(c->w);
    reader_retain_unbounded(in->rd, c->copy_ahead);
    writer_copy_async(c->w, c->copy_ahead);
    while ((rc = pcapng_next(&pr, &b, err)) == 1) {
        bool dropped = b.type == PCAPNG_BT_DSB && c->o->discard_existing &&
                       discard_this(c->o, &b);

        c->st->blocks++;
        /* The DSBs go after the SHB and the IDBs that directly follow it,
         * before any other block (and before the next section). */
        if (pending && b.type != PCAPNG_BT_IDB) {
            if (reader_retain_flush_to(in->rd, b.offset, err) < 0 ||
                write_dsbs(c, sec_order, b.offset, err) < 0)
                goto fail;
            pending = false;
        }
        /* Every block written is checked (not an input DSB dropped). */
        if (!dropped && compat_block(&cmp, &pr, &b, err) < 0)
            goto fail;
        switch (b.type) {
        case PCAPNG_BT_SHB:
            if (reader_retain_flush_to(in->rd, b.offset, err) < 0)
                goto fail;
            reader_retain_drop(in->rd);
            if (write_patched_shb(c, &b, err) < 0)
                goto fail;
            c->st->sections++;
            sec_order = b.order;
            pending =
                have_secrets && (c->st->sections == 1 || c->o->all_sections);
            break;
        case PCAPNG_BT_DSB:
            if (dropped) {
                if (reader_retain_flush_to(in->rd, b.offset, err) < 0)
                    goto fail;
                reader_retain_drop(in->rd);
                c->st->dsbs_dropped++;
            } else {
                c->st->dsbs_kept++;
            }
            break;
        case PCAPNG_BT_EPB:
        case PCAPNG_BT_SPB:
        case PCAPNG_BT_PB:
            c->st->packets++;
            break;
        default:
            break;
        }
        progress(c, in->rd);
        if (c->copy_ahead && reader_retained(in->rd) >= PIPELINE_COPY_STEP &&
            reader_retain_flush_to(
                in->rd, reader_offset(in->rd) & ~(uint64_t)(COPY_ALIGN - 1),
                err) < 0)
            goto fail;
    }
    /* The block cut short was not consumed: what is retained is complete. */
    if (rc < 0 && !salvage(c, in, c->st->sections > 0, err))
        goto fail;
    if (reader_retain_flush(in->rd, err) < 0)
        goto fail;
    if (pending && write_dsbs(c, sec_order, UINT64_MAX, err) < 0)
        goto fail;
    if (compat_end(&cmp, err) < 0)
        goto fail;
    compat_report(&cmp, c->o->diag);
    reader_set_retain(in->rd, NULL, NULL);
    pcapng_free(&pr);
    return 0;
fail:
    reader_set_retain(in->rd, NULL, NULL);
    pcapng_free(&pr);
    return -1;
}

int
inject_run(struct input *in, struct writer *w, const struct inject_opts *o,
           struct inject_stats *st, struct sc_err *err)
{
    struct ctx c = {in, w, o, st, 0, false};
    int rc;

    memset(st, 0, sizeof(*st));
    rc = in->format == FMT_PCAP ? run_pcap(&c, in, err)
                                : run_pcapng(&c, in, err);
    st->bytes_in = reader_offset(in->rd);
    if (rc == 0 && in->trailing_zeros > 0)
        sc_warn(o->diag,
                "%s: decompression OK, %" PRIu64 " trailing zero bytes "
                "ignored",
                in->name, in->trailing_zeros);
    if (rc == 0 && o->progress != NULL)
        o->progress(o->progress_ctx, st->bytes_in);
    if (rc == 0 && writer_flush(w, err) < 0)
        rc = -1;
    rc = input_finish(in, rc, err);
    st->bytes_out = writer_offset(w);
    return rc;
}
