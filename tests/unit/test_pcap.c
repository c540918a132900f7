/*
 * test_pcap.c - classic pcap reading (src/pcap.c).
 *
 * Captures are built in memory in both byte orders by a small builder and
 * read back through a memory source that hands out 1, 3 or 4096 bytes per
 * read (tu_chunks), so every short-read path of the reader is exercised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap.h"
#include "source.h"
#include "testutil.h"

#define MAGIC_US 0xA1B2C3D4u
#define MAGIC_NS 0xA1B23C4Du
#define MAGIC_MOD 0xA1B2CD34u

static const enum byte_order orders[2] = {BO_LE, BO_BE};

/* A capture under construction, in byte order o. */
struct tb {
    uint8_t buf[8192];
    size_t len;
    enum byte_order o;
};

static void
tb_init(struct tb *t, enum byte_order o)
{
    memset(t, 0, sizeof(*t));
    t->o = o;
}

static void
tb_bytes(struct tb *t, const void *p, size_t n)
{
    ck_assert_uint_le(t->len + n, sizeof(t->buf));
    memcpy(t->buf + t->len, p, n);
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
file_hdr(struct tb *t, uint32_t magic, uint16_t major, uint16_t minor,
         uint32_t snaplen, uint32_t lt)
{
    tb_u32(t, magic);
    tb_u16(t, major);
    tb_u16(t, minor);
    tb_u32(t, 0);
    tb_u32(t, 0);
    tb_u32(t, snaplen);
    tb_u32(t, lt);
}

/* A record whose two length fields are stored as given (f1 first), with n
 * data bytes i, i+1, ... */
static void
record(struct tb *t, uint32_t sec, uint32_t frac, uint32_t f1, uint32_t f2,
       size_t n)
{
    size_t i;

    tb_u32(t, sec);
    tb_u32(t, frac);
    tb_u32(t, f1);
    tb_u32(t, f2);
    for (i = 0; i < n; i++) {
        uint8_t c = (uint8_t)(i + sec);

        tb_bytes(t, &c, 1);
    }
}

/* A reader over len bytes at data; a pipe does not know its size, a
 * regular file (pipe false) does. */
static struct reader *
mk_reader(const uint8_t *data, size_t len, size_t chunk, bool pipe)
{
    struct sc_err err;
    struct source *src = source_mem(data, len, chunk, "mem", &err);
    struct reader *rd;

    ck_assert_ptr_nonnull(src);
    if (pipe)
        src->size = -1;
    rd = reader_new(src, 0, &err);
    ck_assert_ptr_nonnull(rd);
    return rd;
}

static void
check_data(const struct pcap_record *r, uint32_t sec, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        ck_assert_uint_eq(r->data[i], (uint8_t)(i + sec));
}

/* Opens t and expects a -1 from pcap_open with msg in the message. */
static void
expect_open_error(const uint8_t *d, size_t n, const char *name, const char *msg)
{
    size_t c;

    for (c = 0; c < 6; c++) {
        struct reader *rd = mk_reader(d, n, tu_chunks[c % 3], c >= 3);
        struct pcap_reader pr;
        struct sc_err err;

        sc_err_clear(&err);
        ck_assert_int_eq(pcap_open(&pr, rd, name, &err), -1);
        ck_assert_int_eq(err.kind, SC_ERR_DATA);
        ck_assert_str_eq(err.msg, msg);
        reader_free(rd);
    }
}

/* Reads t: expects nrec records, then a -1 with msg (or a clean end when
 * msg is NULL). */
static void
expect_records_then(const struct tb *t, uint64_t nrec, const char *msg)
{
    size_t c;

    for (c = 0; c < 6; c++) {
        struct reader *rd = mk_reader(t->buf, t->len, tu_chunks[c % 3], c >= 3);
        struct pcap_reader pr;
        struct pcap_record rec;
        struct sc_err err;
        uint64_t got = 0;
        int rc;

        sc_err_clear(&err);
        ck_assert_int_eq(pcap_open(&pr, rd, NULL, &err), 0);
        while ((rc = pcap_next(&pr, &rec, &err)) == 1)
            got++;
        ck_assert_uint_eq(got, nrec);
        if (msg == NULL) {
            ck_assert_int_eq(rc, 0);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_int_eq(err.kind, SC_ERR_DATA);
            ck_assert_str_eq(err.msg, msg);
        }
        reader_free(rd);
    }
}

START_TEST(test_magics)
{
    static const uint32_t magics[3] = {MAGIC_US, MAGIC_NS, MAGIC_MOD};
    int i, m;

    for (i = 0; i < 2; i++) {
        for (m = 0; m < 3; m++) {
            struct tb t;
            struct pcap_header h;
            struct sc_err err;

            tb_init(&t, orders[i]);
            file_hdr(&t, magics[m], 2, 4, 65535, 1);
            ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), 0);
            ck_assert_int_eq(h.order, orders[i]);
            ck_assert_int_eq(h.nsec, magics[m] == MAGIC_NS);
            ck_assert_int_eq(h.modified, magics[m] == MAGIC_MOD);
            ck_assert_uint_eq(h.rec_hdr_len, magics[m] == MAGIC_MOD ? 24 : 16);
            ck_assert_uint_eq(h.ver_major, 2);
            ck_assert_uint_eq(h.ver_minor, 4);
            ck_assert_uint_eq(h.snaplen, 65535);
            ck_assert_uint_eq(h.linktype, 1);
            ck_assert(!h.fcs_present);
            ck_assert_uint_eq(h.fcs_bits, 0);
        }
    }
}
END_TEST

