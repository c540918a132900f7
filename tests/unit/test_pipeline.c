/*
 * test_pipeline.c - the inject rewrite, end to end over memory sources:
 * where the DSBs go, in which byte order, what passes through untouched,
 * and that the result does not depend on how the input arrives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "input.h"
#include "keylog.h"
#include "output.h"
#include "pcapng.h"
#include "pcapng_write.h"
#include "pipeline.h"
#include "secrets.h"
#include "source.h"
#include "testutil.h"

/* ---- a tiny capture builder ------------------------------------------ */

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void
put32(struct buf *b, enum byte_order o, uint32_t v)
{
    uint8_t x[4];

    bo_put32(o, x, v);
    put(b, x, 4);
}

/* A block of `type` with `body` (padded with zeros). */
static void
block(struct buf *b, enum byte_order o, uint32_t type, const void *body,
      size_t n)
{
    static const uint8_t zero[4];
    uint32_t total = (uint32_t)(12 + pad4(n));

    put32(b, o, type);
    put32(b, o, total);
    put(b, body, n);
    put(b, zero, pad4(n) - n);
    put32(b, o, total);
}

static void
shb(struct buf *b, enum byte_order o, uint16_t minor, int64_t seclen)
{
    uint8_t body[16];

    bo_put32(o, body, PCAPNG_BOM);
    bo_put16(o, body + 4, 1);
    bo_put16(o, body + 6, minor);
    bo_put64(o, body + 8, (uint64_t)seclen);
    block(b, o, PCAPNG_BT_SHB, body, sizeof(body));
}

static void
idb(struct buf *b, enum byte_order o)
{
    uint8_t body[8];

    bo_put16(o, body, 1);
    bo_put16(o, body + 2, 0);
    bo_put32(o, body + 4, 65535);
    block(b, o, PCAPNG_BT_IDB, body, sizeof(body));
}

static void
epb(struct buf *b, enum byte_order o, const char *data)
{
    uint8_t body[64] = {0};
    size_t n = strlen(data);

    ck_assert_uint_le(n, sizeof(body) - 20);
    bo_put32(o, body + 0, 0);
    bo_put32(o, body + 4, 1);
    bo_put32(o, body + 8, 2);
    bo_put32(o, body + 12, (uint32_t)n);
    bo_put32(o, body + 16, (uint32_t)n);
    memcpy(body + 20, data, n);
    block(b, o, PCAPNG_BT_EPB, body, 20 + n);
}

static void
dsb(struct buf *b, enum byte_order o, const char *text)
{
    uint8_t body[128] = {0};
    size_t n = strlen(text);

    bo_put32(o, body, SECRETS_TLS);
    bo_put32(o, body + 4, (uint32_t)n);
    memcpy(body + 8, text, n);
    block(b, o, PCAPNG_BT_DSB, body, 8 + n);
}

/* ---- running the pipeline -------------------------------------------- */

static const char keys[] =
    "CLIENT_RANDOM "
    "0001020304050607080910111213141516171819202122232425262728293031 "
    "aabbccdd\n";

struct result {
    int rc;
    struct sc_err err;
    struct inject_stats st;
    uint8_t *out;
    size_t out_len;
};

static struct result run_opts(const struct buf *in, size_t chunk,
                              const struct keylog *kl, bool discard,
                              bool all_sections, bool salvage,
                              const struct sc_diag *diag);
static struct result run_salvage(const struct buf *in, size_t chunk,
                                 const struct keylog *kl, bool salvage,
                                 const struct sc_diag *diag);

static struct result
run(const struct buf *in, size_t chunk, const struct keylog *kl, bool discard,
    bool all_sections)
{
    return run_opts(in, chunk, kl, discard, all_sections, false, NULL);
}

static struct result
run_salvage(const struct buf *in, size_t chunk, const struct keylog *kl,
            bool salvage, const struct sc_diag *diag)
{
    return run_opts(in, chunk, kl, false, false, salvage, diag);
}

