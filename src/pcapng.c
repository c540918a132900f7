/*
 * pcapng.c - pcapng block reading and validation (see pcapng.h).
 *
 * Implements the block framing of draft-ietf-opsawg-pcapng §3-§4 and the
 * fixed parts, variable parts and options of the blocks in §4.1-§4.7 and
 * the DSB (§4.8), checked in the order libpcap's sf-pcapng.c checks them:
 * the length is validated (minimum, multiple of 4, cap) before the reader is
 * asked for the block, the trailer is compared before anything inside is
 * looked at, then every fixed part, variable part and option is checked
 * against the bytes left through a small cursor (pointer + bytes left,
 * bounds tested as `n > left`, which cannot wrap). Sizes derived from 32-bit
 * fields are computed in 64 bits.
 *
 * What it does not do: interpret timestamps, names or statistics; look
 * inside custom, Journal, local-use or unknown blocks (framing only); apply
 * libpcap's restrictions that come from its single-linktype API (one byte
 * order per file, one link type per file).
 */
#include "pcapng.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Smallest total lengths: 12 bytes of framing plus the fixed part. */
#define MIN_BLOCK 12u
#define MIN_SHB 28u
#define MIN_IDB 20u
#define MIN_PB 32u
#define MIN_SPB 16u
#define MIN_NRB 16u
#define MIN_ISB 24u
#define MIN_EPB PCAPNG_MIN_EPB
#define MIN_DSB 20u
#define MIN_CB 16u

#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9

/* A view of the bytes not yet examined. */
struct cursor {
    const uint8_t *p;
    size_t left;
};

const char *
pcapng_block_name(uint32_t type, char *buf)
{
    switch (type) {
    case PCAPNG_BT_SHB:
        return "SHB";
    case PCAPNG_BT_IDB:
        return "IDB";
    case PCAPNG_BT_PB:
        return "PB";
    case PCAPNG_BT_SPB:
        return "SPB";
    case PCAPNG_BT_NRB:
        return "NRB";
    case PCAPNG_BT_ISB:
        return "ISB";
    case PCAPNG_BT_EPB:
        return "EPB";
    case PCAPNG_BT_DSB:
        return "DSB";
    case PCAPNG_BT_CB:
        return "CB";
    case PCAPNG_BT_DCB:
        return "DCB";
    case PCAPNG_BT_JOURNAL:
        return "Journal";
    default:
        snprintf(buf, 16, "0x%08x", type);
        return buf;
    }
}

void
pcapng_init(struct pcapng_reader *pr, struct reader *rd)
{
    const struct source *src = rd != NULL ? reader_source(rd) : NULL;

    pr->rd = rd;
    pr->limit = src != NULL && !src->inflating && src->size >= 0
                    ? (uint64_t)src->size
                    : UINT64_MAX;
    pr->order = BO_LE;
    pr->blocks = 0;
    pr->sections = 0;
    pr->ifaces = NULL;
    pr->n_ifaces = 0;
    pr->cap_ifaces = 0;
}

void
pcapng_free(struct pcapng_reader *pr)
{
    free(pr->ifaces);
    pr->ifaces = NULL;
    pr->n_ifaces = 0;
    pr->cap_ifaces = 0;
}

/* Formats "NAME: offset N[ (uncompressed)]: block #K[ (TYPE)]: <msg>", NAME
 * being the source's name (absent without a reader). type is
 * NULL when there is no type to name (not read yet, or read before any
 * byte order is known). */
