/*
 * test_readahead.c - libcheck suite for readahead.c, the worker thread
 * that reads a source ahead of its caller: over a scripted inner source
 * (bytes, then an I/O error, more bytes, then a data error or the end),
 * the wrapper must hand out exactly the bytes and errors the inner source
 * gives, in order, with the end and data errors final (the inner source is
 * not called again), I/O errors not final, the first read in the caller's
 * thread, and READAHEAD_OFF returning the inner source itself. The gzip
 * suite (test_gzip.c) runs the same wrapper over real inflating.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "readahead.h"
#include "testutil.h"

enum step_kind { STEP_BYTES, STEP_IO, STEP_DATA, STEP_END };

struct step {
    enum step_kind kind;
    size_t n; /* STEP_BYTES: how many pattern bytes */
};

/* An inner source that plays a script; counts its calls and the threads
 * it was called from. */
struct scripted {
    struct source base;
    const struct step *steps;
    size_t n_steps, at;
    size_t done_in_step; /* bytes of the current STEP_BYTES handed out */
    uint64_t produced;   /* pattern position */
    unsigned calls_after_final;
    bool final;
    pthread_t first_caller;
    bool first_seen, other_thread;
    bool *closed;
};

static uint8_t
pat(uint64_t i)
{
    return (uint8_t)(i * 7 + (i >> 8));
}

static ssize_t
scripted_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct scripted *sc = (struct scripted *)s;
    const struct step *st;

    if (!sc->first_seen) {
        sc->first_caller = pthread_self();
        sc->first_seen = true;
    } else if (!pthread_equal(sc->first_caller, pthread_self())) {
        sc->other_thread = true;
    }
    if (sc->final)
        sc->calls_after_final++;
    if (sc->at == sc->n_steps) {
        sc->final = true;
        return 0;
    }
    st = &sc->steps[sc->at];
    switch (st->kind) {
    case STEP_BYTES: {
        size_t k = st->n - sc->done_in_step;

        if (k > n)
            k = n;
        for (size_t i = 0; i < k; i++)
            buf[i] = pat(sc->produced + i);
        sc->produced += k;
        sc->done_in_step += k;
        if (sc->done_in_step == st->n) {
            sc->at++;
            sc->done_in_step = 0;
        }
        return (ssize_t)k;
    }
    case STEP_IO:
        sc->at++;
        return sc_err_set(err, SC_ERR_IO, "t: read failed: Input/output error");
    case STEP_DATA:
        sc->final = true;
        return sc_err_set(err, SC_ERR_DATA, "t: corrupt data");
    case STEP_END:
        sc->final = true;
        return 0;
    }
    return -1;
}

static void
scripted_close(struct source *s)
{
    struct scripted *sc = (struct scripted *)s;

    *sc->closed = true;
}

static void
scripted_init(struct scripted *sc, const struct step *steps, size_t n,
              bool *closed)
{
    memset(sc, 0, sizeof(*sc));
    sc->base.read = scripted_read;
    sc->base.close = scripted_close;
    sc->base.name = "t";
    sc->base.size = -1;
    sc->base.inflating = true;
    sc->steps = steps;
    sc->n_steps = n;
    sc->closed = closed;
}

/* Reads s with buffers of `bufsz` until the end or an error, checking the
 * pattern; returns the final result (0 or -1) and the byte count. */
static int
drain(struct source *s, size_t bufsz, uint64_t *got, struct sc_err *err)
{
    uint8_t *buf = malloc(bufsz);
    ssize_t r;

    ck_assert_ptr_nonnull(buf);
    for (;;) {
        r = source_read(s, buf, bufsz, err);
        if (r <= 0)
            break;
        ssize_t bad = -1;

        for (ssize_t i = 0; i < r && bad < 0; i++)
            if (buf[i] != pat(*got + (uint64_t)i))
                bad = i;
        ck_assert_int_eq(bad, -1);
        *got += (uint64_t)r;
    }
    free(buf);
    return (int)r;
}

START_TEST(test_off_is_inner)
{
    static const struct step steps[] = {{STEP_BYTES, 10}};
    struct scripted sc;
    struct sc_err err = {0};
    bool closed = false;

    scripted_init(&sc, steps, 1, &closed);
    ck_assert_ptr_eq(readahead_source(&sc.base, NULL, READAHEAD_OFF, &err),
                     &sc.base);
}
END_TEST

/* Bytes across many slots, then the end: every byte in order, the end is
 * final, reads ran on the worker after the first, close() closes inner. */