START_TEST(test_bad_magic)
{
    static const uint8_t ng[24] = {0x0A, 0x0D, 0x0D, 0x0A};
    struct pcap_header h;
    struct sc_err err;

    ck_assert_int_eq(pcap_parse_header(ng, &h, &err), -1);
    ck_assert_str_eq(err.msg, "not a pcap file (magic 0x0a0d0d0a)");
}
END_TEST

START_TEST(test_versions)
{
    static const struct {
        uint16_t major, minor;
        int ok;
    } v[] = {{2, 0, 1}, {2, 1, 1},   {2, 2, 1},   {2, 3, 1},
             {2, 4, 1}, {543, 0, 1}, {1, 0, 0},   {2, 5, 0},
             {3, 0, 0}, {0, 0, 0},   {543, 1, 0}, {4, 2, 0}};
    size_t k;
    int i;

    for (i = 0; i < 2; i++) {
        for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
            struct tb t;
            struct pcap_header h;
            struct sc_err err;
            char want[64];

            tb_init(&t, orders[i]);
            file_hdr(&t, MAGIC_US, v[k].major, v[k].minor, 65535, 1);
            if (v[k].ok) {
                ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), 0);
                continue;
            }
            ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), -1);
            snprintf(want, sizeof(want), "unsupported pcap version %u.%u",
                     v[k].major, v[k].minor);
            ck_assert_str_eq(err.msg, want);
        }
    }
}
END_TEST

START_TEST(test_reserved_bits)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        struct pcap_header h;
        struct sc_err err;

        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 0x00010001u);
        ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), -1);
        ck_assert_str_eq(
            err.msg,
            "reserved bits of the link type field are not zero (0x00010001)");
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 0x02000001u);
        ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), -1);
    }
}
END_TEST

START_TEST(test_fcs_bits)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;
        struct pcap_header h;
        struct sc_err err;

        /* P bit, 2 words (Ethernet's 4-byte FCS). */
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 0x24000001u);
        ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), 0);
        ck_assert(h.fcs_present);
        ck_assert_uint_eq(h.fcs_bits, 32);
        ck_assert_uint_eq(h.linktype, 1);
        /* Largest length: 15 words. */
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 0xF4000069u);
        ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), 0);
        ck_assert_uint_eq(h.fcs_bits, 240);
        ck_assert_uint_eq(h.linktype, 105);
        /* Length bits without the P bit (and the R bit): no FCS info. */
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 0x28000001u);
        ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), 0);
        ck_assert(!h.fcs_present);
        ck_assert_uint_eq(h.fcs_bits, 0);
        /* Link type 65535 is kept as is. */
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 0xFFFFu);
        ck_assert_int_eq(pcap_parse_header(t.buf, &h, &err), 0);
        ck_assert_uint_eq(h.linktype, 0xFFFF);
    }
}
END_TEST

