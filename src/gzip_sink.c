/*
 * gzip_sink.c - gzip-compressed output (see gzip_sink.h for the contract).
 *
 * The compressor reads the caller's span in place and deflates into its own
 * output buffer, which goes to the raw writer whenever it is full; the raw
 * writer passes buffer-sized spans straight to write(2). Nothing is
 * compressed twice and nothing is held beyond the two buffers and the
 * compressor's state (zlib level 9: about 256 KiB; ISA-L level 3: about
 * 1.2 MiB).
 *
 * ISA-L (isal_deflate, gzip_flag IGZIP_GZIP) writes a minimal gzip header
 * (no name, mtime 0) and the CRC-32/ISIZE trailer itself; zlib's
 * deflateInit2 with windowBits 15 + 16 does the same.
 */
#include "gzip_sink.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifdef SECRETCAP_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define GZ_OUT_BUF ((size_t)256 << 10)

struct gzip_sink {
    struct writer *raw;
    bool fast;
    uint8_t *out; /* GZ_OUT_BUF bytes of compressed output */
    z_stream zs;
    bool zs_live;
#ifdef SECRETCAP_HAVE_ISAL
    struct isal_zstream is;
    uint8_t *level_buf;
#endif
};

const char *
gzip_sink_library(void)
{
#ifdef SECRETCAP_HAVE_ISAL
    return "isa-l";
#else
    return "zlib";
#endif
}

struct gzip_sink *
gzip_sink_new(struct writer *raw, int level, bool fast, struct sc_err *err)
{
    struct gzip_sink *gz;

    if (level < GZIP_LEVEL_MIN || level > GZIP_LEVEL_MAX) {
        sc_err_set(err, SC_ERR_USAGE, "compression level %d is not in %d-%d",
                   level, GZIP_LEVEL_MIN, GZIP_LEVEL_MAX);
        return NULL;
    }
    gz = calloc(1, sizeof(*gz));
    if (gz == NULL || (gz->out = malloc(GZ_OUT_BUF)) == NULL)
        goto nomem;
    gz->raw = raw;
#ifdef SECRETCAP_HAVE_ISAL
    gz->fast = fast;
    if (fast) {
        static const struct {
            uint32_t level, buf;
        } map[] = {
            {1, ISAL_DEF_LVL1_DEFAULT}, {1, ISAL_DEF_LVL1_DEFAULT},
            {2, ISAL_DEF_LVL2_DEFAULT}, {2, ISAL_DEF_LVL2_DEFAULT},
            {2, ISAL_DEF_LVL2_DEFAULT}, {2, ISAL_DEF_LVL2_DEFAULT},
            {3, ISAL_DEF_LVL3_DEFAULT}, {3, ISAL_DEF_LVL3_DEFAULT},
            {3, ISAL_DEF_LVL3_DEFAULT},
        };

        isal_deflate_init(&gz->is);
        gz->is.level = map[level - 1].level;
        gz->is.level_buf_size = map[level - 1].buf;
        gz->level_buf = malloc(gz->is.level_buf_size);
        if (gz->level_buf == NULL)
            goto nomem;
        gz->is.level_buf = gz->level_buf;
        gz->is.gzip_flag = IGZIP_GZIP;
        gz->is.flush = NO_FLUSH;
        return gz;
    }
#else
    (void)fast;
#endif
    /* memLevel 8 and the default strategy: what gzip(1) -N gives. */
    if (deflateInit2(&gz->zs, level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        goto nomem;
    gz->zs_live = true;
    return gz;
nomem:
    sc_err_set(err, SC_ERR_IO,
               "%s: cannot start gzip compression: out of "
               "memory",
               raw->name);
    gzip_sink_free(gz);
    return NULL;
}

/* Sends the compressed bytes in out[0..n) to the raw writer. */
static int
emit(struct gzip_sink *gz, size_t n, struct sc_err *err)
{
    return n == 0 ? 0 : writer_write(gz->raw, gz->out, n, err);
}

#ifdef SECRETCAP_HAVE_ISAL
/* Runs isal_deflate over p[0..n) (end: finish the member). */
static int
isal_run(struct gzip_sink *gz, const uint8_t *p, size_t n, bool end,
         struct sc_err *err)
{
    struct isal_zstream *s = &gz->is;

    for (;;) {
        uint32_t chunk = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        int rc;

        s->next_in = (uint8_t *)(uintptr_t)p; /* isal_deflate reads only */
        s->avail_in = chunk;
        s->end_of_stream = end && chunk == n;
        s->next_out = gz->out;
        s->avail_out = (uint32_t)GZ_OUT_BUF;
        rc = isal_deflate(s);
        if (rc != COMP_OK)
            return sc_err_set(err, SC_ERR_IO,
                              "%s: gzip compression failed (isal_deflate "
                              "error %d)",
                              gz->raw->name, rc);
        p += chunk - s->avail_in;
        n -= chunk - s->avail_in;
        if (emit(gz, GZ_OUT_BUF - s->avail_out, err) < 0)
            return -1;
        if (end ? s->internal_state.state == ZSTATE_END
                : n == 0 && s->avail_out > 0)
            return 0;
    }
}
#endif

/* Runs deflate over p[0..n) with flush (Z_NO_FLUSH or Z_FINISH). */
static int
zlib_run(struct gzip_sink *gz, const uint8_t *p, size_t n, int flush,
         struct sc_err *err)
{
    z_stream *s = &gz->zs;

    for (;;) {
        uInt chunk = n > UINT_MAX ? UINT_MAX : (uInt)n;
        int rc;

        s->next_in = (Bytef *)(uintptr_t)p; /* deflate reads only */
        s->avail_in = chunk;
        s->next_out = gz->out;
        s->avail_out = (uInt)GZ_OUT_BUF;
        rc = deflate(s, chunk == n ? flush : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR)
            return sc_err_set(err, SC_ERR_IO,
                              "%s: gzip compression failed (deflate error "
                              "%d)",
                              gz->raw->name, rc);
        p += chunk - s->avail_in;
        n -= chunk - s->avail_in;
        s->next_in = NULL;
        s->avail_in = 0;
        if (emit(gz, GZ_OUT_BUF - s->avail_out, err) < 0)
            return -1;
        if (flush == Z_FINISH ? rc == Z_STREAM_END : n == 0 && s->avail_out > 0)
            return 0;
    }
}

int
gzip_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err)
{
    struct gzip_sink *gz = sink;

    if (n == 0)
        return 0;
#ifdef SECRETCAP_HAVE_ISAL
    if (gz->fast)
        return isal_run(gz, p, n, false, err);
#endif
    return zlib_run(gz, p, n, Z_NO_FLUSH, err);
}

int
gzip_sink_finish(struct gzip_sink *gz, struct sc_err *err)
{
    int rc;

#ifdef SECRETCAP_HAVE_ISAL
    if (gz->fast)
        rc = isal_run(gz, NULL, 0, true, err);
    else
#endif
        rc = zlib_run(gz, NULL, 0, Z_FINISH, err);
    if (rc < 0)
        return -1;
    return writer_flush(gz->raw, err);
}

void
gzip_sink_free(struct gzip_sink *gz)
{
    if (gz == NULL)
        return;
    if (gz->zs_live)
        deflateEnd(&gz->zs);
#ifdef SECRETCAP_HAVE_ISAL
    free(gz->level_buf);
#endif
    free(gz->out);
    free(gz);
}