static int blk_err(const struct pcapng_reader *pr, uint64_t off,
                   uint64_t number, const uint32_t *type, struct sc_err *err,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
blk_err(const struct pcapng_reader *pr, uint64_t off, uint64_t number,
        const uint32_t *type, struct sc_err *err, const char *fmt, ...)
{
    char msg[SC_ERR_MSG_MAX];
    char name[16], what[32] = "";
    bool inflating = pr->rd != NULL && reader_source(pr->rd)->inflating;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (type != NULL)
        snprintf(what, sizeof(what), " (%s)", pcapng_block_name(*type, name));
    return sc_err_set(err, SC_ERR_DATA, "%s%soffset %llu%s: block #%llu%s: %s",
                      pr->rd != NULL ? reader_source(pr->rd)->name : "",
                      pr->rd != NULL ? ": " : "", (unsigned long long)off,
                      inflating ? " (uncompressed)" : "",
                      (unsigned long long)number, what, msg);
}

#define BERR(pr, b, err, ...)                                                  \
    blk_err((pr), (b)->offset, (b)->number, &(b)->type, (err), __VA_ARGS__)

/* Reads the SHB byte-order magic at p (4 bytes). 0, or -1 if it is neither
 * 0x1A2B3C4D nor its byte swap. */
static int
shb_order(const uint8_t *p, enum byte_order *o)
{
    if (bo_get32(BO_LE, p) == PCAPNG_BOM)
        *o = BO_LE;
    else if (bo_get32(BO_BE, p) == PCAPNG_BOM)
        *o = BO_BE;
    else
        return -1;
    return 0;
}

/*
 * Walks an options area (§3.5): each option is code u16, length u16 and a
 * value padded to 32 bits, and the whole padded value must lie inside the
 * area. opt_endofopt must have length 0 and ends the walk; the spec says
 * readers "MUST NOT rely on" it, so the end of the area ends it too, and
 * bytes after it are ignored as Wireshark does. tsresol, when not NULL,
 * receives the IDB's if_tsresol.
 */
static int
check_opts(const struct pcapng_reader *pr, const struct pcapng_block *b,
           struct cursor c, uint8_t *tsresol, struct sc_err *err)
{
    while (c.left > 0) {
        size_t at = (size_t)(c.p - b->data);
        uint16_t code, len;

        /* Cannot happen inside a block whose length and padded fields are
         * multiples of 4, but the cursor does not rely on that. */
        if (4 > c.left)
            return BERR(
                pr, b, err,
                "truncated option header at block offset %zu (%zu bytes left)",
                at, c.left);
        code = bo_get16(b->order, c.p);
        len = bo_get16(b->order, c.p + 2);
        c.p += 4;
        c.left -= 4;
        if (code == OPT_ENDOFOPT) {
            if (len != 0)
                return BERR(
                    pr, b, err,
                    "opt_endofopt at block offset %zu has length %u (must be 0)",
                    at, len);
            return 0;
        }
        if (pad4(len) > c.left)
            return BERR(
                pr, b, err,
                "option %u at block offset %zu: length %u overruns the block (%zu bytes left)",
                code, at, len, c.left);
        if (tsresol != NULL && code == OPT_IF_TSRESOL) {
            uint8_t v;

            if (len != 1)
                return BERR(
                    pr, b, err,
                    "if_tsresol at block offset %zu has length %u (must be 1)",
                    at, len);
            /* MSB clear: 10^-v, set: 2^-(v & 0x7F). Larger exponents do
             * not fit 64-bit arithmetic (libpcap a6417f7e). */
            v = c.p[0];
            if ((v & 0x80) ? (v & 0x7F) > 63 : v > 19)
                return BERR(
                    pr, b, err,
                    "if_tsresol at block offset %zu has an unsupported value 0x%02x",
                    at, v);
            *tsresol = v;
        }
        c.p += pad4(len);
        c.left -= (size_t)pad4(len);
    }
    return 0;
}

/* The cursor over [off, len - 4) of b: the part after a fixed/variable
 * part that the caller has checked to fit. */
static struct cursor
tail_from(const struct pcapng_block *b, uint64_t off)
{
    struct cursor c = {b->data + off, (size_t)(b->len - 4 - off)};

    return c;
}

static int
check_iface_ref(const struct pcapng_reader *pr, const struct pcapng_block *b,
                uint32_t iface, struct sc_err *err)
{
    if (iface >= pr->n_ifaces)
        return BERR(
            pr, b, err,
            "interface %u not declared (section #%llu has %u interfaces)",
            iface, (unsigned long long)b->section, pr->n_ifaces);
    return 0;
}

/* EPB and PB: captured data of caplen bytes at offset 28, padded, must fit
 * in front of the trailer (64-bit sum: caplen 0xFFFFFFF0 must not wrap). */
static int
check_packet_data(const struct pcapng_reader *pr, const struct pcapng_block *b,
                  uint32_t caplen, struct sc_err *err)
{
    uint64_t body = (uint64_t)b->len - MIN_EPB;

    if (pad4(caplen) > body)
        return BERR(pr, b, err, "captured length %u exceeds block body %llu",
                    caplen, (unsigned long long)body);
    return check_opts(pr, b, tail_from(b, 28 + pad4(caplen)), NULL, err);
}

static int
check_shb(struct pcapng_reader *pr, const struct pcapng_block *b,
          struct sc_err *err)
{
    enum byte_order o;
    uint16_t major, minor;

    if (shb_order(b->data + 8, &o) < 0 || o != b->order)
        return BERR(pr, b, err, "bad byte-order magic 0x%08x",
                    bo_get32(BO_BE, b->data + 8));
    major = bo_get16(b->order, b->data + 12);
    minor = bo_get16(b->order, b->data + 14);
    /* "Readers MUST treat 1.2 as 1.0"; anything else is another format. */
    if (major != 1 || (minor != 0 && minor != 2))
        return BERR(pr, b, err, "unsupported pcapng version %u.%u", major,
                    minor);
    if (check_opts(pr, b, tail_from(b, 24), NULL, err) < 0)
        return -1;
    /* A new section: its own byte order and interface IDs. */
    pr->order = b->order;
    pr->n_ifaces = 0;
    pr->sections++;
    return 0;
}

static int
add_iface(struct pcapng_reader *pr, const struct pcapng_block *b,
          const struct pcapng_iface *ifc, struct sc_err *err)
{
    if (pr->n_ifaces >= PCAPNG_MAX_IFACES)
        return BERR(pr, b, err, "more than %u interfaces in section #%llu",
                    PCAPNG_MAX_IFACES, (unsigned long long)b->section);
    if (pr->n_ifaces == pr->cap_ifaces) {
        /* Doubling from 8 reaches PCAPNG_MAX_IFACES (a power of two)
         * exactly, so the size stays far from any overflow. */
        uint32_t cap = pr->cap_ifaces == 0 ? 8 : pr->cap_ifaces * 2;
        struct pcapng_iface *n = realloc(pr->ifaces, (size_t)cap * sizeof(*n));

        if (n == NULL)
            return sc_err_set(err, SC_ERR_IO, "out of memory (%u interfaces)",
                              cap);
        pr->ifaces = n;
        pr->cap_ifaces = cap;
    }
    pr->ifaces[pr->n_ifaces++] = *ifc;
    return 0;
}

static int
check_idb(struct pcapng_reader *pr, const struct pcapng_block *b,
          struct sc_err *err)
{
    struct pcapng_iface ifc;

    ifc.linktype = bo_get16(b->order, b->data + 8);
    ifc.snaplen = bo_get32(b->order, b->data + 12);
    ifc.tsresol = 6; /* "If this option is not present, [...] 10^-6" */
    if (check_opts(pr, b, tail_from(b, 16), &ifc.tsresol, err) < 0)
        return -1;
    return add_iface(pr, b, &ifc, err);
}

static int
check_spb(const struct pcapng_reader *pr, const struct pcapng_block *b,
          struct sc_err *err)
{
    uint64_t body = (uint64_t)b->len - MIN_SPB;
    uint32_t origlen, caplen, snaplen;

    /* "the SPB [...] refers to the first Interface Description Block". */
    if (pr->n_ifaces == 0)
        return BERR(
            pr, b, err,
            "simple packet block before any interface description block in section #%llu",
            (unsigned long long)b->section);
    /* The captured length is min(SnapLen, Original Packet Length), with
     * SnapLen 0 meaning no limit; that many bytes must be present. */
    origlen = bo_get32(b->order, b->data + 8);
    snaplen = pr->ifaces[0].snaplen;
    caplen = snaplen != 0 && snaplen < origlen ? snaplen : origlen;
    if (pad4(caplen) > body)
        return BERR(
            pr, b, err,
            "captured length %u (original length %u, snaplen %u) exceeds block body %llu",
            caplen, origlen, snaplen, (unsigned long long)body);
    return 0;
}

/* Walks NRB records (§4.5): type u16, length u16, value padded; the list
 * ends with nrb_record_end (type 0). Sets *end to the offset after it. */
static int
walk_nrb(const struct pcapng_reader *pr, const struct pcapng_block *b,
         uint64_t *end, struct sc_err *err)
{
    struct cursor c = tail_from(b, 8);

    while (c.left > 0) {
        size_t at = (size_t)(c.p - b->data);
        uint16_t type, len;

        if (4 > c.left)
            return BERR(pr, b, err,
                        "truncated record header at block offset %zu", at);
        type = bo_get16(b->order, c.p);
        len = bo_get16(b->order, c.p + 2);
        c.p += 4;
        c.left -= 4;
        if (type == 0)
            break;
        if (pad4(len) > c.left)
            return BERR(
                pr, b, err,
                "name record %u at block offset %zu: length %u overruns the block (%zu bytes left)",
                type, at, len, c.left);
        c.p += pad4(len);
        c.left -= (size_t)pad4(len);
    }
    *end = (uint64_t)(c.p - b->data);
    return 0;
}

static int
check_dsb(const struct pcapng_reader *pr, const struct pcapng_block *b,
          struct sc_err *err)
{
    uint32_t slen = bo_get32(b->order, b->data + 12);
    uint64_t body = (uint64_t)b->len - MIN_DSB;

    /* Checked before anyone allocates or copies secrets_len bytes
     * (Wireshark allocates first). */
    if (pad4(slen) > body)
        return BERR(pr, b, err, "secrets length %u exceeds block body %llu",
                    slen, (unsigned long long)body);
    return check_opts(pr, b, tail_from(b, 16 + pad4(slen)), NULL, err);
}

/* Smallest total length for a block type; MIN_BLOCK for the rest. */
static uint32_t
min_len(uint32_t type)
{
    switch (type) {
    case PCAPNG_BT_SHB:
        return MIN_SHB;
    case PCAPNG_BT_IDB:
        return MIN_IDB;
    case PCAPNG_BT_PB:
        return MIN_PB;
    case PCAPNG_BT_SPB:
        return MIN_SPB;
    case PCAPNG_BT_NRB:
        return MIN_NRB;
    case PCAPNG_BT_ISB:
        return MIN_ISB;
    case PCAPNG_BT_EPB:
        return MIN_EPB;
    case PCAPNG_BT_DSB:
        return MIN_DSB;
    case PCAPNG_BT_CB:
    case PCAPNG_BT_DCB:
        return MIN_CB;
    default:
        return MIN_BLOCK;
    }
}

int
pcapng_check_block(struct pcapng_reader *pr, const struct pcapng_block *b,
                   struct sc_err *err)
{
    uint64_t end;

    /* Framing, again: the block may come from elsewhere than
     * pcapng_next (unit tests, fuzzing). */
    if (b->len < MIN_BLOCK || b->len % 4 != 0)
        return BERR(pr, b, err, "invalid block length %u", b->len);
    if (b->len < min_len(b->type))
        return BERR(pr, b, err,
                    "block length %u is less than the minimum of %u", b->len,
                    min_len(b->type));
    if (bo_get32(b->order, b->data + b->len - 4) != b->len)
        return BERR(pr, b, err,
                    "block length in header %u and trailer %u differ", b->len,
                    bo_get32(b->order, b->data + b->len - 4));
    switch (b->type) {
    case PCAPNG_BT_SHB:
        return check_shb(pr, b, err);
    case PCAPNG_BT_IDB:
        return check_idb(pr, b, err);
    case PCAPNG_BT_EPB:
        if (check_iface_ref(pr, b, bo_get32(b->order, b->data + 8), err) < 0)
            return -1;
        return check_packet_data(pr, b, bo_get32(b->order, b->data + 20), err);
    case PCAPNG_BT_PB:
        if (check_iface_ref(pr, b, bo_get16(b->order, b->data + 8), err) < 0)
            return -1;
        return check_packet_data(pr, b, bo_get32(b->order, b->data + 20), err);
    case PCAPNG_BT_SPB:
        return check_spb(pr, b, err);
    case PCAPNG_BT_NRB:
        if (walk_nrb(pr, b, &end, err) < 0)
            return -1;
        return check_opts(pr, b, tail_from(b, end), NULL, err);
    case PCAPNG_BT_ISB:
        if (check_iface_ref(pr, b, bo_get32(b->order, b->data + 8), err) < 0)
            return -1;
        return check_opts(pr, b, tail_from(b, 20), NULL, err);
    case PCAPNG_BT_DSB:
        return check_dsb(pr, b, err);
    default:
        /* Custom (the PEN fits: min_len), Journal, local-use and unknown
         * blocks: "A parser that does not understand them can simply
         * ignore their content." */
        return 0;
    }
}

/* The general path of pcapng_next: every block can go through it, and
 * every error is reported from here. Kept out of line so that the fast
 * path stays small. */
static __attribute__((noinline)) int
next_slow(struct pcapng_reader *pr, struct pcapng_block *b, struct sc_err *err)
{
    uint64_t off = reader_offset(pr->rd);
    uint64_t number = pr->blocks + 1;
    enum byte_order order = pr->order;
    const struct source *src;
    uint32_t type, len;
    const uint8_t *p;
    size_t have;
    int rc;

    /* 12 bytes: the header, plus an SHB's byte-order magic. No valid block
     * is shorter, so this never waits for bytes past a good block. */
    rc = reader_fill(pr->rd, 12, &p, err);
    if (rc < 0)
        return -1;
    have = rc == 1 ? 12 : reader_buffered(pr->rd);
    p = reader_ptr(pr->rd);
    if (have == 0) {
        if (pr->sections == 0)
            return blk_err(pr, off, number, NULL, err,
                           "not a pcapng file (no Section Header Block)");
        return 0; /* clean end between blocks */
    }
    /* The SHB type is a palindrome: readable before the order is known. */
    type = bo_get32(order, p);
    if (have < 8) {
        blk_err(pr, off, number,
                have >= 4 && (pr->sections > 0 || type == PCAPNG_BT_SHB) ? &type
                                                                         : NULL,
                err, "truncated block header (%zu of 8 bytes)", have);
        return pr->sections > 0 ? sc_err_cut(err) : -1;
    }
    if (pr->sections == 0 && type != PCAPNG_BT_SHB)
        return blk_err(
            pr, off, number, NULL, err,
            "not a pcapng file (starts with 0x%08x, not a Section Header Block)",
            bo_get32(BO_BE, p));
    if (type == PCAPNG_BT_SHB) {
        if (have < 12) {
            blk_err(pr, off, number, &type, err,
                    "truncated block header (%zu of 12 bytes)", have);
            return pr->sections > 0 ? sc_err_cut(err) : -1;
        }
        /* The section's byte order comes from the magic, so it has to be
         * known before the length can be decoded. */
        if (shb_order(p + 8, &order) < 0)
            return blk_err(pr, off, number, &type, err,
                           "bad byte-order magic 0x%08x",
                           bo_get32(BO_BE, p + 8));
    }
    len = bo_get32(order, p + 4);
    /* Before anything is buffered: a lying length must neither allocate
     * nor make us wait for bytes that are not part of the block. */
    if (len < min_len(type))
        return blk_err(pr, off, number, &type, err,
                       "block length %u is less than the minimum of %u", len,
                       min_len(type));
    if (len % 4 != 0)
        return blk_err(pr, off, number, &type, err,
                       "block length %u is not a multiple of 4", len);
    if (len > PCAPNG_MAX_BLOCK)
        return blk_err(pr, off, number, &type, err,
                       "block length %u exceeds the maximum of %u", len,
                       PCAPNG_MAX_BLOCK);
    /* A regular file tells how many bytes are left: a block longer than
     * that is truncated, and the reader need not grow its buffer to find
     * out (§0.1 of the reliability notes: "no larger than the bytes left in
     * the file"). Pipes and gzip streams learn it by reading. */
    src = reader_source(pr->rd);
    if (off + len > pr->limit) {
        uint64_t size = (uint64_t)src->size;

        blk_err(pr, off, number, &type, err,
                "truncated block (%llu of %u bytes)",
                (unsigned long long)(size > off ? size - off : 0), len);
        return pr->sections > 0 ? sc_err_cut(err) : -1;
    }
    rc = reader_fill(pr->rd, len, &p, err);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        blk_err(pr, off, number, &type, err,
                "truncated block (%zu of %u bytes)", reader_buffered(pr->rd),
                len);
        return sc_err_cut(err);
    }
    b->type = type;
    b->len = len;
    b->data = p;
    b->order = order;
    b->offset = off;
    b->number = number;
    b->section = type == PCAPNG_BT_SHB ? pr->sections + 1 : pr->sections;
    if (pcapng_check_block(pr, b, err) < 0)
        return -1;
    reader_consume(pr->rd, len);
    pr->blocks = number;
    return 1;
}