START_TEST(test_read_records)
{
    int i;
    size_t c;

    for (i = 0; i < 2; i++) {
        struct tb t;

        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 64, 1);
        record(&t, 1, 999999, 60, 60, 60);
        record(&t, 2, 0, 0, 0, 0);        /* empty record */
        record(&t, 3, 5, 100, 1500, 100); /* caplen > snaplen: kept */
        record(&t, 4, 7, 10, 4, 10);      /* caplen > origlen: kept */
        for (c = 0; c < 3; c++) {
            struct reader *rd = mk_reader(t.buf, t.len, tu_chunks[c], c == 1);
            struct pcap_reader pr;
            struct pcap_record r;
            struct sc_err err;

            ck_assert_int_eq(pcap_open(&pr, rd, "x.pcap", &err), 0);
            ck_assert_int_eq(pr.hdr.order, orders[i]);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
            ck_assert_uint_eq(r.number, 1);
            ck_assert_uint_eq(r.offset, 24);
            ck_assert_uint_eq(r.ts_sec, 1);
            ck_assert_uint_eq(r.ts_frac, 999999);
            ck_assert_uint_eq(r.caplen, 60);
            ck_assert_uint_eq(r.origlen, 60);
            ck_assert_uint_eq(r.ifindex, 0);
            check_data(&r, 1, 60);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
            ck_assert_uint_eq(r.number, 2);
            ck_assert_uint_eq(r.offset, 24 + 76);
            ck_assert_uint_eq(r.caplen, 0);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
            ck_assert_uint_eq(r.caplen, 100);
            ck_assert_uint_eq(r.origlen, 1500);
            check_data(&r, 3, 100);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
            ck_assert_uint_eq(r.number, 4);
            ck_assert_uint_eq(r.caplen, 10);
            ck_assert_uint_eq(r.origlen, 4);
            check_data(&r, 4, 10);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 0);
            ck_assert_uint_eq(pr.records, 4);
            /* A clean end stays a clean end. */
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 0);
            reader_free(rd);
        }
    }
}
END_TEST

START_TEST(test_nsec)
{
    int i;
    size_t c;

    for (i = 0; i < 2; i++) {
        struct tb t;

        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_NS, 2, 4, 65535, 1);
        record(&t, 1700000000, 999999999, 4, 4, 4);
        for (c = 0; c < 3; c++) {
            struct reader *rd = mk_reader(t.buf, t.len, tu_chunks[c], c == 1);
            struct pcap_reader pr;
            struct pcap_record r;
            struct sc_err err;

            ck_assert_int_eq(pcap_open(&pr, rd, NULL, &err), 0);
            ck_assert(pr.hdr.nsec);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
            ck_assert_uint_eq(r.ts_sec, 1700000000);
            ck_assert_uint_eq(r.ts_frac, 999999999);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 0);
            reader_free(rd);
        }
    }
}
END_TEST

/* Reads one record of file t and returns its caplen and origlen. */
static void
read_one(const struct tb *t, size_t chunk, uint32_t *caplen, uint32_t *len)
{
    struct reader *rd = mk_reader(t->buf, t->len, chunk, chunk == 3);
    struct pcap_reader pr;
    struct pcap_record r;
    struct sc_err err;

    ck_assert_int_eq(pcap_open(&pr, rd, NULL, &err), 0);
    ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
    *caplen = r.caplen;
    *len = r.origlen;
    ck_assert_int_eq(pcap_next(&pr, &r, &err), 0);
    reader_free(rd);
}

