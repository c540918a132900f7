/*
 * test_pcapng.c - pcapng block reading and validation (src/pcapng.c).
 *
 * Files are built in memory, section by section in either byte order, by a
 * small block builder, and read back through pcapng_next over a memory
 * source that hands out 1, 3 or 4096 bytes per read (tu_chunks). Hostile
 * cases follow the checklist of notes/reliability.md §5; a few pin the
 * exact error text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"
#include "source.h"
#include "testutil.h"

static const enum byte_order orders[2] = {BO_LE, BO_BE};

/* A file under construction; o is the byte order of the current section,
 * blk the offset of the block being built. */
struct tb {
    uint8_t buf[16384];
    size_t len;
    enum byte_order o;
    size_t blk;
};

static void
tb_init(struct tb *t)
{
    memset(t, 0, sizeof(*t));
}

static void
tb_bytes(struct tb *t, const void *p, size_t n)
{
    ck_assert_uint_le(t->len + n, sizeof(t->buf));
    if (n > 0)
        memcpy(t->buf + t->len, p, n);
    t->len += n;
}

static void
tb_fill(struct tb *t, uint8_t c, size_t n)
{
    ck_assert_uint_le(t->len + n, sizeof(t->buf));
    memset(t->buf + t->len, c, n);
    t->len += n;
}

static void
tb_u16(struct tb *t, uint16_t v)
{
    uint8_t b[2];

    bo_put16(t->o, b, v);
    tb_bytes(t, b, 2);
}

static void
tb_u32(struct tb *t, uint32_t v)
{
    uint8_t b[4];

    bo_put32(t->o, b, v);
    tb_bytes(t, b, 4);
}

static void
tb_pad(struct tb *t)
{
    while (t->len % 4 != 0)
        tb_fill(t, 0, 1);
}

static void
blk_begin(struct tb *t, uint32_t type)
{
    t->blk = t->len;
    tb_u32(t, type);
    tb_u32(t, 0); /* patched by blk_end */
}

/* Pads, writes the trailer and patches the leading length. Returns the
 * block's offset. */
static size_t
blk_end(struct tb *t)
{
    uint32_t total;

    tb_pad(t);
    total = (uint32_t)(t->len - t->blk + 4);
    bo_put32(t->o, t->buf + t->blk + 4, total);
    tb_u32(t, total);
    return t->blk;
}

static void
opt(struct tb *t, uint16_t code, uint16_t len, const void *val)
{
    tb_u16(t, code);
    tb_u16(t, len);
    tb_bytes(t, val, len);
    tb_pad(t);
}

static void
endofopt(struct tb *t)
{
    tb_u16(t, 0);
    tb_u16(t, 0);
}

static void
shb_begin(struct tb *t, enum byte_order o, uint16_t major, uint16_t minor)
{
    t->o = o;
    blk_begin(t, PCAPNG_BT_SHB);
    tb_u32(t, PCAPNG_BOM);
    tb_u16(t, major);
    tb_u16(t, minor);
    tb_u32(t, 0xFFFFFFFFu);
    tb_u32(t, 0xFFFFFFFFu);
}

static size_t
shb(struct tb *t, enum byte_order o)
{
    shb_begin(t, o, 1, 0);
    return blk_end(t);
}

static void
idb_begin(struct tb *t, uint16_t linktype, uint32_t snaplen)
{
    blk_begin(t, PCAPNG_BT_IDB);
    tb_u16(t, linktype);
    tb_u16(t, 0);
    tb_u32(t, snaplen);
}

static size_t
idb(struct tb *t, uint16_t linktype, uint32_t snaplen)
{
    idb_begin(t, linktype, snaplen);
    return blk_end(t);
}

/* EPB with caplen field and n data bytes (0x11), padded; options follow
 * until blk_end. */
static void
epb_begin(struct tb *t, uint32_t iface, uint32_t caplen, size_t n)
{
    blk_begin(t, PCAPNG_BT_EPB);
    tb_u32(t, iface);
    tb_u32(t, 1);
    tb_u32(t, 2);
    tb_u32(t, caplen);
    tb_u32(t, caplen);
    tb_fill(t, 0x11, n);
    tb_pad(t);
}

static size_t
epb(struct tb *t, uint32_t iface, uint32_t caplen)
{
    epb_begin(t, iface, caplen, caplen);
    return blk_end(t);
}

static size_t
spb(struct tb *t, uint32_t origlen, size_t n)
{
    blk_begin(t, PCAPNG_BT_SPB);
    tb_u32(t, origlen);
    tb_fill(t, 0x22, n);
    return blk_end(t);
}

static size_t
pb(struct tb *t, uint16_t iface, uint32_t caplen)
{
    blk_begin(t, PCAPNG_BT_PB);
    tb_u16(t, iface);
    tb_u16(t, 0xFFFF);
    tb_u32(t, 1);
    tb_u32(t, 2);
    tb_u32(t, caplen);
    tb_u32(t, caplen);
    tb_fill(t, 0x33, caplen);
    return blk_end(t);
}

static size_t
isb(struct tb *t, uint32_t iface)
{
    blk_begin(t, PCAPNG_BT_ISB);
    tb_u32(t, iface);
    tb_u32(t, 1);
    tb_u32(t, 2);
    return blk_end(t);
}

static void
dsb_begin(struct tb *t, uint32_t slen, size_t n)
{
    blk_begin(t, PCAPNG_BT_DSB);
    tb_u32(t, 0x544c534bu);
    tb_u32(t, slen);
    tb_fill(t, 'k', n);
    tb_pad(t);
}

static size_t
dsb(struct tb *t, uint32_t slen)
{
    dsb_begin(t, slen, slen);
    return blk_end(t);
}

/* A block of any type with n body bytes. */
static size_t
raw(struct tb *t, uint32_t type, size_t n)
{
    blk_begin(t, type);
    tb_fill(t, 0x5A, n);
    return blk_end(t);
}

/* An NRB with one IPv4 record and nrb_record_end. */
static void
nrb_begin(struct tb *t)
{
    static const uint8_t rec[] = {10, 0, 0, 1, 'h', 'o', 's', 't', 0};

    blk_begin(t, PCAPNG_BT_NRB);
    tb_u16(t, 1);
    tb_u16(t, sizeof(rec));
    tb_bytes(t, rec, sizeof(rec));
    tb_pad(t);
    tb_u16(t, 0);
    tb_u16(t, 0);
}