static struct result
run_opts(const struct buf *in, size_t chunk, const struct keylog *kl,
         bool discard, bool all_sections, bool salvage,
         const struct sc_diag *diag)
{
    struct result r = {0};
    struct input inp;
    struct writer w;
    FILE *f = tmpfile();
    const struct keylog *list[1] = {kl};
    struct inject_opts o = {0};
    long end;

    ck_assert_ptr_nonnull(f);
    o.secrets = list;
    o.n_secrets = kl ? 1 : 0;
    o.discard_existing = discard;
    o.all_sections = all_sections;
    o.salvage = salvage;
    o.diag = diag;
    o.userappl = "secretcap test";
    ck_assert_int_eq(input_open_source(
                         &inp, source_mem(in->p, in->len, chunk, "mem", &r.err),
                         NULL, &r.err),
                     0);
    ck_assert_int_eq(writer_init(&w, fileno(f), "out", WRITER_BUF, &r.err), 0);
    r.rc = inject_run(&inp, &w, &o, &r.st, &r.err);
    writer_free(&w);
    input_close(&inp);
    end = lseek(fileno(f), 0, SEEK_END);
    ck_assert_int_ge(end, 0);
    r.out_len = (size_t)end;
    r.out = malloc(r.out_len + 1);
    ck_assert_int_eq(pread(fileno(f), r.out, r.out_len, 0), (ssize_t)r.out_len);
    fclose(f);
    return r;
}

static void
tls_keylog(struct keylog *k, const char *text)
{
    struct sc_err err = {0};

    keylog_init(k, SECRETS_TLS);
    ck_assert_int_eq(keylog_add_mem(k, "keys", (const uint8_t *)text,
                                    strlen(text), NULL, NULL, &err),
                     0);
}

/* ---- tests ------------------------------------------------------------ */

START_TEST(pcapng_dsb_after_leading_idbs)
{
    for (int order = 0; order < 2; order++) {
        enum byte_order o = (enum byte_order)order;
        struct buf in = {0}, want = {0};
        struct keylog k;
        size_t shb_end, idb_end;

        tls_keylog(&k, keys);
        shb(&in, o, 0, -1);
        shb_end = in.len;
        idb(&in, o);
        idb(&in, o);
        idb_end = in.len;
        epb(&in, o, "hello");
        epb(&in, o, "world!");
        put(&want, in.p, idb_end);
        dsb(&want, o, keys);
        put(&want, in.p + idb_end, in.len - idb_end);
        (void)shb_end;
        for (size_t i = 0; i < 3; i++) {
            struct result r = run(&in, tu_chunks[i], &k, false, false);

            ck_assert_msg(r.rc == 0, "%s", r.err.msg);
            ck_assert_uint_eq(r.out_len, want.len);
            ck_assert_mem_eq(r.out, want.p, want.len);
            ck_assert_uint_eq(r.st.packets, 2);
            ck_assert_uint_eq(r.st.dsbs_added, 1);
            free(r.out);
        }
        keylog_free(&k);
        free(in.p);
        free(want.p);
    }
}
END_TEST

START_TEST(pcapng_shb_patched_version_and_length)
{
    struct buf in = {0};
    struct keylog k;
    struct result r;
    struct pcapng_block b = {0};
    struct pcapng_shb s;

    tls_keylog(&k, keys);
    shb(&in, BO_BE, 2, 40);
    idb(&in, BO_BE);
    epb(&in, BO_BE, "x");
    r = run(&in, 4096, &k, false, false);
    ck_assert_msg(r.rc == 0, "%s", r.err.msg);
    b.data = r.out;
    b.len = 28;
    b.order = BO_BE;
    b.type = PCAPNG_BT_SHB;
    pcapng_shb_fields(&b, &s);
    ck_assert_uint_eq(s.major, 1);
    ck_assert_uint_eq(s.minor, 0);
    ck_assert_int_eq(s.section_length, -1);
    /* The rest of the SHB is untouched. */
    ck_assert_mem_eq(r.out, in.p, 12);
    free(r.out);
    free(in.p);
    keylog_free(&k);
}
END_TEST