/*
 * For a block other than an SHB or an EPB (pcapng_next_epb in pcapng.h
 * takes the EPBs that pass its checks) already buffered whole in a section
 * of byte order o (a constant in each instance): the header checks of
 * next_slow without the reader calls, then pcapng_check_block. 1 with *b
 * filled; -1 on an error in the body of a block, reported as next_slow
 * would (every check before it has passed); 0 for anything else, which
 * next_slow then checks again and reports.
 */
static inline __attribute__((always_inline)) int
next_fast(struct pcapng_reader *pr, struct pcapng_block *b, struct sc_err *err,
          enum byte_order o)
{
    struct reader *rd = pr->rd;
    const uint8_t *p = reader_ptr(rd);
    size_t have = reader_buffered(rd);
    uint64_t off = reader_offset(rd);
    uint32_t type, len;

    if (have < 12 || pr->sections == 0)
        return 0;
    type = bo_get32(o, p);
    len = bo_get32(o, p + 4);
    /* The header checks of next_slow (the minimum, a multiple of 4, the
     * cap, the file size), with the block all buffered. */
    if (type == PCAPNG_BT_SHB || type == PCAPNG_BT_EPB || len > have ||
        len % 4 != 0 || len < min_len(type) || len > PCAPNG_MAX_BLOCK ||
        off + len > pr->limit)
        return 0;
    pcapng_block_at(pr, b, p, type, len, o, off);
    if (pcapng_check_block(pr, b, err) < 0)
        return -1;
    reader_consume(rd, len);
    pr->blocks = b->number;
    return 1;
}