/* A reader over len bytes at data. A pipe (or gzip stream, with
 * inflating) does not know its size, a regular file does. */
static struct reader *
mk_reader(const uint8_t *data, size_t len, size_t chunk, bool inflating,
          bool pipe)
{
    struct sc_err err;
    struct source *src = source_mem(data, len, chunk, "mem", &err);
    struct reader *rd;

    ck_assert_ptr_nonnull(src);
    src->inflating = inflating;
    if (pipe || inflating)
        src->size = -1;
    rd = reader_new(src, 0, &err);
    ck_assert_ptr_nonnull(rd);
    return rd;
}

#define MAX_GOT 64

struct got {
    size_t n;
    uint32_t type[MAX_GOT];
    uint64_t offset[MAX_GOT];
    uint64_t section[MAX_GOT];
    enum byte_order order[MAX_GOT];
};

/* Reads everything; returns the last pcapng_next result (0 or -1). */
static int
read_all(const uint8_t *d, size_t len, size_t chunk, bool pipe, bool inflating,
         struct got *g, struct sc_err *err)
{
    struct reader *rd = mk_reader(d, len, chunk, inflating, pipe);
    struct pcapng_reader pr;
    struct pcapng_block b;
    int rc;

    memset(g, 0, sizeof(*g));
    sc_err_clear(err);
    pcapng_init(&pr, rd);
    while ((rc = pcapng_next(&pr, &b, err)) == 1) {
        ck_assert_uint_lt(g->n, MAX_GOT);
        ck_assert_uint_eq(b.number, g->n + 1);
        ck_assert_uint_eq(pr.blocks, b.number);
        ck_assert_ptr_nonnull(b.data);
        ck_assert_uint_eq(bo_get32(b.order, b.data + 4), b.len);
        g->type[g->n] = b.type;
        g->offset[g->n] = b.offset;
        g->section[g->n] = b.section;
        g->order[g->n] = b.order;
        g->n++;
    }
    pcapng_free(&pr);
    reader_free(rd);
    return rc;
}

/* Expects t to read as nblocks valid blocks and a clean end, for every
 * chunk size, as a file and as a pipe. */
static void
expect_ok(const struct tb *t, size_t nblocks)
{
    size_t c;
    int pipe;

    for (pipe = 0; pipe < 2; pipe++) {
        for (c = 0; c < 3; c++) {
            struct got g;
            struct sc_err err;
            int rc =
                read_all(t->buf, t->len, tu_chunks[c], pipe, false, &g, &err);

            ck_assert_msg(rc == 0, "chunk %zu: %s", tu_chunks[c], err.msg);
            ck_assert_uint_eq(g.n, nblocks);
        }
    }
}

/* Expects nblocks valid blocks, then an error whose message contains msg
 * (or equals it when exact); as a file, and as a pipe unless file_only. */
static void
expect_err_in(const struct tb *t, size_t nblocks, const char *msg, bool exact,
              bool file_only)
{
    size_t c;
    int pipe;

    for (pipe = 0; pipe < (file_only ? 1 : 2); pipe++) {
        for (c = 0; c < 3; c++) {
            struct got g;
            struct sc_err err;
            int rc =
                read_all(t->buf, t->len, tu_chunks[c], pipe, false, &g, &err);

            ck_assert_int_eq(rc, -1);
            ck_assert_int_eq(err.kind, SC_ERR_DATA);
            ck_assert_uint_eq(g.n, nblocks);
            if (exact) {
                char want[SC_ERR_MSG_MAX];

                snprintf(want, sizeof(want), "mem: %s", msg);
                ck_assert_str_eq(err.msg, want);
            } else
                ck_assert_msg(strstr(err.msg, msg) != NULL,
                              "\"%s\" lacks \"%s\"", err.msg, msg);
        }
    }
}

static void
expect_err(const struct tb *t, size_t nblocks, const char *msg, bool exact)
{
    expect_err_in(t, nblocks, msg, exact, false);
}

START_TEST(test_block_names)
{
    char buf[16];

    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_SHB, buf), "SHB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_IDB, buf), "IDB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_PB, buf), "PB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_SPB, buf), "SPB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_NRB, buf), "NRB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_ISB, buf), "ISB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_EPB, buf), "EPB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_DSB, buf), "DSB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_CB, buf), "CB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_DCB, buf), "DCB");
    ck_assert_str_eq(pcapng_block_name(PCAPNG_BT_JOURNAL, buf), "Journal");
    ck_assert_str_eq(pcapng_block_name(0x80000001u, buf), "0x80000001");
    ck_assert_str_eq(pcapng_block_name(0, buf), "0x00000000");
}
END_TEST

START_TEST(test_shb_only)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        struct got g;
        struct sc_err err;

        tb_init(&t);
        shb(&t, orders[i]);
        ck_assert_int_eq(read_all(t.buf, t.len, 1, false, false, &g, &err), 0);
        ck_assert_uint_eq(g.n, 1);
        ck_assert_uint_eq(g.section[0], 1);
        ck_assert_int_eq(g.order[0], orders[i]);
        expect_ok(&t, 1);
        idb(&t, 1, 0);
        expect_ok(&t, 2);
    }
}
END_TEST