START_TEST(pcapng_sections_first_or_all)
{
    struct buf in = {0};
    struct keylog k;
    size_t s1_idb_end, s2_start, s2_idb_end;

    tls_keylog(&k, keys);
    shb(&in, BO_LE, 0, -1);
    idb(&in, BO_LE);
    s1_idb_end = in.len;
    epb(&in, BO_LE, "one");
    s2_start = in.len;
    shb(&in, BO_BE, 0, -1);
    idb(&in, BO_BE);
    s2_idb_end = in.len;
    epb(&in, BO_BE, "two");
    for (int all = 0; all < 2; all++) {
        struct buf want = {0};
        struct result r = run(&in, 3, &k, false, all);

        put(&want, in.p, s1_idb_end);
        dsb(&want, BO_LE, keys);
        put(&want, in.p + s1_idb_end, s2_idb_end - s1_idb_end);
        if (all)
            dsb(&want, BO_BE, keys); /* in section 2's byte order */
        put(&want, in.p + s2_idb_end, in.len - s2_idb_end);
        ck_assert_msg(r.rc == 0, "%s", r.err.msg);
        ck_assert_uint_eq(r.out_len, want.len);
        ck_assert_mem_eq(r.out, want.p, want.len);
        ck_assert_uint_eq(r.st.sections, 2);
        ck_assert_uint_eq(r.st.dsbs_added, all ? 2 : 1);
        free(r.out);
        free(want.p);
    }
    (void)s2_start;
    free(in.p);
    keylog_free(&k);
}
END_TEST

START_TEST(pcapng_section_without_other_blocks)
{
    /* SHB + IDB only: the DSB still goes after the IDB, at the end. */
    struct buf in = {0}, want = {0};
    struct keylog k;
    struct result r;

    tls_keylog(&k, keys);
    shb(&in, BO_LE, 0, -1);
    idb(&in, BO_LE);
    put(&want, in.p, in.len);
    dsb(&want, BO_LE, keys);
    r = run(&in, 1, &k, false, false);
    ck_assert_msg(r.rc == 0, "%s", r.err.msg);
    ck_assert_uint_eq(r.out_len, want.len);
    ck_assert_mem_eq(r.out, want.p, want.len);
    free(r.out);
    free(in.p);
    free(want.p);
    keylog_free(&k);
}
END_TEST

START_TEST(pcapng_existing_dsbs_kept_or_discarded)
{
    struct buf in = {0};
    struct keylog k;
    size_t dsb1_start, dsb1_end, tail_dsb_start;

    tls_keylog(&k, keys);
    shb(&in, BO_LE, 0, -1);
    dsb1_start = in.len;
    dsb(&in, BO_LE, "old secrets before the IDB\n");
    dsb1_end = in.len;
    idb(&in, BO_LE);
    epb(&in, BO_LE, "pkt");
    tail_dsb_start = in.len;
    dsb(&in, BO_LE, "trailing\n");
    for (int discard = 0; discard < 2; discard++) {
        struct buf want = {0};
        struct result r = run(&in, 4096, &k, discard, false);

        /* New DSB first (before the first non-IDB block), old ones kept in
         * place, including the trailing one. */
        put(&want, in.p, dsb1_start);
        dsb(&want, BO_LE, keys);
        if (!discard) {
            put(&want, in.p + dsb1_start, in.len - dsb1_start);
        } else {
            put(&want, in.p + dsb1_end, tail_dsb_start - dsb1_end);
        }
        ck_assert_msg(r.rc == 0, "%s", r.err.msg);
        ck_assert_uint_eq(r.out_len, want.len);
        ck_assert_mem_eq(r.out, want.p, want.len);
        ck_assert_uint_eq(r.st.dsbs_kept, discard ? 0 : 2);
        ck_assert_uint_eq(r.st.dsbs_dropped, discard ? 2 : 0);
        free(r.out);
        free(want.p);
    }
    free(in.p);
    keylog_free(&k);
}
END_TEST