int
pcapng_next_slow(struct pcapng_reader *pr, struct pcapng_block *b,
                 struct sc_err *err)
{
    int rc = pr->order == BO_LE ? next_fast(pr, b, err, BO_LE)
                                : next_fast(pr, b, err, BO_BE);

    return rc != 0 ? rc : next_slow(pr, b, err);
}

int
pcapng_opts_begin(const struct pcapng_block *b, struct pcapng_opt_iter *it)
{
    uint64_t off;

    switch (b->type) {
    case PCAPNG_BT_SHB:
        off = 24;
        break;
    case PCAPNG_BT_IDB:
        off = 16;
        break;
    case PCAPNG_BT_EPB:
    case PCAPNG_BT_PB:
        off = 28 + pad4(bo_get32(b->order, b->data + 20));
        break;
    case PCAPNG_BT_ISB:
        off = 20;
        break;
    case PCAPNG_BT_DSB:
        off = 16 + pad4(bo_get32(b->order, b->data + 12));
        break;
    case PCAPNG_BT_NRB: {
        /* A validated block: the walk cannot fail. */
        struct pcapng_reader none = {0};

        if (walk_nrb(&none, b, &off, NULL) < 0)
            return -1;
        break;
    }
    default:
        return -1;
    }
    if (off > (uint64_t)b->len - 4)
        return -1;
    it->p = b->data + off;
    it->left = (size_t)(b->len - 4 - off);
    it->order = b->order;
    return 0;
}