START_TEST(test_every_block_type)
{
    static const uint32_t want[] = {
        PCAPNG_BT_SHB, PCAPNG_BT_IDB, PCAPNG_BT_EPB,     PCAPNG_BT_SPB,
        PCAPNG_BT_PB,  PCAPNG_BT_NRB, PCAPNG_BT_ISB,     PCAPNG_BT_DSB,
        PCAPNG_BT_CB,  PCAPNG_BT_DCB, PCAPNG_BT_JOURNAL, 0x00000123u,
        0x80000001u,   PCAPNG_BT_EPB};
    int i;
    size_t c, k;

    for (i = 0; i < 2; i++) {
        struct tb t;
        size_t off[14];

        tb_init(&t);
        off[0] = shb(&t, orders[i]);
        off[1] = idb(&t, 1, 0);
        off[2] = epb(&t, 0, 61);
        off[3] = spb(&t, 5, 5);
        off[4] = pb(&t, 0, 7);
        nrb_begin(&t);
        off[5] = blk_end(&t);
        off[6] = isb(&t, 0);
        off[7] = dsb(&t, 13);
        off[8] = raw(&t, PCAPNG_BT_CB, 4);  /* PEN only */
        off[9] = raw(&t, PCAPNG_BT_DCB, 9); /* PEN + data */
        off[10] = raw(&t, PCAPNG_BT_JOURNAL, 0);
        off[11] = raw(&t, 0x00000123u, 3);
        off[12] = raw(&t, 0x80000001u, 8);
        off[13] = epb(&t, 0, 0);
        for (c = 0; c < 3; c++) {
            struct got g;
            struct sc_err err;

            ck_assert_int_eq(
                read_all(t.buf, t.len, tu_chunks[c], c == 1, false, &g, &err),
                0);
            ck_assert_uint_eq(g.n, 14);
            for (k = 0; k < 14; k++) {
                ck_assert_uint_eq(g.type[k], want[k]);
                ck_assert_uint_eq(g.offset[k], off[k]);
                ck_assert_uint_eq(g.section[k], 1);
                ck_assert_int_eq(g.order[k], orders[i]);
            }
        }
    }
}
END_TEST

START_TEST(test_multi_section)
{
    struct tb t;
    struct got g;
    struct sc_err err;
    size_t c;

    tb_init(&t);
    shb(&t, BO_LE);
    idb(&t, 1, 0);
    idb(&t, 105, 0);
    epb(&t, 1, 10);
    shb(&t, BO_BE);
    idb(&t, 1, 0);
    epb(&t, 0, 10);
    dsb(&t, 4);
    shb(&t, BO_LE);
    shb(&t, BO_BE);
    raw(&t, 0x80000001u, 0);
    for (c = 0; c < 3; c++) {
        ck_assert_int_eq(
            read_all(t.buf, t.len, tu_chunks[c], c == 1, false, &g, &err), 0);
        ck_assert_uint_eq(g.n, 11);
        ck_assert_uint_eq(g.section[3], 1);
        ck_assert_int_eq(g.order[3], BO_LE);
        ck_assert_uint_eq(g.section[4], 2);
        ck_assert_int_eq(g.order[6], BO_BE);
        ck_assert_uint_eq(g.section[7], 2);
        ck_assert_uint_eq(g.section[8], 3);
        ck_assert_int_eq(g.order[8], BO_LE);
        ck_assert_uint_eq(g.section[10], 4);
        ck_assert_int_eq(g.order[10], BO_BE);
    }
    /* Interface IDs are per section: the second section has one. */
    tb_init(&t);
    shb(&t, BO_LE);
    idb(&t, 1, 0);
    idb(&t, 1, 0);
    shb(&t, BO_BE);
    idb(&t, 1, 0);
    epb(&t, 1, 10);
    expect_err(
        &t, 5,
        "block #6 (EPB): interface 1 not declared (section #2 has 1 interfaces)",
        false);
    /* A new section starts with no interfaces at all. */
    tb_init(&t);
    shb(&t, BO_BE);
    idb(&t, 1, 0);
    shb(&t, BO_LE);
    spb(&t, 4, 4);
    expect_err(
        &t, 3,
        "simple packet block before any interface description block in section #2",
        false);
}
END_TEST

START_TEST(test_versions)
{
    static const struct {
        uint16_t major, minor;
        int ok;
    } v[] = {{1, 0, 1}, {1, 2, 1}, {1, 1, 0}, {2, 0, 0},
             {0, 0, 0}, {0, 1, 0}, {1, 3, 0}};
    size_t k;
    int i;

    for (i = 0; i < 2; i++) {
        for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
            struct tb t;
            char want[80];

            tb_init(&t);
            shb_begin(&t, orders[i], v[k].major, v[k].minor);
            blk_end(&t);
            if (v[k].ok) {
                expect_ok(&t, 1);
                continue;
            }
            snprintf(
                want, sizeof(want),
                "offset 0: block #1 (SHB): unsupported pcapng version %u.%u",
                v[k].major, v[k].minor);
            expect_err(&t, 0, want, true);
            /* The same in a later section. */
            tb_init(&t);
            shb(&t, orders[1 - i]);
            shb_begin(&t, orders[i], v[k].major, v[k].minor);
            blk_end(&t);
            expect_err(&t, 1, "unsupported pcapng version", false);
        }
    }
}
END_TEST

START_TEST(test_bad_bom)
{
    struct tb t;

    tb_init(&t);
    shb(&t, BO_LE);
    t.buf[8] = 0x4E;
    expect_err(&t, 0,
               "offset 0: block #1 (SHB): bad byte-order magic 0x4e3c2b1a",
               true);
    /* A later section with a bad magic. */
    tb_init(&t);
    shb(&t, BO_BE);
    shb(&t, BO_BE);
    t.buf[28 + 11] = 0;
    expect_err(&t, 1,
               "offset 28: block #2 (SHB): bad byte-order magic 0x1a2b3c00",
               true);
    /* Magic big-endian, rest of the block little-endian: the length reads
     * as 0x1C000000, past the cap. */
    tb_init(&t);
    shb(&t, BO_LE);
    bo_put32(BO_BE, t.buf + 8, PCAPNG_BOM);
    expect_err(&t, 0, "block length 469762048 exceeds the maximum of 134348832",
               false);
}
END_TEST

START_TEST(test_not_pcapng)
{
    struct tb t;
    int i;

    for (i = 0; i < 2; i++) {
        tb_init(&t);
        t.o = orders[i];
        idb(&t, 1, 0);
        shb(&t, orders[i]);
        expect_err(
            &t, 0,
            i == 0
                ? "offset 0: block #1: not a pcapng file (starts with 0x01000000, not a Section Header Block)"
                : "offset 0: block #1: not a pcapng file (starts with 0x00000001, not a Section Header Block)",
            true);
    }
    /* Empty stream. */
    tb_init(&t);
    expect_err(
        &t, 0,
        "offset 0: block #1: not a pcapng file (no Section Header Block)",
        true);
    /* A pcap file. */
    tb_init(&t);
    tb_u32(&t, 0xA1B2C3D4u);
    tb_fill(&t, 0, 20);
    expect_err(&t, 0, "not a pcapng file", false);
}
END_TEST