START_TEST(pcapng_error_names_offset)
{
    struct buf in = {0};
    struct keylog k;
    struct result r;

    tls_keylog(&k, keys);
    shb(&in, BO_LE, 0, -1);
    idb(&in, BO_LE);
    epb(&in, BO_LE, "truncated");
    in.len -= 6;
    r = run(&in, 3, &k, false, false);
    ck_assert_int_eq(r.rc, -1);
    ck_assert_int_eq(r.err.kind, SC_ERR_DATA);
    ck_assert_msg(strstr(r.err.msg, "offset 48") != NULL, "%s", r.err.msg);
    ck_assert_msg(strstr(r.err.msg, "EPB") != NULL, "%s", r.err.msg);
    free(r.out);
    free(in.p);
    keylog_free(&k);
}
END_TEST

/* A classic pcap with two records, the second longer than the snaplen. */
static void
pcap_file(struct buf *b, enum byte_order o, bool nsec, uint32_t snaplen)
{
    uint8_t h[24], rec[16];
    static const char d1[] = "abcdefgh", d2[] = "0123456789ABCDEFGHIJ";

    bo_put32(o, h, nsec ? 0xA1B23C4Du : 0xA1B2C3D4u);
    bo_put16(o, h + 4, 2);
    bo_put16(o, h + 6, 4);
    bo_put32(o, h + 8, 0);
    bo_put32(o, h + 12, 0);
    bo_put32(o, h + 16, snaplen);
    bo_put32(o, h + 20, 1 | 0x04000000u | 2u << 28); /* FCS: 2 words */
    put(b, h, sizeof(h));
    bo_put32(o, rec, 1700000000);
    bo_put32(o, rec + 4, 999999);
    bo_put32(o, rec + 8, 8);
    bo_put32(o, rec + 12, 60);
    put(b, rec, 16);
    put(b, d1, 8);
    bo_put32(o, rec, 1700000001);
    bo_put32(o, rec + 4, 5);
    bo_put32(o, rec + 8, 20);
    bo_put32(o, rec + 12, 20);
    put(b, rec, 16);
    put(b, d2, 20);
}

START_TEST(pcap_converted_exactly_in_either_byte_order)
{
    struct keylog k;
    struct result first = {0};

    tls_keylog(&k, keys);
    for (int order = 0; order < 2; order++) {
        struct buf in = {0}, want = {0};
        uint8_t blk[PCAPNG_SHB_MAX];
        struct result r;

        pcap_file(&in, (enum byte_order)order, true, 16);
        put(&want, blk, pcapng_build_shb(blk, BO_LE, "secretcap test"));
        /* snaplen raised from 16 to 20 by the patch at the end */
        put(&want, blk, pcapng_build_idb(blk, BO_LE, 1, 20, 9, 32));
        dsb(&want, BO_LE, keys);
        put(&want, blk,
            pcapng_build_epb_head(blk, BO_LE, 0,
                                  1700000000ull * 1000000000ull + 999999, 8, 60,
                                  0));
        put(&want, "abcdefgh", 8);
        put(&want, blk, pcapng_build_epb_tail(blk, BO_LE, 8, 0));
        put(&want, blk,
            pcapng_build_epb_head(
                blk, BO_LE, 0, 1700000001ull * 1000000000ull + 5, 20, 20, 0));
        put(&want, "0123456789ABCDEFGHIJ", 20);
        put(&want, blk, pcapng_build_epb_tail(blk, BO_LE, 20, 0));
        r = run(&in, order ? 1 : 4096, &k, false, false);
        ck_assert_msg(r.rc == 0, "%s", r.err.msg);
        ck_assert_uint_eq(r.out_len, want.len);
        ck_assert_mem_eq(r.out, want.p, want.len);
        ck_assert_uint_eq(r.st.packets, 2);
        if (order == 0) {
            first = r;
        } else {
            /* Byte order of the input does not show in the output. */
            ck_assert_mem_eq(first.out, r.out, r.out_len);
            free(first.out);
            free(r.out);
        }
        free(in.p);
        free(want.p);
    }
    keylog_free(&k);
}
END_TEST

