/*
 * test_zstd_sink.c - zstd output: bytes written through zstd_sink in spans
 * of 1, 7, 4096 bytes, 1 MiB and 20 MiB, at levels 1, 3 and 19 and with 0,
 * 1 and 2 worker threads, come back exactly from libzstd's decompressor;
 * the output is exactly one frame with the content checksum on and no
 * content size; the zstd CLI reads it (and, single-threaded, writes the
 * same bytes); an empty stream is a valid frame; a failing raw writer's
 * error comes back from the sink; levels out of range are usage errors.
 * Built without libzstd, only the usage error of zstd_sink_new is tested.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SECRETCAP_HAVE_ZSTD
#include <zstd.h>
#endif

#include "output.h"
#include "testutil.h"
#include "zstd_sink.h"

#ifdef SECRETCAP_HAVE_ZSTD

/* Pseudo-random bytes with some repetition (every other 700 bytes repeat
 * the bytes 1500 earlier), so that there are matches and literals. */
static uint8_t *
make_data(size_t n, uint32_t seed)
{
    uint8_t *p = malloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;

    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (i % 1500 < 700 && i >= 1500) ? p[i - 1500] : (uint8_t)(x >> 24);
    }
    return p;
}

/* Reads a whole fd from offset 0. */
static uint8_t *
read_fd(int fd, size_t *len)
{
    off_t end = lseek(fd, 0, SEEK_END);
    uint8_t *p = malloc((size_t)end + 1);

    ck_assert_int_ge(end, 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(pread(fd, p, (size_t)end, 0), end);
    *len = (size_t)end;
    return p;
}

/* Compresses data[0..n) by calling zstd_sink_write directly with spans of
 * `piece` bytes, into raw on fd. Returns the compressed file. */
static uint8_t *
compress_to(int fd, const uint8_t *data, size_t n, size_t piece, int level,
            int threads, size_t *flen)
{
    struct writer raw;
    struct zstd_sink *zs;
    struct sc_err err;

    ck_assert_int_eq(writer_init(&raw, fd, "out", WRITER_BUF, &err), 0);
    zs = zstd_sink_new(&raw, level, threads, &err);
    ck_assert_msg(zs != NULL, "%s", err.msg);
    for (size_t off = 0; off < n; off += piece) {
        size_t k = n - off < piece ? n - off : piece;

        ck_assert_int_eq(zstd_sink_write(zs, data + off, k, &err), 0);
    }
    ck_assert_msg(zstd_sink_finish(zs, &err) == 0, "%s", err.msg);
    zstd_sink_free(zs);
    writer_free(&raw);
    return read_fd(fd, flen);
}

/* Exactly one frame, as zstd's CLI writes it by default: magic, content
 * checksum flag set, no dictionary, no content size (Frame_Content_Size
 * flag 0 and Single_Segment 0: RFC 8878 section 3.1.1.1.1). */
static void
check_frame(const uint8_t *z, size_t zlen)
{
    ck_assert_uint_ge(zlen, 4 + 1 + 1 + 3 + 4);
    ck_assert(z[0] == 0x28 && z[1] == 0xb5 && z[2] == 0x2f && z[3] == 0xfd);
    ck_assert_uint_eq(z[4] & 0xc0, 0);    /* Frame_Content_Size_flag */
    ck_assert_uint_eq(z[4] & 0x20, 0);    /* Single_Segment_flag */
    ck_assert_uint_eq(z[4] & 0x04, 0x04); /* Content_Checksum_flag */
    ck_assert_uint_eq(z[4] & 0x03, 0);    /* Dictionary_ID_flag */
    ck_assert_uint_eq(ZSTD_findFrameCompressedSize(z, zlen), zlen);
    ck_assert(ZSTD_getFrameContentSize(z, zlen) == ZSTD_CONTENTSIZE_UNKNOWN);
}

/* Decompresses with libzstd's streaming decoder (which checks the content
 * checksum); the whole input must be one complete frame. */
static uint8_t *
unzstd(const uint8_t *z, size_t zlen, size_t *outlen)
{
    ZSTD_DCtx *d = ZSTD_createDCtx();
    ZSTD_inBuffer in = {z, zlen, 0};
    size_t cap = 1 << 16, len = 0, rc = 1;
    uint8_t *out = malloc(cap);

    ck_assert_ptr_nonnull(d);
    while (rc != 0) {
        ZSTD_outBuffer o;

        if (len == cap) {
            cap *= 2;
            out = realloc(out, cap);
        }
        ck_assert_ptr_nonnull(out);
        o.dst = out;
        o.size = cap;
        o.pos = len;
        rc = ZSTD_decompressStream(d, &o, &in);
        ck_assert_msg(!ZSTD_isError(rc), "%s", ZSTD_getErrorName(rc));
        len = o.pos;
        ck_assert(rc == 0 || in.pos < in.size || o.pos == o.size);
    }
    ck_assert_uint_eq(in.pos, zlen);
    ZSTD_freeDCtx(d);
    *outlen = len;
    return out;
}

static void
roundtrip(const uint8_t *data, size_t n, size_t piece, int level, int threads)
{
    FILE *f = tmpfile();
    size_t flen, len;
    uint8_t *file, *out;

    ck_assert_ptr_nonnull(f);
    file = compress_to(fileno(f), data, n, piece, level, threads, &flen);
    fclose(f);
    check_frame(file, flen);
    out = unzstd(file, flen, &len);
    ck_assert_uint_eq(len, n);
    ck_assert_msg(n == 0 || memcmp(out, data, n) == 0,
                  "piece %zu level %d threads %d: bytes differ", piece, level,
                  threads);
    free(out);
    free(file);
}

static const size_t pieces[] = {1, 7, 4096, (size_t)1 << 20, (size_t)20 << 20};

/* _i: piece index x threads 0, 1, 2. Small spans on 200 kB at levels 1, 3
 * and 19; 1 MiB and 20 MiB spans on 45 MiB (several jobs of the workers,
 * spans larger than a job) at levels 1 and 3. */
START_TEST(round_trip_in_any_span_at_any_level)
{
    size_t piece = pieces[_i % 5];
    int threads = _i / 5;
    bool big = piece >= ((size_t)1 << 20);
    size_t n = big ? (size_t)45 << 20 : 200000;
    uint8_t *data = make_data(n, (uint32_t)_i);
    static const int small_levels[] = {1, 3, 19}, big_levels[] = {1, 3};

    if (big) {
        for (size_t l = 0; l < 2; l++)
            roundtrip(data, n, piece, big_levels[l], threads);
    } else {
        for (size_t l = 0; l < 3; l++)
            roundtrip(data, n, piece, small_levels[l], threads);
    }
    free(data);
}
END_TEST

/* Through a writer, as the pipeline uses it: writer -> sink -> raw. */
START_TEST(behind_a_writer)
{
    FILE *f = tmpfile();
    struct writer w, raw;
    struct zstd_sink *zs;
    struct sc_err err;
    size_t n = (size_t)3 << 20, flen, len;
    uint8_t *data = make_data(n, 5), *file, *out;

    ck_assert_int_eq(writer_init(&raw, fileno(f), "out", WRITER_BUF, &err), 0);
    ck_assert_int_eq(writer_init(&w, fileno(f), "out", WRITER_BUF, &err), 0);
    zs = zstd_sink_new(&raw, ZSTD_LEVEL_DEFAULT, 2, &err);
    ck_assert_ptr_nonnull(zs);
    writer_set_sink(&w, zstd_sink_write, zs);
    for (size_t off = 0; off < n; off += 1000)
        ck_assert_int_eq(
            writer_write(&w, data + off, n - off < 1000 ? n - off : 1000, &err),
            0);
    ck_assert_int_eq(writer_flush(&w, &err), 0);
    ck_assert_int_eq(zstd_sink_finish(zs, &err), 0);
    ck_assert_uint_eq(writer_offset(&w), n);
    ck_assert_uint_eq(writer_offset(&raw),
                      (uint64_t)lseek(fileno(f), 0, SEEK_END));
    zstd_sink_free(zs);
    writer_free(&w);
    writer_free(&raw);
    file = read_fd(fileno(f), &flen);
    fclose(f);
    check_frame(file, flen);
    out = unzstd(file, flen, &len);
    ck_assert_uint_eq(len, n);
    ck_assert(memcmp(out, data, n) == 0);
    free(out);
    free(file);
    free(data);
}
END_TEST

START_TEST(empty_stream_is_a_valid_frame)
{
    for (int threads = 0; threads <= 2; threads++) {
        uint8_t dummy = 0;

        roundtrip(&dummy, 0, 1, ZSTD_LEVEL_DEFAULT, threads);
    }
}
END_TEST

static bool
have_cli(const char *name)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
    if (system(cmd) == 0)
        return true;
    fprintf(stderr, "test_zstd_sink: SKIPPED: no %s CLI on PATH\n", name);
    return false;
}

