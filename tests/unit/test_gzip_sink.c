/*
 * test_gzip_sink.c - the gzip fast paths against the plain ones: compressed
 * output (gzip_sink behind a writer) decompresses to exactly the bytes of
 * the uncompressed writer, with ISA-L and with zlib, at every level; the
 * ISA-L inflate of gzip_source gives exactly zlib's output; writer_patch
 * cannot reach bytes that went into the compressor, and the pipeline's
 * snaplen warning says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "byteorder.h"
#include "gzip_sink.h"
#include "gzip_source.h"
#include "input.h"
#include "keylog.h"
#include "output.h"
#include "pipeline.h"
#include "reader.h"
#include "secrets.h"
#include "source.h"
#include "testutil.h"

/* Pseudo-random bytes with some repetition, so that deflate has both
 * matches and literals to do. */
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

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(pread(fd, p, (size_t)end, 0), end);
    *len = (size_t)end;
    return p;
}

/* gunzip with zlib (multi-member), as zcat would. */
static uint8_t *
gunzip(const uint8_t *gz, size_t gzlen, size_t *outlen)
{
    z_stream zs;
    size_t cap = gzlen * 4 + 1024, len = 0;
    uint8_t *out = malloc(cap);
    int rc;

    memset(&zs, 0, sizeof(zs));
    ck_assert_int_eq(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)gz;
    zs.avail_in = (uInt)gzlen;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            out = realloc(out, cap);
        }
        ck_assert_ptr_nonnull(out);
        zs.next_out = out + len;
        zs.avail_out = (uInt)(cap - len);
        rc = inflate(&zs, Z_NO_FLUSH);
        len = cap - zs.avail_out;
        if (rc == Z_STREAM_END)
            break;
        ck_assert_int_eq(rc, Z_OK);
    }
    ck_assert_uint_eq(zs.avail_in, 0);
    inflateEnd(&zs);
    *outlen = len;
    return out;
}

/* Writes data through writer -> gzip sink -> raw writer -> temp file in
 * pieces of `piece` bytes; returns the decompressed file content. */
static uint8_t *
compress_roundtrip(const uint8_t *data, size_t n, size_t piece, int level,
                   bool fast, size_t *outlen)
{
    FILE *f = tmpfile();
    struct writer w, raw;
    struct gzip_sink *gz;
    struct sc_err err;
    uint8_t *file, *out;
    size_t flen;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(writer_init(&raw, fileno(f), "out", WRITER_BUF, &err), 0);
    ck_assert_int_eq(writer_init(&w, fileno(f), "out", WRITER_BUF, &err), 0);
    gz = gzip_sink_new(&raw, level, fast, &err);
    ck_assert_ptr_nonnull(gz);
    writer_set_sink(&w, gzip_sink_write, gz);
    for (size_t off = 0; off < n; off += piece) {
        size_t k = n - off < piece ? n - off : piece;

        ck_assert_int_eq(writer_write(&w, data + off, k, &err), 0);
    }
    ck_assert_int_eq(writer_flush(&w, &err), 0);
    ck_assert_int_eq(gzip_sink_finish(gz, &err), 0);
    ck_assert_uint_eq(writer_offset(&w), n);
    gzip_sink_free(gz);
    writer_free(&w);
    writer_free(&raw);
    file = read_fd(fileno(f), &flen);
    fclose(f);
    ck_assert_uint_ge(flen, 18); /* header + trailer at least */
    ck_assert(file[0] == 0x1f && file[1] == 0x8b);
    out = gunzip(file, flen, outlen);
    free(file);
    return out;
}

static const size_t sizes[] = {0, 1, 4095, (size_t)3 << 20};
static const size_t pieces[] = {1 << 20, 3, 700000};

