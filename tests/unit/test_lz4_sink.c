/*
 * test_lz4_sink.c - lz4 output: bytes written through lz4_sink in spans of
 * 1, 7, 4096 bytes, 1 MiB and 20 MiB, at levels 1, 9 and 12, come back
 * exactly from liblz4's decompressor; the output is exactly one frame with
 * the lz4 CLI's default frame options (4 MiB independent blocks, content
 * checksum, no block checksum, no content size); the lz4 CLI reads it, and
 * writes the same bytes at levels 1 and 9; an empty stream is a valid
 * frame; a failing raw writer's error comes back from the sink; levels out
 * of range are usage errors. Built without liblz4, only the usage error of
 * lz4_sink_new is tested.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SECRETCAP_HAVE_LZ4
#include <lz4frame.h>
#endif

#include "lz4_sink.h"
#include "output.h"
#include "testutil.h"

#ifdef SECRETCAP_HAVE_LZ4

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

/* Compresses data[0..n) by calling lz4_sink_write directly with spans of
 * `piece` bytes, into raw on fd. Returns the compressed file. */
static uint8_t *
compress_to(int fd, const uint8_t *data, size_t n, size_t piece, int level,
            size_t *flen)
{
    struct writer raw;
    struct lz4_sink *ls;
    struct sc_err err;

    ck_assert_int_eq(writer_init(&raw, fd, "out", WRITER_BUF, &err), 0);
    ls = lz4_sink_new(&raw, level, &err);
    ck_assert_msg(ls != NULL, "%s", err.msg);
    for (size_t off = 0; off < n; off += piece) {
        size_t k = n - off < piece ? n - off : piece;

        ck_assert_int_eq(lz4_sink_write(ls, data + off, k, &err), 0);
    }
    ck_assert_msg(lz4_sink_finish(ls, &err) == 0, "%s", err.msg);
    lz4_sink_free(ls);
    writer_free(&raw);
    return read_fd(fd, flen);
}

/* The frame descriptor of the lz4 CLI 1.9.4 defaults (lz4_Frame_format.md
 * "Frame Descriptor"): FLG = version 01, B.Indep 1, B.Checksum 0,
 * C.Size 0, C.Checksum 1, DictID 0 (0x64); BD = block max size 7, 4 MiB
 * (0x70). */
static void
check_header(const uint8_t *z, size_t zlen)
{
    ck_assert_uint_ge(zlen, 4 + 3 + 4 + 4);
    ck_assert(z[0] == 0x04 && z[1] == 0x22 && z[2] == 0x4d && z[3] == 0x18);
    ck_assert_uint_eq(z[4], 0x64);
    ck_assert_uint_eq(z[5], 0x70);
}

/* Decompresses with liblz4 (which checks the content checksum); the whole
 * input must be exactly one frame: LZ4F_decompress says the frame is done
 * (0) right at the end of the input. */
static uint8_t *
unlz4(const uint8_t *z, size_t zlen, size_t *outlen)
{
    LZ4F_dctx *d;
    size_t cap = 1 << 16, len = 0, pos = 0, rc = 1;
    uint8_t *out = malloc(cap);

    ck_assert(!LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)));
    while (rc != 0) {
        size_t in_n = zlen - pos, out_n;

        ck_assert_msg(in_n > 0, "frame not finished at end of input");
        if (cap - len < 65536) {
            cap *= 2;
            out = realloc(out, cap);
        }
        ck_assert_ptr_nonnull(out);
        out_n = cap - len;
        rc = LZ4F_decompress(d, out + len, &out_n, z + pos, &in_n, NULL);
        ck_assert_msg(!LZ4F_isError(rc), "%s", LZ4F_getErrorName(rc));
        pos += in_n;
        len += out_n;
    }
    ck_assert_uint_eq(pos, zlen);
    LZ4F_freeDecompressionContext(d);
    *outlen = len;
    return out;
}

static void
roundtrip(const uint8_t *data, size_t n, size_t piece, int level)
{
    FILE *f = tmpfile();
    size_t flen, len;
    uint8_t *file, *out;

    ck_assert_ptr_nonnull(f);
    file = compress_to(fileno(f), data, n, piece, level, &flen);
    fclose(f);
    check_header(file, flen);
    out = unlz4(file, flen, &len);
    ck_assert_uint_eq(len, n);
    ck_assert_msg(n == 0 || memcmp(out, data, n) == 0,
                  "piece %zu level %d: bytes differ", piece, level);
    free(out);
    free(file);
}

static const size_t pieces[] = {1, 7, 4096, (size_t)1 << 20, (size_t)20 << 20};

/* _i: piece index. Small spans on 200 kB at levels 1, 9 and 12; 1 MiB and
 * 20 MiB spans on 45 MiB (blocks split across calls, spans of several
 * blocks) at levels 1 and 9. */