/* A temp file holding p[0..n); its path in path[64]. */
static void
temp_with(char path[64], const uint8_t *p, size_t n)
{
    int fd;

    snprintf(path, 64, "/tmp/test_zstd_sink.XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
    close(fd);
}

/* Runs the shell command cmd with stdout to a temp file; returns what it
 * wrote. */
static uint8_t *
run_cli(const char *cmd, size_t *len)
{
    char out[64], line[512];
    int fd;
    uint8_t *p;

    snprintf(out, sizeof(out), "/tmp/test_zstd_sink.XXXXXX");
    fd = mkstemp(out);
    ck_assert_int_ge(fd, 0);
    snprintf(line, sizeof(line), "%s > '%s'", cmd, out);
    ck_assert_msg(system(line) == 0, "failed: %s", line);
    p = read_fd(fd, len);
    close(fd);
    unlink(out);
    return p;
}

/* zstd -dc reads the frames, empty and 5 MiB, single- and multithreaded. */
START_TEST(zstd_cli_reads_the_output)
{
    static const size_t sizes[] = {0, (size_t)5 << 20};

    if (!have_cli("zstd"))
        return;
    for (size_t s = 0; s < 2; s++) {
        size_t n = sizes[s];
        uint8_t *data = make_data(n, 11);

        for (int threads = 0; threads <= 2; threads += 2) {
            FILE *f = tmpfile();
            char path[64], cmd[128];
            size_t flen, len;
            uint8_t *file, *out;

            file = compress_to(fileno(f), data, n, 65536, 3, threads, &flen);
            fclose(f);
            temp_with(path, file, flen);
            snprintf(cmd, sizeof(cmd), "zstd -q -dc '%s'", path);
            out = run_cli(cmd, &len);
            unlink(path);
            ck_assert_uint_eq(len, n);
            ck_assert(n == 0 || memcmp(out, data, n) == 0);
            free(out);
            free(file);
        }
        free(data);
    }
}
END_TEST

/* Single-threaded, the sink writes what `zstd -LEVEL --single-thread`
 * writes for a stream of unknown size (stdin): the same compressor with
 * the same parameters, so sizes and speeds compare one to one. */
START_TEST(single_thread_output_is_the_cli_s)
{
    size_t n = (size_t)3 << 20;
    uint8_t *data = make_data(n, 13);
    static const int levels[] = {1, 3, 9};

    if (!have_cli("zstd")) {
        free(data);
        return;
    }
    for (size_t l = 0; l < 3; l++) {
        FILE *f = tmpfile();
        char path[64], cmd[128];
        size_t flen, clen;
        uint8_t *file, *cli;

        file = compress_to(fileno(f), data, n, 100000, levels[l], 0, &flen);
        fclose(f);
        temp_with(path, data, n);
        snprintf(cmd, sizeof(cmd), "zstd -q -%d --single-thread -c < '%s'",
                 levels[l], path);
        cli = run_cli(cmd, &clen);
        unlink(path);
        ck_assert_uint_eq(flen, clen);
        ck_assert_msg(memcmp(file, cli, flen) == 0, "level %d differs",
                      levels[l]);
        free(cli);
        free(file);
    }
    free(data);
}
END_TEST

/* Writes n bytes through the sink into raw on fd; returns the first error
 * (0 if none) and checks it sticks. */
static int
write_until_error(int fd, const char *name, int threads, struct sc_err *err)
{
    struct writer raw;
    struct zstd_sink *zs;
    size_t n = (size_t)4 << 20;
    uint8_t *data = make_data(n, 17);
    int rc = 0;

    ck_assert_int_eq(writer_init(&raw, fd, name, WRITER_BUF, err), 0);
    zs = zstd_sink_new(&raw, 1, threads, err);
    ck_assert_ptr_nonnull(zs);
    for (int r = 0; r < 4 && rc == 0; r++)
        rc = zstd_sink_write(zs, data, n, err);
    if (rc == 0)
        rc = zstd_sink_finish(zs, err);
    if (rc < 0) {
        struct sc_err again;

        ck_assert_int_eq(zstd_sink_write(zs, data, 100, &again), -1);
        ck_assert_int_eq(again.kind, err->kind);
    }
    zstd_sink_free(zs);
    writer_free(&raw);
    free(data);
    return rc;
}

START_TEST(raw_writer_errors_come_back)
{
    int fds[2], fd;
    struct sc_err err;

    for (int threads = 0; threads <= 2; threads += 2) {
        signal(SIGPIPE, SIG_IGN);
        ck_assert_int_eq(pipe(fds), 0);
        close(fds[0]);
        sc_err_clear(&err);
        ck_assert_int_eq(write_until_error(fds[1], "stdout", threads, &err),
                         -1);
        ck_assert_int_eq(err.kind, SC_ERR_PIPE);
        close(fds[1]);

        fd = open("/dev/full", O_WRONLY);
        ck_assert_int_ge(fd, 0);
        sc_err_clear(&err);
        ck_assert_int_eq(write_until_error(fd, "/dev/full", threads, &err), -1);
        ck_assert_int_eq(err.kind, SC_ERR_IO);
        ck_assert_str_eq(err.msg,
                         "/dev/full: write failed: No space left on device");
        close(fd);
    }
}
END_TEST

START_TEST(level_out_of_range_is_a_usage_error)
{
    struct writer raw;
    struct sc_err err;

    ck_assert_int_eq(writer_init(&raw, 1, "out", WRITER_BUF, &err), 0);
    ck_assert_ptr_null(zstd_sink_new(&raw, 0, 0, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(err.msg, "compression level 0 is not in 1-19");
    ck_assert_ptr_null(zstd_sink_new(&raw, 20, 2, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(err.msg, "compression level 20 is not in 1-19");
    ck_assert_ptr_null(zstd_sink_new(&raw, 3, -1, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_uint_eq(writer_offset(&raw), 0);
    writer_free(&raw);
}
END_TEST

/* More threads than libzstd allows are clamped, not an error. */
START_TEST(many_threads_are_clamped)
{
    uint8_t *data = make_data(100000, 19);

    roundtrip(data, 100000, 4096, 3, 100000);
    free(data);
}
END_TEST

#else /* !SECRETCAP_HAVE_ZSTD */

START_TEST(without_libzstd_new_is_a_usage_error)
{
    struct writer raw;
    struct sc_err err;

    ck_assert_int_eq(writer_init(&raw, 1, "out", WRITER_BUF, &err), 0);
    ck_assert_ptr_null(zstd_sink_new(&raw, 3, 0, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(
        err.msg,
        "zstd output needs libzstd: this secretcap was built without it");
    writer_free(&raw);
}
END_TEST

#endif

static Suite *
suite(void)
{
    Suite *s = suite_create("zstd_sink");
    TCase *tc = tcase_create("zstd_sink");

    /* The 45 MiB round trips take a few seconds each under the
     * sanitizers. */
    tcase_set_timeout(tc, 600);
#ifdef SECRETCAP_HAVE_ZSTD
    tcase_add_loop_test(tc, round_trip_in_any_span_at_any_level, 0, 15);
    tcase_add_test(tc, behind_a_writer);
    tcase_add_test(tc, empty_stream_is_a_valid_frame);
    tcase_add_test(tc, zstd_cli_reads_the_output);
    tcase_add_test(tc, single_thread_output_is_the_cli_s);
    tcase_add_test(tc, raw_writer_errors_come_back);
    tcase_add_test(tc, level_out_of_range_is_a_usage_error);
    tcase_add_test(tc, many_threads_are_clamped);
#else
    tcase_add_test(tc, without_libzstd_new_is_a_usage_error);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(suite());
}