/* Sets the length of the block at off (header and trailer) to len, in
 * order o; the trailer stays where it was. */
static void
set_len(struct tb *t, size_t off, uint32_t len)
{
    bo_put32(t->o, t->buf + off + 4, len);
}

START_TEST(test_bad_lengths)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        size_t e;

        /* SHB lengths. */
        tb_init(&t);
        shb(&t, orders[i]);
        set_len(&t, 0, 0);
        expect_err(
            &t, 0,
            "offset 0: block #1 (SHB): block length 0 is less than the minimum of 28",
            true);
        set_len(&t, 0, 4);
        expect_err(&t, 0, "block length 4 is less than the minimum of 28",
                   false);
        set_len(&t, 0, 11);
        expect_err(&t, 0, "block length 11 is less than the minimum of 28",
                   false);
        set_len(&t, 0, 24);
        expect_err(&t, 0, "block length 24 is less than the minimum of 28",
                   false);
        set_len(&t, 0, 30);
        expect_err(&t, 0, "block length 30 is not a multiple of 4", false);
        set_len(&t, 0, 0xFFFFFFFCu);
        expect_err(&t, 0,
                   "block length 4294967292 exceeds the maximum of 134348832",
                   false);
        set_len(&t, 0, 0xFFFFFFFFu);
        expect_err(&t, 0, "block length 4294967295 is not a multiple of 4",
                   false);
        set_len(&t, 0, 1 << 20);
        expect_err(
            &t, 0,
            "offset 0: block #1 (SHB): truncated block (28 of 1048576 bytes)",
            true);
        /* Other blocks. */
        tb_init(&t);
        shb(&t, orders[i]);
        e = epb(&t, 0, 4);
        set_len(&t, e, 16);
        expect_err(
            &t, 1,
            "offset 28: block #2 (EPB): block length 16 is less than the minimum of 32",
            true);
        set_len(&t, e, 11);
        expect_err(&t, 1, "block length 11 is less than the minimum of 32",
                   false);
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, 0x80000001u, 4);
        set_len(&t, e, 11);
        expect_err(
            &t, 1,
            "offset 28: block #2 (0x80000001): block length 11 is less than the minimum of 12",
            true);
        set_len(&t, e, 14);
        expect_err(&t, 1, "block length 14 is not a multiple of 4", false);
        set_len(&t, e, 0xFFFFFFFCu);
        expect_err(&t, 1, "exceeds the maximum", false);
        set_len(&t, e, 64);
        expect_err(
            &t, 1,
            "offset 28: block #2 (0x80000001): truncated block (16 of 64 bytes)",
            true);
        /* The largest accepted length passes framing (and is then
         * truncated here). */
        set_len(&t, e, PCAPNG_MAX_BLOCK);
        expect_err_in(&t, 1, "truncated block (16 of 134348832 bytes)", false,
                      true);
        /* Fixed parts per type. */
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, PCAPNG_BT_CB, 0);
        expect_err(&t, 1,
                   "(CB): block length 12 is less than the minimum of 16",
                   false);
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, PCAPNG_BT_DSB, 4);
        expect_err(&t, 1,
                   "(DSB): block length 16 is less than the minimum of 20",
                   false);
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, PCAPNG_BT_IDB, 4);
        expect_err(&t, 1,
                   "(IDB): block length 16 is less than the minimum of 20",
                   false);
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, PCAPNG_BT_ISB, 8);
        expect_err(&t, 1,
                   "(ISB): block length 20 is less than the minimum of 24",
                   false);
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, PCAPNG_BT_SPB, 0);
        expect_err(&t, 1,
                   "(SPB): block length 12 is less than the minimum of 16",
                   false);
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, PCAPNG_BT_NRB, 0);
        expect_err(&t, 1,
                   "(NRB): block length 12 is less than the minimum of 16",
                   false);
        tb_init(&t);
        shb(&t, orders[i]);
        e = raw(&t, PCAPNG_BT_PB, 16);
        expect_err(&t, 1,
                   "(PB): block length 28 is less than the minimum of 32",
                   false);
    }
}
END_TEST

START_TEST(test_trailer_mismatch)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        size_t e;

        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        e = epb(&t, 0, 4);
        ck_assert_uint_eq(e, 48);
        bo_put32(t.o, t.buf + t.len - 4, 40);
        expect_err(
            &t, 2,
            "offset 48: block #3 (EPB): block length in header 36 and trailer 40 differ",
            true);
        /* A big-endian trailer on a little-endian block. */
        bo_put32(orders[1 - i], t.buf + t.len - 4, 36);
        expect_err(&t, 2, "and trailer 603979776 differ", false);
        /* The SHB trailer too. */
        tb_init(&t);
        shb(&t, orders[i]);
        bo_put32(t.o, t.buf + 24, 32);
        expect_err(
            &t, 0,
            "offset 0: block #1 (SHB): block length in header 28 and trailer 32 differ",
            true);
    }
}
END_TEST

START_TEST(test_epb_caplen)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        size_t e;

        /* The example of pcapng.h, exactly. */
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        e = epb(&t, 0, 1508);
        bo_put32(t.o, t.buf + e + 20, 1600);
        expect_err(
            &t, 2,
            "offset 48: block #3 (EPB): captured length 1600 exceeds block body 1508",
            true);
        /* 0xFFFFFFF0 would wrap to a small size in 32-bit arithmetic. */
        bo_put32(t.o, t.buf + e + 20, 0xFFFFFFF0u);
        expect_err(
            &t, 2,
            "offset 48: block #3 (EPB): captured length 4294967280 exceeds block body 1508",
            true);
        bo_put32(t.o, t.buf + e + 20, 0xFFFFFFFFu);
        expect_err(&t, 2, "captured length 4294967295 exceeds block body 1508",
                   false);
        /* Exactly filling the body, with and without padding, is fine. */
        bo_put32(t.o, t.buf + e + 20, 1508);
        expect_ok(&t, 3);
        bo_put32(t.o, t.buf + e + 20, 1505);
        expect_ok(&t, 3);
        bo_put32(t.o, t.buf + e + 20, 1509);
        expect_err(&t, 2, "captured length 1509 exceeds block body 1508",
                   false);
        /* PB: the same check. */
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        e = pb(&t, 0, 8);
        bo_put32(t.o, t.buf + e + 20, 9);
        expect_err(&t, 2, "(PB): captured length 9 exceeds block body 8",
                   false);
    }
}
END_TEST