START_TEST(test_swapped_lengths)
{
    int i;
    size_t c;

    for (i = 0; i < 2; i++) {
        for (c = 0; c < 3; c++) {
            struct tb t;
            uint32_t cl, ol;

            /* 2.2: always swapped (len stored first). */
            tb_init(&t, orders[i]);
            file_hdr(&t, MAGIC_US, 2, 2, 65535, 1);
            record(&t, 1, 0, 1500, 8, 8);
            read_one(&t, tu_chunks[c], &cl, &ol);
            ck_assert_uint_eq(cl, 8);
            ck_assert_uint_eq(ol, 1500);
            /* 2.0: swapped even when that makes caplen > len. */
            tb_init(&t, orders[i]);
            file_hdr(&t, MAGIC_US, 2, 0, 65535, 1);
            record(&t, 1, 0, 4, 8, 8);
            read_one(&t, tu_chunks[c], &cl, &ol);
            ck_assert_uint_eq(cl, 8);
            ck_assert_uint_eq(ol, 4);
            /* DG/UX 543.0: swapped. */
            tb_init(&t, orders[i]);
            file_hdr(&t, MAGIC_US, 543, 0, 65535, 1);
            record(&t, 1, 0, 1500, 8, 8);
            read_one(&t, tu_chunks[c], &cl, &ol);
            ck_assert_uint_eq(cl, 8);
            ck_assert_uint_eq(ol, 1500);
            /* 2.3: swapped only when caplen > len. */
            tb_init(&t, orders[i]);
            file_hdr(&t, MAGIC_US, 2, 3, 65535, 1);
            record(&t, 1, 0, 1500, 8, 8);
            read_one(&t, tu_chunks[c], &cl, &ol);
            ck_assert_uint_eq(cl, 8);
            ck_assert_uint_eq(ol, 1500);
            tb_init(&t, orders[i]);
            file_hdr(&t, MAGIC_US, 2, 3, 65535, 1);
            record(&t, 1, 0, 8, 1500, 8);
            read_one(&t, tu_chunks[c], &cl, &ol);
            ck_assert_uint_eq(cl, 8);
            ck_assert_uint_eq(ol, 1500);
            /* 2.4: never swapped. */
            tb_init(&t, orders[i]);
            file_hdr(&t, MAGIC_US, 2, 4, 65535, 1);
            record(&t, 1, 0, 8, 4, 8);
            read_one(&t, tu_chunks[c], &cl, &ol);
            ck_assert_uint_eq(cl, 8);
            ck_assert_uint_eq(ol, 4);
        }
    }
}
END_TEST

START_TEST(test_modified)
{
    int i;
    size_t c;

    for (i = 0; i < 2; i++) {
        struct tb t;
        const uint8_t tail[4] = {4, 0, 0, 0}; /* pkt_type 4, pad */
        uint8_t d[6] = {1, 2, 3, 4, 5, 6};

        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_MOD, 2, 4, 65535, 1);
        tb_u32(&t, 10);
        tb_u32(&t, 20);
        tb_u32(&t, 6);
        tb_u32(&t, 60);
        tb_u32(&t, 3);      /* ifindex */
        tb_u16(&t, 0x0800); /* protocol */
        tb_bytes(&t, tail, 2);
        tb_bytes(&t, d, 6);
        record(&t, 2, 0, 0, 0, 0); /* a 16-byte header + 8 bytes of extra */
        tb_bytes(&t, tail, 4);
        tb_bytes(&t, tail, 4);
        for (c = 0; c < 3; c++) {
            struct reader *rd = mk_reader(t.buf, t.len, tu_chunks[c], c == 1);
            struct pcap_reader pr;
            struct pcap_record r;
            struct sc_err err;

            ck_assert_int_eq(pcap_open(&pr, rd, NULL, &err), 0);
            ck_assert(pr.hdr.modified);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
            ck_assert_uint_eq(r.ts_sec, 10);
            ck_assert_uint_eq(r.ts_frac, 20);
            ck_assert_uint_eq(r.caplen, 6);
            ck_assert_uint_eq(r.origlen, 60);
            ck_assert_uint_eq(r.ifindex, 3);
            ck_assert_uint_eq(r.protocol, 0x0800);
            ck_assert_uint_eq(r.pkt_type, 4);
            ck_assert_mem_eq(r.data, d, 6);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 1);
            ck_assert_uint_eq(r.offset, 24 + 30);
            ck_assert_uint_eq(r.caplen, 0);
            ck_assert_uint_eq(r.protocol, t.o == BO_LE ? 4 : 0x0400);
            ck_assert_uint_eq(r.pkt_type, 0);
            ck_assert_int_eq(pcap_next(&pr, &r, &err), 0);
            reader_free(rd);
        }
    }
}
END_TEST

START_TEST(test_header_only)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;

        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 0, 1); /* snaplen 0 accepted */
        expect_records_then(&t, 0, NULL);
    }
}
END_TEST