START_TEST(round_trip_in_any_span_at_any_level)
{
    size_t piece = pieces[_i];
    bool big = piece >= ((size_t)1 << 20);
    size_t n = big ? ((size_t)45 << 20) + 12345 : 200000;
    uint8_t *data = make_data(n, (uint32_t)_i);
    static const int small_levels[] = {1, 9, 12}, big_levels[] = {1, 9};

    if (big) {
        for (size_t l = 0; l < 2; l++)
            roundtrip(data, n, piece, big_levels[l]);
    } else {
        for (size_t l = 0; l < 3; l++)
            roundtrip(data, n, piece, small_levels[l]);
    }
    free(data);
}
END_TEST

/* Through a writer, as the pipeline uses it: writer -> sink -> raw. */
START_TEST(behind_a_writer)
{
    FILE *f = tmpfile();
    struct writer w, raw;
    struct lz4_sink *ls;
    struct sc_err err;
    size_t n = (size_t)9 << 20, flen, len;
    uint8_t *data = make_data(n, 5), *file, *out;

    ck_assert_int_eq(writer_init(&raw, fileno(f), "out", WRITER_BUF, &err), 0);
    ck_assert_int_eq(writer_init(&w, fileno(f), "out", WRITER_BUF, &err), 0);
    ls = lz4_sink_new(&raw, LZ4_LEVEL_DEFAULT, &err);
    ck_assert_ptr_nonnull(ls);
    writer_set_sink(&w, lz4_sink_write, ls);
    for (size_t off = 0; off < n; off += 1000)
        ck_assert_int_eq(
            writer_write(&w, data + off, n - off < 1000 ? n - off : 1000, &err),
            0);
    ck_assert_int_eq(writer_flush(&w, &err), 0);
    ck_assert_int_eq(lz4_sink_finish(ls, &err), 0);
    ck_assert_uint_eq(writer_offset(&w), n);
    lz4_sink_free(ls);
    writer_free(&w);
    writer_free(&raw);
    file = read_fd(fileno(f), &flen);
    fclose(f);
    check_header(file, flen);
    out = unlz4(file, flen, &len);
    ck_assert_uint_eq(len, n);
    ck_assert(memcmp(out, data, n) == 0);
    free(out);
    free(file);
    free(data);
}
END_TEST

/* Header, end mark, checksum of nothing: 7 + 4 + 4 bytes. */
START_TEST(empty_stream_is_a_valid_frame)
{
    uint8_t dummy = 0;
    FILE *f = tmpfile();
    size_t flen;
    uint8_t *file = compress_to(fileno(f), &dummy, 0, 1, 1, &flen);

    fclose(f);
    ck_assert_uint_eq(flen, 15);
    free(file);
    roundtrip(&dummy, 0, 1, 1);
    roundtrip(&dummy, 0, 1, 12);
}
END_TEST

static bool
have_cli(const char *name)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
    if (system(cmd) == 0)
        return true;
    fprintf(stderr, "test_lz4_sink: SKIPPED: no %s CLI on PATH\n", name);
    return false;
}

/* A temp file holding p[0..n); its path in path[64]. */
static void
temp_with(char path[64], const uint8_t *p, size_t n)
{
    int fd;

    snprintf(path, 64, "/tmp/test_lz4_sink.XXXXXX");
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

    snprintf(out, sizeof(out), "/tmp/test_lz4_sink.XXXXXX");
    fd = mkstemp(out);
    ck_assert_int_ge(fd, 0);
    snprintf(line, sizeof(line), "%s > '%s'", cmd, out);
    ck_assert_msg(system(line) == 0, "failed: %s", line);
    p = read_fd(fd, len);
    close(fd);
    unlink(out);
    return p;
}

/* lz4 -dc reads the frames: empty, one partial block, several blocks. */
START_TEST(lz4_cli_reads_the_output)
{
    static const size_t sizes[] = {0, 100000, ((size_t)9 << 20) + 1};

    if (!have_cli("lz4"))
        return;
    for (size_t s = 0; s < 3; s++) {
        size_t n = sizes[s];
        uint8_t *data = make_data(n, 11);
        FILE *f = tmpfile();
        char path[64], cmd[128];
        size_t flen, len;
        uint8_t *file, *out;

        file = compress_to(fileno(f), data, n, 65536, 1, &flen);
        fclose(f);
        temp_with(path, file, flen);
        snprintf(cmd, sizeof(cmd), "lz4 -q -dc '%s'", path);
        out = run_cli(cmd, &len);
        unlink(path);
        ck_assert_uint_eq(len, n);
        ck_assert(n == 0 || memcmp(out, data, n) == 0);
        free(out);
        free(file);
        free(data);
    }
}
END_TEST