START_TEST(test_iface_refs)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;

        tb_init(&t);
        shb(&t, orders[i]);
        epb(&t, 0, 4);
        expect_err(
            &t, 1,
            "offset 28: block #2 (EPB): interface 0 not declared (section #1 has 0 interfaces)",
            true);
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        epb(&t, 0, 4);
        epb(&t, 1, 4);
        expect_err(
            &t, 3,
            "(EPB): interface 1 not declared (section #1 has 1 interfaces)",
            false);
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        epb(&t, 0xFFFFFFFFu, 4);
        expect_err(&t, 2, "interface 4294967295 not declared", false);
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        isb(&t, 0);
        isb(&t, 1);
        expect_err(&t, 3, "(ISB): interface 1 not declared", false);
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        pb(&t, 0, 4);
        pb(&t, 1, 4);
        expect_err(&t, 3, "(PB): interface 1 not declared", false);
    }
}
END_TEST

START_TEST(test_spb)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;

        tb_init(&t);
        shb(&t, orders[i]);
        spb(&t, 4, 4);
        expect_err(
            &t, 1,
            "offset 28: block #2 (SPB): simple packet block before any interface description block in section #1",
            true);
        /* Captured length = min(snaplen, origlen). */
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 64);
        spb(&t, 1500, 64);
        spb(&t, 10, 10);
        spb(&t, 0, 0);
        expect_ok(&t, 5);
        spb(&t, 1500, 60);
        expect_err(
            &t, 5,
            "(SPB): captured length 64 (original length 1500, snaplen 64) exceeds block body 60",
            false);
        /* Snaplen 0 = no limit: origlen 0xFFFFFFF0 cannot be there. */
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        spb(&t, 0xFFFFFFF0u, 8);
        expect_err(
            &t, 2,
            "captured length 4294967280 (original length 4294967280, snaplen 0) exceeds block body 8",
            false);
    }
}
END_TEST

START_TEST(test_dsb)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        size_t e, c;

        tb_init(&t);
        shb(&t, orders[i]);
        dsb(&t, 0);
        e = dsb(&t, 10);
        expect_ok(&t, 3);
        bo_put32(t.o, t.buf + e + 12, 13);
        expect_err(
            &t, 2,
            "offset 48: block #3 (DSB): secrets length 13 exceeds block body 12",
            true);
        bo_put32(t.o, t.buf + e + 12, 0xFFFFFFFFu);
        expect_err(&t, 2, "secrets length 4294967295 exceeds block body 12",
                   false);
        bo_put32(t.o, t.buf + e + 12, 64u << 20);
        expect_err(&t, 2, "secrets length 67108864 exceeds block body 12",
                   false);
        /* Fields and options. */
        tb_init(&t);
        shb(&t, orders[i]);
        dsb_begin(&t, 5, 5);
        opt(&t, 1, 3, "abc");
        endofopt(&t);
        blk_end(&t);
        for (c = 0; c < 3; c++) {
            struct reader *rd =
                mk_reader(t.buf, t.len, tu_chunks[c], false, c == 1);
            struct pcapng_reader pr;
            struct pcapng_block b;
            struct pcapng_dsb d;
            struct pcapng_opt_iter it;
            struct pcapng_opt o;
            struct sc_err err;

            pcapng_init(&pr, rd);
            ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
            ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
            pcapng_dsb_fields(&b, &d);
            ck_assert_uint_eq(d.secrets_type, 0x544c534bu);
            ck_assert_uint_eq(d.secrets_len, 5);
            ck_assert_mem_eq(d.secrets, "kkkkk", 5);
            ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
            ck_assert_int_eq(pcapng_opts_next(&it, &o), 1);
            ck_assert_uint_eq(o.code, 1);
            ck_assert_uint_eq(o.len, 3);
            ck_assert_mem_eq(o.value, "abc", 3);
            ck_assert_int_eq(pcapng_opts_next(&it, &o), 0);
            ck_assert_int_eq(pcapng_next(&pr, &b, &err), 0);
            pcapng_free(&pr);
            reader_free(rd);
        }
        /* Option overrun in a DSB. */
        tb_init(&t);
        shb(&t, orders[i]);
        dsb_begin(&t, 5, 5);
        tb_u16(&t, 1);
        tb_u16(&t, 8);
        tb_u32(&t, 0);
        blk_end(&t);
        expect_err(
            &t, 1,
            "(DSB): option 1 at block offset 24: length 8 overruns the block (4 bytes left)",
            false);
    }
}
END_TEST