START_TEST(test_bytes_then_end)
{
    static const struct step steps[] = {
        {STEP_BYTES, 1500000}, {STEP_BYTES, 1}, {STEP_BYTES, 3 << 20}};
    static const size_t sizes[] = {1, 4096, 1 << 20, 3 << 20};
    struct scripted sc;
    struct sc_err err = {0};
    struct source *s;
    bool closed = false;
    uint64_t got = 0;
    uint8_t b;

    scripted_init(&sc, steps, 3, &closed);
    s = readahead_source(&sc.base, NULL, READAHEAD_ON, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_ne(s, &sc.base);
    ck_assert_str_eq(s->name, "t");
    ck_assert(s->inflating);
    ck_assert_int_eq(drain(s, sizes[_i], &got, &err), 0);
    ck_assert_uint_eq(got, 1500001 + (3u << 20));
    /* The end again, without asking the inner source. */
    ck_assert_int_eq(source_read(s, &b, 1, &err), 0);
    ck_assert_int_eq(source_read(s, &b, 1, &err), 0);
    source_close(s);
    ck_assert(closed);
    ck_assert_uint_eq(sc.calls_after_final, 0);
    ck_assert(sc.other_thread);
}
END_TEST

/* An I/O error comes after the bytes before it and is not final: the next
 * read goes on with the bytes after it; a data error is final. */
START_TEST(test_io_then_data_error)
{
    static const struct step steps[] = {{STEP_BYTES, 2 << 20},
                                        {STEP_IO, 0},
                                        {STEP_BYTES, 100000},
                                        {STEP_DATA, 0}};
    struct scripted sc;
    struct sc_err err = {0};
    struct source *s;
    bool closed = false;
    uint64_t got = 0;
    uint8_t b;

    scripted_init(&sc, steps, 4, &closed);
    s = readahead_source(&sc.base, NULL, READAHEAD_ON, &err);
    ck_assert_int_eq(drain(s, tu_chunks[_i], &got, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_uint_eq(got, 2 << 20);
    ck_assert_int_eq(drain(s, tu_chunks[_i], &got, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_str_eq(err.msg, "t: corrupt data");
    ck_assert_uint_eq(got, (2 << 20) + 100000);
    sc_err_clear(&err);
    ck_assert_int_eq(source_read(s, &b, 1, &err), -1);
    ck_assert_str_eq(err.msg, "t: corrupt data");
    source_close(s);
    ck_assert_uint_eq(sc.calls_after_final, 0);
}
END_TEST

/* A first read that ends the stream never starts a worker; a data error
 * on the first read is final too. */
START_TEST(test_first_read_final)
{
    static const struct step end[] = {{STEP_END, 0}};
    static const struct step bad[] = {{STEP_DATA, 0}};
    struct scripted sc;
    struct sc_err err = {0};
    struct source *s;
    bool closed = false;
    uint8_t buf[16];

    scripted_init(&sc, end, 1, &closed);
    s = readahead_source(&sc.base, NULL, READAHEAD_ON, &err);
    ck_assert_int_eq(source_read(s, buf, sizeof(buf), &err), 0);
    ck_assert_int_eq(source_read(s, buf, sizeof(buf), &err), 0);
    source_close(s);
    ck_assert(!sc.other_thread);
    ck_assert_uint_eq(sc.calls_after_final, 0);

    scripted_init(&sc, bad, 1, &closed);
    s = readahead_source(&sc.base, NULL, READAHEAD_ON, &err);
    ck_assert_int_eq(source_read(s, buf, sizeof(buf), &err), -1);
    ck_assert_int_eq(source_read(s, buf, sizeof(buf), &err), -1);
    ck_assert_str_eq(err.msg, "t: corrupt data");
    source_close(s);
    ck_assert(!sc.other_thread);
    ck_assert_uint_eq(sc.calls_after_final, 0);
}
END_TEST

/* close() in the middle, with the worker filling or waiting for a slot. */
START_TEST(test_close_early)
{
    static const struct step steps[] = {{STEP_BYTES, 64 << 20}};
    struct scripted sc;
    struct sc_err err = {0};
    struct source *s;
    bool closed = false;
    uint8_t buf[4096];

    scripted_init(&sc, steps, 1, &closed);
    s = readahead_source(&sc.base, NULL, READAHEAD_ON, &err);
    ck_assert_int_gt(source_read(s, buf, sizeof(buf), &err), 0);
    ck_assert_int_gt(source_read(s, buf, sizeof(buf), &err), 0);
    source_close(s);
    ck_assert(closed);
}
END_TEST

static Suite *
readahead_suite(void)
{
    Suite *s = suite_create("readahead");
    TCase *tc;

    tc = tcase_create("off_is_inner");
    tcase_add_test(tc, test_off_is_inner);
    suite_add_tcase(s, tc);
    tc = tcase_create("bytes_then_end");
    tcase_add_loop_test(tc, test_bytes_then_end, 0, 4);
    suite_add_tcase(s, tc);
    tc = tcase_create("io_then_data_error");
    tcase_add_loop_test(tc, test_io_then_data_error, 0, 3);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("first_read_final");
    tcase_add_test(tc, test_first_read_final);
    suite_add_tcase(s, tc);
    tc = tcase_create("close_early");
    tcase_add_test(tc, test_close_early);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(readahead_suite());
}