/* _i: size index x piece index x {fast, zlib}. */
START_TEST(output_decompresses_to_the_same_bytes)
{
    size_t n = sizes[_i % 4], piece = pieces[(_i / 4) % 3];
    bool fast = _i / 12 == 0;
    uint8_t *data = make_data(n, (uint32_t)_i);

    if (n < 100000 || piece != 3) {
        for (int level = 1; level <= 9; level += 4) {
            size_t len;
            uint8_t *out =
                compress_roundtrip(data, n, piece, level, fast, &len);

            ck_assert_uint_eq(len, n);
            ck_assert(n == 0 || memcmp(out, data, n) == 0);
            free(out);
        }
    }
    free(data);
}
END_TEST

START_TEST(level_out_of_range_is_a_usage_error)
{
    struct writer raw;
    struct sc_err err;

    ck_assert_int_eq(writer_init(&raw, 1, "out", WRITER_BUF, &err), 0);
    ck_assert_ptr_null(gzip_sink_new(&raw, 0, true, &err));
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_str_eq(err.msg, "compression level 0 is not in 1-9");
    ck_assert_ptr_null(gzip_sink_new(&raw, 10, false, &err));
    writer_free(&raw);
}
END_TEST

/* Bytes still in the writer's buffer can be patched; once they went into
 * the compressor, writer_patch says "cannot" (0) and changes nothing. */
START_TEST(patch_stops_at_the_compressor)
{
    FILE *f = tmpfile();
    struct writer w, raw;
    struct gzip_sink *gz;
    struct sc_err err;
    uint8_t *data = make_data(WRITER_BUF * 2, 7), *file, *out;
    size_t flen, len;

    ck_assert_int_eq(writer_init(&raw, fileno(f), "out", WRITER_BUF, &err), 0);
    ck_assert_int_eq(writer_init(&w, fileno(f), "out", WRITER_BUF, &err), 0);
    gz = gzip_sink_new(&raw, 1, true, &err);
    ck_assert_ptr_nonnull(gz);
    writer_set_sink(&w, gzip_sink_write, gz);
    ck_assert(!w.seekable);
    ck_assert_int_eq(writer_write(&w, data, 100, &err), 0);
    ck_assert_int_eq(writer_patch(&w, 10, "ABCD", 4, &err), 1);
    memcpy(data + 10, "ABCD", 4);
    ck_assert_int_eq(writer_write(&w, data + 100, WRITER_BUF * 2 - 100, &err),
                     0);
    ck_assert_int_eq(writer_patch(&w, 20, "WXYZ", 4, &err), 0);
    ck_assert_int_eq(writer_flush(&w, &err), 0);
    ck_assert_int_eq(gzip_sink_finish(gz, &err), 0);
    gzip_sink_free(gz);
    writer_free(&w);
    writer_free(&raw);
    file = read_fd(fileno(f), &flen);
    out = gunzip(file, flen, &len);
    ck_assert_uint_eq(len, WRITER_BUF * 2);
    ck_assert(memcmp(out, data, len) == 0);
    free(out);
    free(file);
    free(data);
    fclose(f);
}
END_TEST

/* ---- gzip input: ISA-L against zlib ----------------------------------- */

/* Inflates gz (with a memory source handing out `chunk` bytes per read)
 * through gzip_source_ex(fast). */
static uint8_t *
inflate_with(const uint8_t *gz, size_t n, size_t chunk, bool fast,
             size_t *outlen)
{
    struct sc_err err;
    struct reader *in =
        reader_new(source_mem(gz, n, chunk, "t.gz", &err), 1 << 20, &err);
    struct source *s = gzip_source_ex(in, "t.gz", fast, &err);
    size_t cap = 1 << 16, len = 0;
    uint8_t *out = malloc(cap);
    ssize_t got;

    ck_assert_ptr_nonnull(s);
    for (;;) {
        if (cap - len < 4096) {
            cap *= 2;
            out = realloc(out, cap);
            ck_assert_ptr_nonnull(out);
        }
        got = source_read(s, out + len, cap - len, &err);
        ck_assert_msg(got >= 0, "%s", err.msg);
        if (got == 0)
            break;
        len += (size_t)got;
    }
    source_close(s);
    *outlen = len;
    return out;
}