int
pcapng_opts_next(struct pcapng_opt_iter *it, struct pcapng_opt *o)
{
    uint16_t code, len;

    if (4 > it->left)
        return 0;
    code = bo_get16(it->order, it->p);
    len = bo_get16(it->order, it->p + 2);
    if (code == OPT_ENDOFOPT || pad4(len) > it->left - 4) {
        it->left = 0;
        return 0;
    }
    o->code = code;
    o->len = len;
    o->value = it->p + 4;
    it->p += 4 + pad4(len);
    it->left -= 4 + (size_t)pad4(len);
    return 1;
}

void
pcapng_shb_fields(const struct pcapng_block *b, struct pcapng_shb *s)
{
    uint64_t v = bo_get64(b->order, b->data + 16);

    s->major = bo_get16(b->order, b->data + 12);
    s->minor = bo_get16(b->order, b->data + 14);
    /* A signed field; -1 is "not specified". Converted without relying on
     * implementation-defined unsigned-to-signed conversion. */
    s->section_length = v <= INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
}

void
pcapng_dsb_fields(const struct pcapng_block *b, struct pcapng_dsb *d)
{
    d->secrets_type = bo_get32(b->order, b->data + 8);
    d->secrets_len = bo_get32(b->order, b->data + 12);
    d->secrets = b->data + 16;
}