/* For an input of more than one block (the CLI compresses a smaller file
 * in one call, which picks a smaller block size), the sink writes the
 * bytes `lz4 -LEVEL` writes: level 1 is the CLI's fast mode, 9 its HC. */
START_TEST(output_is_the_cli_s)
{
    size_t n = ((size_t)9 << 20) + 777;
    uint8_t *data = make_data(n, 13);
    static const int levels[] = {1, 9};

    if (!have_cli("lz4")) {
        free(data);
        return;
    }
    for (size_t l = 0; l < 2; l++) {
        FILE *f = tmpfile();
        char path[64], cmd[128];
        size_t flen, clen;
        uint8_t *file, *cli;

        file = compress_to(fileno(f), data, n, 100000, levels[l], &flen);
        fclose(f);
        temp_with(path, data, n);
        snprintf(cmd, sizeof(cmd), "lz4 -q -%d -c '%s'", levels[l], path);
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

/* Writes through the sink into raw on fd until an error; returns it (0 if
 * none) and checks that it sticks. */
static int
write_until_error(int fd, const char *name, struct sc_err *err)
{
    struct writer raw;
    struct lz4_sink *ls;
    size_t n = (size_t)4 << 20;
    uint8_t *data = make_data(n, 17);
    int rc = 0;

    ck_assert_int_eq(writer_init(&raw, fd, name, WRITER_BUF, err), 0);
    ls = lz4_sink_new(&raw, 1, err);
    ck_assert_ptr_nonnull(ls);
    for (int r = 0; r < 4 && rc == 0; r++)
        rc = lz4_sink_write(ls, data, n, err);
    if (rc == 0)
        rc = lz4_sink_finish(ls, err);
    if (rc < 0) {
        struct sc_err again;

        ck_assert_int_eq(lz4_sink_write(ls, data, 100, &again), -1);
        ck_assert_int_eq(again.kind, err->kind);
        ck_assert_int_eq(lz4_sink_finish(ls, &again), -1);
        ck_assert_str_eq(again.msg, err->msg);
    }
    lz4_sink_free(ls);
    writer_free(&raw);
    free(data);
    return rc;
}

START_TEST(raw_writer_errors_come_back)
{
    int fds[2], fd;
    struct sc_err err;

    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    sc_err_clear(&err);
    ck_assert_int_eq(write_until_error(fds[1], "stdout", &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_PIPE);
    close(fds[1]);

    fd = open("/dev/full", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    sc_err_clear(&err);
    ck_assert_int_eq(write_until_error(fd, "/dev/full", &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_str_eq(err.msg,
                     "/dev/full: write failed: No space left on device");
    close(fd);
}
END_TEST

START_TEST(level_out_of_range_is_a_usage_error)
{
    struct writer raw;
    struct sc_err err;

    ck_assert_int_eq(writer_init(&raw, 1, "out", WRITER_BUF, &err), 0);
    ck_assert_ptr_null(lz4_sink_new(&raw, 0, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(err.msg, "compression level 0 is not in 1-12");
    ck_assert_ptr_null(lz4_sink_new(&raw, 13, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(err.msg, "compression level 13 is not in 1-12");
    ck_assert_uint_eq(writer_offset(&raw), 0);
    writer_free(&raw);
}
END_TEST

#else /* !SECRETCAP_HAVE_LZ4 */

START_TEST(without_liblz4_new_is_a_usage_error)
{
    struct writer raw;
    struct sc_err err;

    ck_assert_int_eq(writer_init(&raw, 1, "out", WRITER_BUF, &err), 0);
    ck_assert_ptr_null(lz4_sink_new(&raw, 1, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(
        err.msg,
        "lz4 output needs liblz4: this secretcap was built without it");
    writer_free(&raw);
}
END_TEST

#endif

static Suite *
suite(void)
{
    Suite *s = suite_create("lz4_sink");
    TCase *tc = tcase_create("lz4_sink");

    /* The 45 MiB HC round trips take a while under the sanitizers. */
    tcase_set_timeout(tc, 600);
#ifdef SECRETCAP_HAVE_LZ4
    tcase_add_loop_test(tc, round_trip_in_any_span_at_any_level, 0, 5);
    tcase_add_test(tc, behind_a_writer);
    tcase_add_test(tc, empty_stream_is_a_valid_frame);
    tcase_add_test(tc, lz4_cli_reads_the_output);
    tcase_add_test(tc, output_is_the_cli_s);
    tcase_add_test(tc, raw_writer_errors_come_back);
    tcase_add_test(tc, level_out_of_range_is_a_usage_error);
#else
    tcase_add_test(tc, without_liblz4_new_is_a_usage_error);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(suite());
}