START_TEST(pcap_truncated_record_is_an_error)
{
    struct buf in = {0};
    struct keylog k;
    struct result r;

    tls_keylog(&k, keys);
    pcap_file(&in, BO_LE, false, 65535);
    in.len -= 1;
    r = run(&in, 4096, &k, false, false);
    ck_assert_int_eq(r.rc, -1);
    ck_assert_int_eq(r.err.kind, SC_ERR_DATA);
    free(r.out);
    free(in.p);
    keylog_free(&k);
}
END_TEST

static void
count_warning(void *ctx, const char *msg)
{
    (void)msg;
    (*(int *)ctx)++;
}

/* --salvage: a pcapng cut inside its second EPB keeps the SHB, the IDB,
 * the DSB and the first EPB; cut inside the IDB, the SHB and the DSB (the
 * secrets still go in). Cut inside the SHB: still an error. Without it,
 * the cut is an error marked cut. */
START_TEST(salvage_keeps_complete_blocks)
{
    for (int order = 0; order < 2; order++) {
        enum byte_order o = (enum byte_order)order;
        struct buf in = {0}, want = {0}, want2 = {0};
        struct sc_diag diag;
        struct keylog k;
        struct result r;
        size_t shb_end, idb_end, epb1_end;
        int warnings = 0;

        diag.warn = count_warning;
        diag.ctx = &warnings;
        tls_keylog(&k, keys);
        shb(&in, o, 0, -1);
        shb_end = in.len;
        idb(&in, o);
        idb_end = in.len;
        epb(&in, o, "hello");
        epb1_end = in.len;
        epb(&in, o, "world!");
        put(&want, in.p, idb_end);
        dsb(&want, o, keys);
        put(&want, in.p + idb_end, epb1_end - idb_end);
        put(&want2, in.p, idb_end - (idb_end - shb_end));
        dsb(&want2, o, keys);

        in.len = epb1_end + 10; /* inside the second EPB */
        r = run_salvage(&in, tu_chunks[_i], &k, true, &diag);
        ck_assert_msg(r.rc == 0, "%s", r.err.msg);
        ck_assert_uint_eq(r.out_len, want.len);
        ck_assert_mem_eq(r.out, want.p, want.len);
        ck_assert(r.st.salvaged);
        ck_assert_uint_eq(r.st.cut_at, epb1_end);
        ck_assert_uint_eq(r.st.dropped, 10);
        ck_assert_uint_eq(r.st.packets, 1);
        ck_assert_int_eq(warnings, 1);
        free(r.out);

        r = run_salvage(&in, tu_chunks[_i], &k, false, &diag);
        ck_assert_int_eq(r.rc, -1);
        ck_assert(r.err.cut);
        free(r.out);

        in.len = shb_end + 6; /* inside the IDB */
        r = run_salvage(&in, tu_chunks[_i], &k, true, &diag);
        ck_assert_msg(r.rc == 0, "%s", r.err.msg);
        ck_assert_uint_eq(r.out_len, want2.len);
        ck_assert_mem_eq(r.out, want2.p, want2.len);
        ck_assert_uint_eq(r.st.cut_at, shb_end);
        free(r.out);

        in.len = shb_end - 4; /* inside the SHB: nothing to keep */
        r = run_salvage(&in, tu_chunks[_i], &k, true, &diag);
        ck_assert_int_eq(r.rc, -1);
        free(r.out);

        keylog_free(&k);
        free(in.p);
        free(want.p);
        free(want2.p);
    }
}
END_TEST