START_TEST(test_trunc_file_header)
{
    struct tb t;

    tb_init(&t, BO_LE);
    file_hdr(&t, MAGIC_US, 2, 4, 65535, 1);
    expect_open_error(t.buf, 0, NULL,
                      "offset 0: truncated file header (0 of 24 bytes)");
    expect_open_error(t.buf, 5, NULL,
                      "offset 0: truncated file header (5 of 24 bytes)");
    expect_open_error(
        t.buf, 23, "a.pcap",
        "a.pcap: offset 0: truncated file header (23 of 24 bytes)");
    /* A bad header names the file too. */
    t.buf[6] = 9;
    expect_open_error(t.buf, 24, "a.pcap",
                      "a.pcap: offset 0: unsupported pcap version 2.9");
}
END_TEST

START_TEST(test_trunc_record_header)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;

        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 1);
        record(&t, 1, 0, 10, 10, 10);
        record(&t, 2, 0, 10, 10, 10);
        t.len -= 10 + 6;
        expect_records_then(
            &t, 1,
            "offset 50: record #2: truncated record header (10 of 16 bytes)");
        t.len = 24 + 1;
        expect_records_then(
            &t, 0,
            "offset 24: record #1: truncated record header (1 of 16 bytes)");
    }
}
END_TEST

START_TEST(test_trunc_record_data)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;

        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 1);
        record(&t, 1, 0, 10, 10, 10);
        record(&t, 2, 0, 10, 10, 10);
        t.len -= 7;
        expect_records_then(
            &t, 1,
            "offset 50: record #2: truncated record data (3 of 10 bytes)");
        t.len = 24 + 16;
        expect_records_then(
            &t, 0,
            "offset 24: record #1: truncated record data (0 of 10 bytes)");
    }
}
END_TEST

#define OVER_READERS(n)                                                        \
    "offset 24: record #1: captured length " n " exceeds the 262144 bytes "    \
    "libpcap and Wireshark read for link type 1: a corrupt record header? "    \
    "(--max-record BYTES accepts longer records)"

START_TEST(test_caplen_over_max)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct tb t;

        /* Rejected from the header alone: no data follows at all. */
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 1);
        record(&t, 1, 0, 0xFFFFFFFFu, 0xFFFFFFFFu, 0);
        expect_records_then(&t, 0, OVER_READERS("4294967295"));
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 4, 65535, 1);
        record(&t, 1, 0, 262145, 64, 0);
        expect_records_then(&t, 0, OVER_READERS("262145"));
        /* Swapped versions check the caplen after the swap. */
        tb_init(&t, orders[i]);
        file_hdr(&t, MAGIC_US, 2, 2, 65535, 1);
        record(&t, 1, 0, 64, PCAP_MAX_CAPLEN + 1, 0);
        expect_records_then(&t, 0, OVER_READERS("134217729"));
    }
}
END_TEST

/* A little-endian pcap of link type lt with records of the given captured
 * lengths (data zero), in a malloc'd buffer. */
static uint8_t *
big_pcap(uint16_t lt, const uint32_t *caplens, size_t n, size_t *len)
{
    size_t total = 24, at = 24;
    uint8_t *p;

    for (size_t i = 0; i < n; i++)
        total += 16 + (caplens[i] <= (1u << 20) ? caplens[i] : 0);
    p = calloc(1, total);
    ck_assert_ptr_nonnull(p);
    bo_put32(BO_LE, p, MAGIC_US);
    bo_put16(BO_LE, p + 4, 2);
    bo_put16(BO_LE, p + 6, 4);
    bo_put32(BO_LE, p + 20, lt);
    for (size_t i = 0; i < n; i++) {
        bo_put32(BO_LE, p + at, (uint32_t)i + 1);
        bo_put32(BO_LE, p + at + 8, caplens[i]);
        bo_put32(BO_LE, p + at + 12, caplens[i]);
        at += 16 + (caplens[i] <= (1u << 20) ? caplens[i] : 0);
    }
    *len = total;
    return p;
}

/* The readers' limit per link type, raised by pcap_allow_record up to
 * PCAP_MAX_CAPLEN; records over the readers' limit are counted. */