/* Two members (levels 1 and 9) plus zero padding. */
static uint8_t *
make_gzip(const uint8_t *data, size_t n, size_t *gzlen)
{
    size_t cap = n * 2 + 1024, len = 0;
    uint8_t *gz = malloc(cap + 64);

    ck_assert_ptr_nonnull(gz);
    for (int m = 0; m < 2; m++) {
        z_stream zs;

        memset(&zs, 0, sizeof(zs));
        ck_assert_int_eq(deflateInit2(&zs, m ? 9 : 1, Z_DEFLATED, 15 + 16, 8,
                                      Z_DEFAULT_STRATEGY),
                         Z_OK);
        zs.next_in = (Bytef *)(uintptr_t)data;
        zs.avail_in = (uInt)(m ? n / 3 : n);
        zs.next_out = gz + len;
        zs.avail_out = (uInt)(cap - len);
        ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
        len = cap - zs.avail_out;
        deflateEnd(&zs);
    }
    memset(gz + len, 0, 16);
    *gzlen = len + 16;
    return gz;
}

START_TEST(fast_inflate_matches_zlib)
{
    /* Tiny reads are slow: a smaller stream for them. */
    size_t chunk = tu_chunks[_i];
    size_t n = chunk < 4096 ? 100000 : (size_t)2 << 20, gzlen, a_len, b_len;
    uint8_t *data = make_data(n, 3);
    uint8_t *gz = make_gzip(data, n, &gzlen);
    uint8_t *a = inflate_with(gz, gzlen, chunk, true, &a_len);
    uint8_t *b = inflate_with(gz, gzlen, chunk, false, &b_len);

    ck_assert_uint_eq(a_len, n + n / 3);
    ck_assert_uint_eq(a_len, b_len);
    ck_assert(memcmp(a, b, a_len) == 0);
    ck_assert(memcmp(a, data, n) == 0);
    free(a);
    free(b);
    free(gz);
    free(data);
}
END_TEST

/* ---- the pipeline with compressed output ------------------------------ */

static void
collect(void *ctx, const char *msg)
{
    snprintf(ctx, 512, "%s", msg);
}

/* A pcap (snaplen 100) with `n` 64-byte records, then one of 200 bytes. */
static uint8_t *
make_pcap(size_t n, size_t *len)
{
    size_t cap = 24 + (n + 1) * (16 + 200), off = 24;
    uint8_t *p = calloc(1, cap);

    ck_assert_ptr_nonnull(p);
    bo_put32(BO_LE, p, 0xA1B2C3D4u);
    bo_put16(BO_LE, p + 4, 2);
    bo_put16(BO_LE, p + 6, 4);
    bo_put32(BO_LE, p + 16, 100);
    bo_put32(BO_LE, p + 20, 1);
    for (size_t i = 0; i <= n; i++) {
        uint32_t caplen = i == n ? 200 : 64;

        bo_put32(BO_LE, p + off, (uint32_t)i);
        bo_put32(BO_LE, p + off + 8, caplen);
        bo_put32(BO_LE, p + off + 12, caplen);
        memset(p + off + 16, (int)(i & 0xff), caplen);
        off += 16 + caplen;
    }
    *len = off;
    return p;
}

/* Runs inject over pcap into a temp file, compressed or not; returns the
 * (decompressed) output and the warning. */