START_TEST(salvage_pcap_record)
{
    struct buf in = {0};
    struct keylog k;
    struct result r;

    tls_keylog(&k, keys);
    pcap_file(&in, BO_BE, false, 65535);
    in.len -= 1;
    r = run_salvage(&in, tu_chunks[_i], &k, true, NULL);
    ck_assert_msg(r.rc == 0, "%s", r.err.msg);
    ck_assert(r.st.salvaged);
    ck_assert_uint_gt(r.st.cut_at, 24);
    ck_assert_uint_eq(r.st.dropped, in.len - r.st.cut_at);
    free(r.out);
    free(in.p);
    keylog_free(&k);
}
END_TEST

/* Loop index 0: the text spooled to a temporary file past 4 MiB (the
 * default), 1: all of it in memory (the plain path). Same output. */
START_TEST(large_keylog_split_at_line_boundaries)
{
    /* 17.6 MB of valid lines: more than one DSB may hold. */
    const size_t line_len = 13 + 1 + 64 + 1 + 96 + 1, lines = 100000;
    char *text = malloc(line_len * lines + 1), *p = text;
    struct buf in = {0};
    struct keylog k;
    struct result r;
    struct input inp;
    struct pcapng_reader pr;
    struct pcapng_block b;
    struct sc_err err = {0};
    size_t got = 0, n_dsb = 0;

    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < lines; i++) {
        p += sprintf(p, "CLIENT_RANDOM %064zx ", i);
        memset(p, 'a', 96);
        p += 96;
        *p++ = '\n';
    }
    *p = '\0';
    keylog_init(&k, SECRETS_TLS);
    if (_i == 1)
        keylog_set_mem_max(&k, SIZE_MAX);
    ck_assert_int_eq(keylog_add_mem(&k, "keys", (const uint8_t *)text,
                                    strlen(text), NULL, NULL, &err),
                     0);
    ck_assert(spool_spilled(&k.text) == (_i == 0));
    shb(&in, BO_LE, 0, -1);
    idb(&in, BO_LE);
    r = run(&in, 4096, &k, false, false);
    ck_assert_msg(r.rc == 0, "%s", r.err.msg);
    ck_assert_uint_eq(r.st.dsbs_added, 2);
    ck_assert_int_eq(
        input_open_source(&inp, source_mem(r.out, r.out_len, 0, "o", &err),
                          NULL, &err),
        0);
    pcapng_init(&pr, inp.rd);
    while (pcapng_next(&pr, &b, &err) == 1) {
        struct pcapng_dsb d;

        if (b.type != PCAPNG_BT_DSB)
            continue;
        ck_assert_uint_le(b.len, 16u << 20);
        pcapng_dsb_fields(&b, &d);
        ck_assert_uint_eq(d.secrets[d.secrets_len - 1], '\n');
        ck_assert_mem_eq(d.secrets, text + got, d.secrets_len);
        got += d.secrets_len;
        n_dsb++;
    }
    ck_assert_uint_eq(n_dsb, 2);
    ck_assert_uint_eq(got, line_len * lines);
    pcapng_free(&pr);
    input_close(&inp);
    free(r.out);
    free(in.p);
    free(text);
    keylog_free(&k);
}
END_TEST

static Suite *
pipeline_suite(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("inject");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pcapng_dsb_after_leading_idbs);
    tcase_add_test(tc, pcapng_shb_patched_version_and_length);
    tcase_add_test(tc, pcapng_sections_first_or_all);
    tcase_add_test(tc, pcapng_section_without_other_blocks);
    tcase_add_test(tc, pcapng_existing_dsbs_kept_or_discarded);
    tcase_add_test(tc, pcapng_error_names_offset);
    tcase_add_test(tc, pcap_converted_exactly_in_either_byte_order);
    tcase_add_test(tc, pcap_truncated_record_is_an_error);
    tcase_add_loop_test(tc, salvage_keeps_complete_blocks, 0, 3);
    tcase_add_loop_test(tc, salvage_pcap_record, 0, 3);
    tcase_add_loop_test(tc, large_keylog_split_at_line_boundaries, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(pipeline_suite());
}