START_TEST(test_max_record)
{
    static const uint32_t eth[] = {64, 300000, 300001};
    static const uint32_t dbus[] = {300000, PCAP_MAX_CAPLEN + 1};
    struct reader *rd;
    struct pcap_reader pr;
    struct pcap_record rec;
    struct sc_err err = {0};
    uint8_t *p;
    size_t len;

    ck_assert_uint_eq(pcap_max_record(1), 262144);
    ck_assert_uint_eq(pcap_max_record(231), 128u << 20);
    ck_assert_uint_eq(pcap_max_record(279), 8u << 20);
    ck_assert_uint_eq(pcap_max_record(249), 1u << 20);

    p = big_pcap(1, eth, 3, &len);
    for (size_t c = 0; c < 3; c++) {
        rd = mk_reader(p, len, tu_chunks[c], c == 1);
        ck_assert_int_eq(pcap_open(&pr, rd, NULL, &err), 0);
        ck_assert_int_eq(pcap_next(&pr, &rec, &err), 1);
        ck_assert_int_eq(pcap_next(&pr, &rec, &err), -1);
        ck_assert_str_eq(err.msg,
                         "offset 104: record #2: captured length 300000 "
                         "exceeds the 262144 bytes libpcap and Wireshark read "
                         "for link type 1: a corrupt record header? "
                         "(--max-record BYTES accepts longer records)");
        reader_free(rd);
        rd = mk_reader(p, len, tu_chunks[c], c == 1);
        ck_assert_int_eq(pcap_open(&pr, rd, NULL, &err), 0);
        pcap_allow_record(&pr, 300000);
        ck_assert_int_eq(pcap_next(&pr, &rec, &err), 1);
        ck_assert_int_eq(pcap_next(&pr, &rec, &err), 1);
        ck_assert_uint_eq(rec.caplen, 300000);
        ck_assert_int_eq(pcap_next(&pr, &rec, &err), -1);
        ck_assert_uint_eq(pr.over_readers, 1);
        ck_assert_uint_eq(pr.first_over, 2);
        reader_free(rd);
    }
    free(p);

    /* D-Bus reads them all; past PCAP_MAX_CAPLEN nothing is accepted. */
    p = big_pcap(231, dbus, 2, &len);
    rd = mk_reader(p, len, 4096, true);
    ck_assert_int_eq(pcap_open(&pr, rd, NULL, &err), 0);
    pcap_allow_record(&pr, UINT32_MAX);
    ck_assert_int_eq(pcap_next(&pr, &rec, &err), 1);
    ck_assert_uint_eq(pr.over_readers, 0);
    ck_assert_int_eq(pcap_next(&pr, &rec, &err), -1);
    ck_assert_str_eq(err.msg, "offset 300040: record #2: captured length "
                              "134217729 exceeds the maximum of 134217728");
    reader_free(rd);
    free(p);
}
END_TEST

START_TEST(test_many_records)
{
    struct tb t;
    int k;

    /* Many empty records: every boundary lands on a different chunk
     * offset. */
    tb_init(&t, BO_BE);
    file_hdr(&t, MAGIC_US, 2, 4, 65535, 1);
    for (k = 0; k < 300; k++)
        record(&t, (uint32_t)k, 0, (uint32_t)(k % 7), 100, (size_t)(k % 7));
    expect_records_then(&t, 300, NULL);
}
END_TEST

static Suite *
pcap_suite(void)
{
    Suite *s = suite_create("pcap");
    struct {
        const char *name;
        const TTest *fn;
    } cases[] = {
        {"magics", test_magics},
        {"bad_magic", test_bad_magic},
        {"versions", test_versions},
        {"reserved_bits", test_reserved_bits},
        {"fcs_bits", test_fcs_bits},
        {"read_records", test_read_records},
        {"nsec", test_nsec},
        {"swapped_lengths", test_swapped_lengths},
        {"modified", test_modified},
        {"header_only", test_header_only},
        {"trunc_file_header", test_trunc_file_header},
        {"trunc_record_header", test_trunc_record_header},
        {"trunc_record_data", test_trunc_record_data},
        {"caplen_over_max", test_caplen_over_max},
        {"max_record", test_max_record},
        {"many_records", test_many_records},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_add_test(tc, cases[i].fn);
        suite_add_tcase(s, tc);
    }
    return s;
}

int
main(void)
{
    return tu_run(pcap_suite());
}