START_TEST(test_options)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        size_t e;

        /* Overrun: value past the trailer. */
        tb_init(&t);
        shb(&t, orders[i]);
        idb_begin(&t, 1, 0);
        tb_u16(&t, 2);
        tb_u16(&t, 8);
        tb_u32(&t, 0);
        blk_end(&t);
        expect_err(
            &t, 1,
            "offset 28: block #2 (IDB): option 2 at block offset 16: length 8 overruns the block (4 bytes left)",
            true);
        /* Length 0xFFFF. */
        tb_init(&t);
        shb(&t, orders[i]);
        idb_begin(&t, 1, 0);
        tb_u16(&t, 2);
        tb_u16(&t, 0xFFFF);
        tb_u32(&t, 0);
        blk_end(&t);
        expect_err(&t, 1, "length 65535 overruns the block", false);
        /* opt_endofopt of length 4. */
        tb_init(&t);
        shb(&t, orders[i]);
        idb_begin(&t, 1, 0);
        tb_u16(&t, 0);
        tb_u16(&t, 4);
        tb_u32(&t, 0);
        blk_end(&t);
        expect_err(
            &t, 1,
            "(IDB): opt_endofopt at block offset 16 has length 4 (must be 0)",
            false);
        /* No endofopt, local-use codes, junk after endofopt: accepted. */
        tb_init(&t);
        shb_begin(&t, orders[i], 1, 0);
        opt(&t, 4, 5, "hello");
        blk_end(&t);
        idb_begin(&t, 1, 0);
        opt(&t, 0x8001, 1, "x");
        endofopt(&t);
        tb_u32(&t, 0xFFFFFFFFu);
        blk_end(&t);
        epb_begin(&t, 0, 3, 3);
        opt(&t, 2, 4, "\0\0\0\1");
        endofopt(&t);
        blk_end(&t);
        isb(&t, 0);
        expect_ok(&t, 4);
        /* Overrun in SHB, EPB, ISB options. */
        tb_init(&t);
        shb_begin(&t, orders[i], 1, 0);
        opt(&t, 4, 5, "hello");
        blk_end(&t);
        bo_put16(t.o, t.buf + 26, 9);
        expect_err(
            &t, 0,
            "(SHB): option 4 at block offset 24: length 9 overruns the block (8 bytes left)",
            false);
        tb_init(&t);
        shb(&t, orders[i]);
        idb(&t, 1, 0);
        epb_begin(&t, 0, 3, 3);
        opt(&t, 2, 4, "\0\0\0\1");
        e = blk_end(&t);
        bo_put16(t.o, t.buf + e + 34, 5);
        expect_err(
            &t, 2,
            "(EPB): option 2 at block offset 32: length 5 overruns the block (4 bytes left)",
            false);
    }
}
END_TEST

START_TEST(test_tsresol)
{
    static const struct {
        uint16_t len;
        uint8_t v;
        int ok;
    } cases[] = {{1, 6, 1},    {1, 9, 1},    {1, 19, 1}, {1, 0, 1},
                 {1, 0x80, 1}, {1, 0xBF, 1}, {1, 20, 0}, {1, 0x7F, 0},
                 {1, 0xC0, 0}, {1, 0xFF, 0}, {0, 0, 0},  {2, 6, 0}};
    int i;
    size_t k;

    for (i = 0; i < 2; i++) {
        for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            struct tb t;
            uint8_t val[2] = {cases[k].v, 0};
            struct reader *rd;
            struct pcapng_reader pr;
            struct pcapng_block b;
            struct sc_err err;

            tb_init(&t);
            shb(&t, orders[i]);
            idb(&t, 1, 0);
            idb_begin(&t, 1, 0);
            opt(&t, 9, cases[k].len, val);
            endofopt(&t);
            blk_end(&t);
            if (!cases[k].ok) {
                expect_err(&t, 2, "(IDB): if_tsresol at block offset 16",
                           false);
                continue;
            }
            expect_ok(&t, 3);
            rd = mk_reader(t.buf, t.len, 4096, false, false);
            pcapng_init(&pr, rd);
            while (pcapng_next(&pr, &b, &err) == 1)
                ;
            ck_assert_uint_eq(pr.n_ifaces, 2);
            ck_assert_uint_eq(pr.ifaces[0].tsresol, 6);
            ck_assert_uint_eq(pr.ifaces[1].tsresol, cases[k].v);
            pcapng_free(&pr);
            reader_free(rd);
        }
    }
}
END_TEST

START_TEST(test_tsresol_messages)
{
    struct tb t;

    tb_init(&t);
    shb(&t, BO_LE);
    idb_begin(&t, 1, 0);
    opt(&t, 9, 1, "\x14");
    blk_end(&t);
    expect_err(
        &t, 1,
        "offset 28: block #2 (IDB): if_tsresol at block offset 16 has an unsupported value 0x14",
        true);
    tb_init(&t);
    shb(&t, BO_BE);
    idb_begin(&t, 1, 0);
    opt(&t, 9, 0, "");
    blk_end(&t);
    expect_err(
        &t, 1,
        "offset 28: block #2 (IDB): if_tsresol at block offset 16 has length 0 (must be 1)",
        true);
}
END_TEST

START_TEST(test_nrb)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        struct reader *rd;
        struct pcapng_reader pr;
        struct pcapng_block b;
        struct pcapng_opt_iter it;
        struct pcapng_opt o;
        struct sc_err err;
        size_t e;

        /* Records, record end, then options. */
        tb_init(&t);
        shb(&t, orders[i]);
        nrb_begin(&t);
        opt(&t, 2, 7, "dns.lan");
        endofopt(&t);
        blk_end(&t);
        expect_ok(&t, 2);
        rd = mk_reader(t.buf, t.len, 3, false, true);
        pcapng_init(&pr, rd);
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
        ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 1);
        ck_assert_uint_eq(o.code, 2);
        ck_assert_mem_eq(o.value, "dns.lan", 7);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 0);
        pcapng_free(&pr);
        reader_free(rd);
        /* Without nrb_record_end: tolerated, no options. */
        tb_init(&t);
        shb(&t, orders[i]);
        blk_begin(&t, PCAPNG_BT_NRB);
        tb_u16(&t, 1);
        tb_u16(&t, 4);
        tb_u32(&t, 0x0A000001u);
        blk_end(&t);
        expect_ok(&t, 2);
        /* A record overrunning the block. */
        tb_init(&t);
        shb(&t, orders[i]);
        nrb_begin(&t);
        e = blk_end(&t);
        bo_put16(t.o, t.buf + e + 10, 16);
        expect_ok(&t, 2); /* exactly up to the trailer, no record end */
        bo_put16(t.o, t.buf + e + 10, 17);
        expect_err(
            &t, 1,
            "(NRB): name record 1 at block offset 8: length 17 overruns the block (16 bytes left)",
            false);
        /* An overrunning option after the records. */
        tb_init(&t);
        shb(&t, orders[i]);
        nrb_begin(&t);
        tb_u16(&t, 2);
        tb_u16(&t, 100);
        e = blk_end(&t);
        expect_err(
            &t, 1,
            "(NRB): option 2 at block offset 28: length 100 overruns the block (0 bytes left)",
            false);
    }
}
END_TEST