static uint8_t *
inject_pcap(const uint8_t *pcap, size_t n, bool gzip, char warning[512],
            size_t *outlen)
{
    static const char keys[] =
        "CLIENT_RANDOM "
        "0001020304050607080910111213141516171819202122232425262728293031 "
        "aabbccdd\n";
    FILE *f = tmpfile();
    struct writer w, raw;
    struct gzip_sink *gz = NULL;
    struct keylog kl;
    const struct keylog *list[1] = {&kl};
    struct sc_diag diag = {collect, warning};
    struct inject_opts o = {0};
    struct inject_stats st;
    struct input in;
    struct sc_err err;
    uint8_t *file, *out;
    size_t flen;

    warning[0] = '\0';
    keylog_init(&kl, SECRETS_TLS);
    ck_assert_int_eq(keylog_add_mem(&kl, "k", (const uint8_t *)keys,
                                    strlen(keys), NULL, NULL, &err),
                     0);
    o.secrets = list;
    o.n_secrets = 1;
    o.userappl = "secretcap test";
    o.diag = &diag;
    ck_assert_int_eq(
        input_open_source(&in, source_mem(pcap, n, 0, "mem", &err), NULL, &err),
        0);
    ck_assert_int_eq(writer_init(&w, fileno(f), "out", WRITER_BUF, &err), 0);
    if (gzip) {
        ck_assert_int_eq(writer_init(&raw, fileno(f), "out", WRITER_BUF, &err),
                         0);
        gz = gzip_sink_new(&raw, 1, true, &err);
        ck_assert_ptr_nonnull(gz);
        writer_set_sink(&w, gzip_sink_write, gz);
    }
    ck_assert_int_eq(inject_run(&in, &w, &o, &st, &err), 0);
    if (gzip) {
        ck_assert_int_eq(gzip_sink_finish(gz, &err), 0);
        gzip_sink_free(gz);
        writer_free(&raw);
    }
    writer_free(&w);
    input_close(&in);
    keylog_free(&kl);
    file = read_fd(fileno(f), &flen);
    fclose(f);
    if (!gzip) {
        *outlen = flen;
        return file;
    }
    out = gunzip(file, flen, outlen);
    free(file);
    return out;
}

/* Small output: the IDB is still in the buffer, so the compressed output
 * is exactly the plain one, snaplen raised. Large output: the IDB went
 * into the compressor; the bytes are the plain ones except the snaplen,
 * and the warning says the output is compressed. */
START_TEST(pipeline_gzip_output_matches_plain)
{
    char w_plain[512], w_gz[512];
    size_t n_rec = _i == 0 ? 10 : 30000, plen, a_len, b_len;
    uint8_t *pcap = make_pcap(n_rec, &plen);
    uint8_t *a = inject_pcap(pcap, plen, false, w_plain, &a_len);
    uint8_t *b = inject_pcap(pcap, plen, true, w_gz, &b_len);
    size_t snap_off = 0;

    ck_assert_uint_eq(a_len, b_len);
    ck_assert_ptr_nonnull(strstr(w_plain, "interface snaplen raised to 200"));
    if (_i == 0) {
        ck_assert(memcmp(a, b, a_len) == 0);
        ck_assert_str_eq(w_plain, w_gz);
    } else {
        /* SHB length, then the IDB's snaplen field (pcapng_write.h). */
        snap_off = bo_get32(BO_LE, a + 4) + 12;
        ck_assert_uint_eq(bo_get32(BO_LE, a + snap_off), 200);
        ck_assert_uint_eq(bo_get32(BO_LE, b + snap_off), 100);
        memcpy(b + snap_off, a + snap_off, 4);
        ck_assert(memcmp(a, b, a_len) == 0);
        ck_assert_ptr_nonnull(strstr(w_gz, "the output is compressed, so the "
                                           "interface snaplen could not be "
                                           "raised"));
    }
    free(a);
    free(b);
    free(pcap);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("gzip_sink");
    TCase *tc = tcase_create("gzip_sink");

    tcase_add_loop_test(tc, output_decompresses_to_the_same_bytes, 0, 24);
    tcase_add_test(tc, level_out_of_range_is_a_usage_error);
    tcase_add_test(tc, patch_stops_at_the_compressor);
    tcase_add_loop_test(tc, fast_inflate_matches_zlib, 0, 3);
    tcase_add_loop_test(tc, pipeline_gzip_output_matches_plain, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(suite());
}
