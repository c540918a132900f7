/*
 * test_spool.c - libcheck suite for spool.c: the memory/temporary-file
 * boundary (reads that straddle it, truncation on either side), reads in
 * pieces, and the temporary directory ($TMPDIR, a missing one).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "testutil.h"

/* Byte i of the test pattern. */
static uint8_t
pat(uint64_t i)
{
    return (uint8_t)(i * 131 + (i >> 9));
}

static void
append_pattern(struct spool *s, uint64_t n, size_t step)
{
    struct sc_err err = {0};
    uint8_t buf[4096];
    uint64_t at = s->len, end = s->len + n;
    size_t k, i;

    ck_assert_uint_le(step, sizeof(buf));
    while (at < end) {
        k = end - at < step ? (size_t)(end - at) : step;
        for (i = 0; i < k; i++)
            buf[i] = pat(at + i);
        ck_assert_msg(spool_append(s, buf, k, &err) == 0, "%s", err.msg);
        at += k;
    }
}

static void
assert_range(const struct spool *s, uint64_t off, size_t n)
{
    struct sc_err err = {0};
    uint8_t *scratch = malloc(n + 1);
    const uint8_t *p;
    size_t got, i;

    ck_assert_ptr_nonnull(scratch);
    p = spool_peek(s, off, n, scratch, &got, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    ck_assert_uint_eq(got, n);
    /* One assertion, not one per byte (each costs a write to a pipe). */
    for (i = 0; i < n && p[i] == pat(off + i); i++)
        ;
    ck_assert_msg(i == n, "byte %zu of the range at %llu differs", i,
                  (unsigned long long)off);
    free(scratch);
}

START_TEST(memory_until_threshold)
{
    struct spool s;

    spool_init(&s, 10000);
    append_pattern(&s, 10000, 333);
    ck_assert(!spool_spilled(&s));
    assert_range(&s, 0, 10000);
    append_pattern(&s, 1, 1);
    ck_assert(spool_spilled(&s));
    ck_assert_uint_eq(s.len, 10001);
    assert_range(&s, 0, 10001);
    spool_free(&s);
}
END_TEST

/* Threshold 0 (tail buffer 64 KiB): 1 MB in odd steps, then reads at and
 * across the file/memory boundary. */
START_TEST(reads_straddle_file_and_tail)
{
    struct spool s;
    uint64_t n = 1000003;

    spool_init(&s, 0);
    append_pattern(&s, n, 4093);
    ck_assert(spool_spilled(&s));
    ck_assert_uint_gt(s.file_len, 0);
    ck_assert_uint_lt(s.file_len, n); /* some bytes still in the tail */
    assert_range(&s, 0, 70000);
    assert_range(&s, s.file_len - 100, 200);
    assert_range(&s, s.file_len, (size_t)(n - s.file_len));
    assert_range(&s, n - 1, 1);
    assert_range(&s, n, 0);
    spool_free(&s);
}
END_TEST

START_TEST(peek_clamps_at_end)
{
    struct sc_err err = {0};
    struct spool s;
    uint8_t scratch[64];
    size_t got;

    spool_init(&s, 0);
    append_pattern(&s, 100, 100);
    ck_assert_ptr_nonnull(spool_peek(&s, 90, 64, scratch, &got, &err));
    ck_assert_uint_eq(got, 10);
    ck_assert_ptr_null(spool_peek(&s, 101, 1, scratch, &got, &err));
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    spool_free(&s);
}
END_TEST

START_TEST(truncate_either_side)
{
    struct sc_err err = {0};
    struct spool s;
    uint64_t in_file;

    spool_init(&s, 0);
    append_pattern(&s, 300000, 4096);
    in_file = s.file_len;
    /* Into the memory tail: the file is untouched. */
    ck_assert_int_eq(spool_truncate(&s, in_file + 10, &err), 0);
    ck_assert_uint_eq(s.file_len, in_file);
    append_pattern(&s, 1000, 7);
    assert_range(&s, 0, (size_t)s.len);
    /* Into the file. */
    ck_assert_int_eq(spool_truncate(&s, 5000, &err), 0);
    ck_assert_uint_eq(s.len, 5000);
    ck_assert_uint_eq(s.file_len, 5000);
    append_pattern(&s, 200000, 999);
    assert_range(&s, 0, (size_t)s.len);
    ck_assert_int_eq(spool_truncate(&s, s.len + 1, &err), -1);
    spool_free(&s);
}
END_TEST

struct collect {
    uint64_t next; /* offset of the next expected byte */
    size_t pieces;
};

static int
collect_piece(void *ctx, const uint8_t *p, size_t n, struct sc_err *err)
{
    struct collect *c = ctx;

    size_t i;

    (void)err;
    for (i = 0; i < n && p[i] == pat(c->next + i); i++)
        ;
    ck_assert_msg(i == n, "piece byte %zu differs", i);
    c->next += n;
    c->pieces++;
    return 0;
}

static int
fail_piece(void *ctx, const uint8_t *p, size_t n, struct sc_err *err)
{
    (void)ctx;
    (void)p;
    (void)n;
    return sc_err_set(err, SC_ERR_IO, "sink failed");
}

START_TEST(each_in_pieces)
{
    struct sc_err err = {0};
    struct collect c = {0};
    struct spool s;
    uint64_t n = (3u << 20) + 12345;

    spool_init(&s, 0);
    append_pattern(&s, n, 4096);
    c.next = 17;
    ck_assert_int_eq(spool_each(&s, 17, n - 17, collect_piece, &c, &err), 0);
    ck_assert_uint_eq(c.next, n);
    ck_assert_uint_ge(c.pieces, 4); /* 1 MiB pieces from the file */
    ck_assert_int_eq(spool_each(&s, 0, n, fail_piece, NULL, &err), -1);
    ck_assert_str_eq(err.msg, "sink failed");
    ck_assert_int_eq(spool_each(&s, 1, n, collect_piece, &c, &err), -1);
    spool_free(&s);
    /* In memory: one piece. */
    spool_init(&s, 1 << 20);
    append_pattern(&s, 5000, 4096);
    memset(&c, 0, sizeof(c));
    ck_assert_int_eq(spool_each(&s, 0, 5000, collect_piece, &c, &err), 0);
    ck_assert_uint_eq(c.pieces, 1);
    spool_free(&s);
}
END_TEST

/* $TMPDIR is used and nothing is left in it, even while the spool is open;
 * a missing $TMPDIR is a clear error. */
START_TEST(tmpdir_used_and_left_empty)
{
    char dir[] = "/tmp/spooltest.XXXXXX";
    struct sc_err err = {0};
    struct spool s;
    uint8_t b = 1;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(setenv("TMPDIR", dir, 1), 0);
    spool_init(&s, 0);
    ck_assert_int_eq(spool_append(&s, &b, 1, &err), 0);
    ck_assert(spool_spilled(&s));
    ck_assert_uint_eq(tu_dir_entries(dir), 0);
    spool_free(&s);
    ck_assert_int_eq(rmdir(dir), 0);
    spool_init(&s, 0);
    ck_assert_int_eq(spool_append(&s, &b, 1, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_msg(strstr(err.msg, "cannot create a temporary file in ") ==
                          err.msg &&
                      strstr(err.msg, dir) != NULL,
                  "%s", err.msg);
    ck_assert_uint_eq(s.len, 0);
    spool_free(&s);
}
END_TEST

static Suite *
spool_suite(void)
{
    Suite *s = suite_create("spool");
    TCase *tc = tcase_create("spool");

    tcase_add_test(tc, memory_until_threshold);
    tcase_add_test(tc, reads_straddle_file_and_tail);
    tcase_add_test(tc, peek_clamps_at_end);
    tcase_add_test(tc, truncate_either_side);
    tcase_add_test(tc, each_in_pieces);
    tcase_add_test(tc, tmpdir_used_and_left_empty);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(spool_suite());
}