START_TEST(test_custom_blocks)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;

        /* Framing only: the content of custom, Journal, unknown and
         * local-use blocks is not interpreted. */
        tb_init(&t);
        shb(&t, orders[i]);
        raw(&t, PCAPNG_BT_CB, 4);
        raw(&t, PCAPNG_BT_DCB, 400);
        raw(&t, PCAPNG_BT_JOURNAL, 13);
        raw(&t, 0x00000007u, 0);
        raw(&t, 0xFFFFFFFFu, 4);
        raw(&t, 0x80000001u, 0);
        expect_ok(&t, 7);
    }
}
END_TEST

/* Cutting a good file anywhere inside a block is an error naming that
 * block; cutting between blocks is a clean end. */
START_TEST(test_truncation_everywhere)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        size_t starts[8], nb = 0, cut;

        tb_init(&t);
        starts[nb++] = shb(&t, orders[i]);
        shb_begin(&t, orders[i], 1, 2);
        opt(&t, 4, 3, "app");
        endofopt(&t);
        starts[nb++] = blk_end(&t);
        idb_begin(&t, 1, 0);
        opt(&t, 9, 1, "\x09");
        endofopt(&t);
        starts[nb++] = blk_end(&t);
        epb_begin(&t, 0, 5, 5);
        opt(&t, 2, 4, "\0\0\0\0");
        endofopt(&t);
        starts[nb++] = blk_end(&t);
        starts[nb++] = dsb(&t, 7);
        nrb_begin(&t);
        starts[nb++] = blk_end(&t);
        starts[nb] = t.len;
        for (cut = 0; cut <= t.len; cut++) {
            size_t k = 0, m;
            char want[160];

            while (k < nb && starts[k + 1] <= cut)
                k++;
            if (cut == 0)
                snprintf(
                    want, sizeof(want),
                    "offset 0: block #1: not a pcapng file (no Section Header Block)");
            else if (cut == starts[k])
                want[0] = '\0';
            else if (cut - starts[k] < 4)
                snprintf(
                    want, sizeof(want),
                    "offset %zu: block #%zu: truncated block header (%zu of 8 bytes)",
                    starts[k], k + 1, cut - starts[k]);
            else if (cut - starts[k] < 8)
                /* The type is there: the message names it. */
                snprintf(
                    want, sizeof(want),
                    "offset %zu: block #%zu (%s): truncated block header (%zu of 8 bytes)",
                    starts[k], k + 1,
                    k < 2    ? "SHB"
                    : k == 2 ? "IDB"
                    : k == 3 ? "EPB"
                    : k == 4 ? "DSB"
                             : "NRB",
                    cut - starts[k]);
            else if (cut - starts[k] < 12 && k < 2)
                snprintf(
                    want, sizeof(want),
                    "offset %zu: block #%zu (SHB): truncated block header (%zu of 12 bytes)",
                    starts[k], k + 1, cut - starts[k]);
            else
                snprintf(want, sizeof(want), "block #%zu (%s", k + 1,
                         k < 2    ? "SHB"
                         : k == 2 ? "IDB"
                         : k == 3 ? "EPB"
                         : k == 4 ? "DSB"
                                  : "NRB");
            /* Every chunk size; as a file (size known) or a pipe on
             * alternate cuts, which halves the run time under ASan. */
            for (m = 0; m < 3; m++) {
                struct got g;
                struct sc_err err;
                char want2[80];
                int rc = read_all(t.buf, cut, tu_chunks[m], cut % 2 == 1, false,
                                  &g, &err);

                if (want[0] == '\0') {
                    ck_assert_msg(rc == 0, "cut %zu: %s", cut, err.msg);
                    ck_assert_uint_eq(g.n, k);
                    continue;
                }
                ck_assert_msg(rc == -1, "cut %zu accepted", cut);
                ck_assert_uint_eq(g.n, k);
                ck_assert_msg(strstr(err.msg, want) != NULL,
                              "cut %zu: \"%s\" lacks \"%s\"", cut, err.msg,
                              want);
                if (cut - starts[k] >= 8 && !(k < 2 && cut - starts[k] < 12)) {
                    snprintf(want2, sizeof(want2),
                             "truncated block (%zu of %zu bytes)",
                             cut - starts[k], starts[k + 1] - starts[k]);
                    ck_assert_msg(strstr(err.msg, want2) != NULL,
                                  "cut %zu: \"%s\" lacks \"%s\"", cut, err.msg,
                                  want2);
                }
            }
        }
    }
}
END_TEST

START_TEST(test_uncompressed_offset)
{
    struct tb t;
    struct got g;
    struct sc_err err;
    size_t e;

    tb_init(&t);
    shb(&t, BO_LE);
    idb(&t, 1, 0);
    e = epb(&t, 0, 1508);
    bo_put32(t.o, t.buf + e + 20, 1600);
    ck_assert_int_eq(read_all(t.buf, t.len, 4096, true, true, &g, &err), -1);
    ck_assert_str_eq(
        err.msg,
        "mem: offset 48 (uncompressed): block #3 (EPB): captured length 1600 exceeds block body 1508");
    ck_assert_int_eq(read_all(t.buf, 30, 4096, true, true, &g, &err), -1);
    ck_assert_str_eq(
        err.msg,
        "mem: offset 28 (uncompressed): block #2: truncated block header (2 of 8 bytes)");
}
END_TEST

START_TEST(test_opts_iteration)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        struct reader *rd;
        struct pcapng_reader pr;
        struct pcapng_block b;
        struct pcapng_opt_iter it;
        struct pcapng_opt o;
        struct pcapng_shb s;
        struct sc_err err;

        tb_init(&t);
        shb_begin(&t, orders[i], 1, 2);
        opt(&t, 4, 3, "app");
        opt(&t, 1, 0, "");
        endofopt(&t);
        blk_end(&t);
        idb_begin(&t, 1, 0);
        opt(&t, 9, 1, "\x09");
        blk_end(&t);
        epb_begin(&t, 0, 5, 5);
        opt(&t, 2, 4, "\1\2\3\4");
        endofopt(&t);
        blk_end(&t);
        isb(&t, 0);
        spb(&t, 4, 4);
        rd = mk_reader(t.buf, t.len, 1, false, false);
        pcapng_init(&pr, rd);
        /* SHB */
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
        pcapng_shb_fields(&b, &s);
        ck_assert_uint_eq(s.major, 1);
        ck_assert_uint_eq(s.minor, 2);
        ck_assert_int_eq(s.section_length, -1);
        ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 1);
        ck_assert_uint_eq(o.code, 4);
        ck_assert_uint_eq(o.len, 3);
        ck_assert_mem_eq(o.value, "app", 3);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 1);
        ck_assert_uint_eq(o.code, 1);
        ck_assert_uint_eq(o.len, 0);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 0);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 0);
        /* IDB, no endofopt */
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
        ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 1);
        ck_assert_uint_eq(o.code, 9);
        ck_assert_uint_eq(o.value[0], 9);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 0);
        /* EPB */
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
        ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 1);
        ck_assert_uint_eq(o.code, 2);
        ck_assert_mem_eq(o.value, "\1\2\3\4", 4);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 0);
        /* ISB without options */
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
        ck_assert_int_eq(pcapng_opts_begin(&b, &it), 0);
        ck_assert_int_eq(pcapng_opts_next(&it, &o), 0);
        /* SPB has no options area */
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 1);
        ck_assert_int_eq(pcapng_opts_begin(&b, &it), -1);
        ck_assert_int_eq(pcapng_next(&pr, &b, &err), 0);
        pcapng_free(&pr);
        reader_free(rd);
    }
}
END_TEST

START_TEST(test_shb_section_length)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        struct pcapng_block b;
        struct pcapng_shb s;

        tb_init(&t);
        shb(&t, orders[i]);
        b.type = PCAPNG_BT_SHB;
        b.len = 28;
        b.data = t.buf;
        b.order = orders[i];
        bo_put64(orders[i], t.buf + 16, (uint64_t)1 << 62);
        pcapng_shb_fields(&b, &s);
        ck_assert_int_eq(s.section_length, (int64_t)1 << 62);
        bo_put64(orders[i], t.buf + 16, UINT64_MAX - 1);
        pcapng_shb_fields(&b, &s);
        ck_assert_int_eq(s.section_length, -2);
        bo_put64(orders[i], t.buf + 16, (uint64_t)INT64_MAX + 1);
        pcapng_shb_fields(&b, &s);
        ck_assert_int_eq(s.section_length, INT64_MIN);
        /* Advisory only: any value is accepted. */
        bo_put64(orders[i], t.buf + 16, 16);
        expect_ok(&t, 1);
    }
}
END_TEST

/* pcapng_check_block on its own (no reader): the interface table grows up
 * to PCAPNG_MAX_IFACES and no further; an SHB empties it. */
START_TEST(test_iface_limit)
{
    struct tb t;
    struct pcapng_reader pr;
    struct pcapng_block shbb, idbb;
    struct sc_err err;
    uint32_t k;

    tb_init(&t);
    shb(&t, BO_BE);
    idb(&t, 1, 0);
    shbb.type = PCAPNG_BT_SHB;
    shbb.len = 28;
    shbb.data = t.buf;
    shbb.order = BO_BE;
    shbb.offset = 0;
    shbb.number = 1;
    shbb.section = 1;
    idbb = shbb;
    idbb.type = PCAPNG_BT_IDB;
    idbb.len = 20;
    idbb.data = t.buf + 28;
    idbb.offset = 28;
    pcapng_init(&pr, NULL);
    ck_assert_int_eq(pcapng_check_block(&pr, &shbb, &err), 0);
    ck_assert_uint_eq(pr.sections, 1);
    ck_assert_int_eq(pr.order, BO_BE);
    for (k = 0; k < PCAPNG_MAX_IFACES; k++) {
        idbb.number = 2 + k;
        ck_assert_int_eq(pcapng_check_block(&pr, &idbb, &err), 0);
    }
    ck_assert_uint_eq(pr.n_ifaces, PCAPNG_MAX_IFACES);
    ck_assert_uint_eq(pr.cap_ifaces, PCAPNG_MAX_IFACES);
    ck_assert_int_eq(pcapng_check_block(&pr, &idbb, &err), -1);
    ck_assert_str_eq(
        err.msg,
        "offset 28: block #1048577 (IDB): more than 1048576 interfaces in "
        "section #1");
    shbb.section = 2;
    ck_assert_int_eq(pcapng_check_block(&pr, &shbb, &err), 0);
    ck_assert_uint_eq(pr.n_ifaces, 0);
    ck_assert_uint_eq(pr.sections, 2);
    ck_assert_int_eq(pcapng_check_block(&pr, &idbb, &err), 0);
    ck_assert_uint_eq(pr.n_ifaces, 1);
    pcapng_free(&pr);
}
END_TEST

static Suite *
pcapng_suite(void)
{
    Suite *s = suite_create("pcapng");
    struct {
        const char *name;
        const TTest *fn;
    } cases[] = {
        {"block_names", test_block_names},
        {"shb_only", test_shb_only},
        {"every_block_type", test_every_block_type},
        {"multi_section", test_multi_section},
        {"versions", test_versions},
        {"bad_bom", test_bad_bom},
        {"not_pcapng", test_not_pcapng},
        {"bad_lengths", test_bad_lengths},
        {"trailer_mismatch", test_trailer_mismatch},
        {"epb_caplen", test_epb_caplen},
        {"iface_refs", test_iface_refs},
        {"spb", test_spb},
        {"dsb", test_dsb},
        {"options", test_options},
        {"tsresol", test_tsresol},
        {"tsresol_messages", test_tsresol_messages},
        {"nrb", test_nrb},
        {"custom_blocks", test_custom_blocks},
        {"truncation_everywhere", test_truncation_everywhere},
        {"uncompressed_offset", test_uncompressed_offset},
        {"opts_iteration", test_opts_iteration},
        {"shb_section_length", test_shb_section_length},
        {"iface_limit", test_iface_limit},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        /* Hundreds of readers with 1 MiB buffers: slow under ASan. */
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, cases[i].fn);
        suite_add_tcase(s, tc);
    }
    return s;
}

int
main(void)
{
    return tu_run(pcapng_suite());
}
