/*
 * zstd_sink.c - zstd-compressed output (see zstd_sink.h for the contract).
 *
 * One ZSTD_CCtx driven by ZSTD_compressStream2 (RFC 8878 framing, content
 * checksum on). libzstd's streaming API copies its input into its own
 * window (single thread) or job buffers (worker threads): it cannot
 * compress the caller's span in place, so the sink adds no staging buffer
 * of its own on top. Compressed bytes are gathered in one 1 MiB buffer that
 * goes to the raw writer each time it is full (the raw writer passes such
 * spans straight to write(2)) and once more at the end of the frame.
 *
 * Memory with worker threads. libzstd's multithreaded compressor keeps a
 * ring of input of roughly (workers + 3) job sizes, an output buffer of about a
 * job size per job in flight and one context per worker. At level 3 its default
 * job is 4 << windowLog = 8 MiB, and compressing 2 GB with two workers peaked
 * at 77 MB of RSS for the whole driver process, over the 64 MiB budget of
 * secretcap with zstd output. Jobs capped at ZS_JOB_MAX = 2 MiB peak at 25 MB
 * (4 MiB: 41 MB; 1 MiB: 16 MB but 15% slower) and cost 0.3% of compression
 * ratio on compressible data (a tar of /usr: 205.5 MB against 204.9 MB with 8
 * MiB jobs) and none on a TLS-like capture. The overlap (ZSTD_c_overlapLog)
 * stays at the library's default: it is a fraction of the window, not of the
 * job (level 3: 256 KiB), and libzstd raises the job size to the overlap where
 * a level's is larger. The high levels need more than the budget whatever the
 * job size, for their match-finder tables (measured peak RSS: level 15 74 MB
 * and level 19 95 MB in one thread, level 19 with two workers 233 MB); the cap
 * does not try to change that.
 *
 * Not done here: dictionaries, long-distance matching (its window would
 * break the memory bound), the --ultra levels, and declaring the content
 * size.
 */
#include "zstd_sink.h"

#include <stdlib.h>

#ifdef SECRETCAP_HAVE_ZSTD
#include <zstd.h>
#endif

#ifdef SECRETCAP_HAVE_ZSTD

#define ZS_OUT_BUF ((size_t)1 << 20)
#define ZS_JOB_MAX ((int)2 << 20)

struct zstd_sink {
    struct writer *raw;
    ZSTD_CCtx *cctx;
    uint8_t *out;         /* ZS_OUT_BUF bytes of compressed output */
    size_t used;          /* bytes of out[] not yet sent to raw */
    struct sc_err sticky; /* the first error: every later call fails */
};

/* Keeps the first error (rc < 0) so that every later call fails with it:
 * after a failed write part of the input is lost, and after a library
 * error the context cannot go on. */
static int
keep(struct zstd_sink *zs, int rc, struct sc_err *err)
{
    if (rc < 0 && err != NULL && zs->sticky.kind == SC_ERR_NONE)
        zs->sticky = *err;
    return rc;
}

/* Fails with the kept error, if any. */
static int
failed(const struct zstd_sink *zs, struct sc_err *err)
{
    if (zs->sticky.kind == SC_ERR_NONE)
        return 0;
    if (err != NULL)
        *err = zs->sticky;
    return -1;
}

/* Sends the compressed bytes gathered in out[] to the raw writer. */
static int
emit(struct zstd_sink *zs, struct sc_err *err)
{
    size_t n = zs->used;

    zs->used = 0;
    return n == 0 ? 0 : writer_write(zs->raw, zs->out, n, err);
}

static int
zstd_fail(struct zstd_sink *zs, size_t rc, struct sc_err *err)
{
    return sc_err_set(err, SC_ERR_IO, "%s: zstd compression failed (%s)",
                      zs->raw->name, ZSTD_getErrorName(rc));
}

/* Runs ZSTD_compressStream2 over p[0..n) with op (ZSTD_e_continue, or
 * ZSTD_e_end to finish the frame), sending out[] to raw whenever it is
 * full. On return with e_continue all of p was taken (libzstd may still
 * hold some of it); with e_end the frame is complete in out[] or raw. */
static int
zstd_run(struct zstd_sink *zs, const uint8_t *p, size_t n, ZSTD_EndDirective op,
         struct sc_err *err)
{
    ZSTD_inBuffer in = {p, n, 0};

    for (;;) {
        ZSTD_outBuffer out = {zs->out, ZS_OUT_BUF, zs->used};
        size_t rc = ZSTD_compressStream2(zs->cctx, &out, &in, op);

        zs->used = out.pos;
        if (ZSTD_isError(rc))
            return zstd_fail(zs, rc, err);
        if (zs->used == ZS_OUT_BUF && emit(zs, err) < 0)
            return -1;
        /* e_end returns 0 once the frame is fully flushed; e_continue
         * returns as soon as the input is taken (with workers it blocks
         * inside libzstd while every job buffer is busy). */
        if (op == ZSTD_e_end ? rc == 0 : in.pos == in.size)
            return 0;
    }
}

/* Sets one parameter; 0 or -1 with the library's message. */
static int
set_param(struct zstd_sink *zs, ZSTD_cParameter param, int value,
          struct sc_err *err)
{
    size_t rc = ZSTD_CCtx_setParameter(zs->cctx, param, value);

    return ZSTD_isError(rc) ? zstd_fail(zs, rc, err) : 0;
}

/* Worker threads, clamped to what this libzstd allows: 0 when it was built
 * without multithreading (its nbWorkers bounds are then 0..0 and setting
 * more is an error, which is not the user's problem). */
static void
set_workers(struct zstd_sink *zs, int threads)
{
    ZSTD_bounds b = ZSTD_cParam_getBounds(ZSTD_c_nbWorkers);

    if (threads <= 0 || ZSTD_isError(b.error) || b.upperBound <= 0)
        return;
    if (threads > b.upperBound)
        threads = b.upperBound;
    if (ZSTD_isError(
            ZSTD_CCtx_setParameter(zs->cctx, ZSTD_c_nbWorkers, threads))) {
        ZSTD_CCtx_setParameter(zs->cctx, ZSTD_c_nbWorkers, 0);
        return;
    }
    /* The job cap of the file comment; jobSize only matters with workers.
     * A failure here only costs memory, never correctness. */
    ZSTD_CCtx_setParameter(zs->cctx, ZSTD_c_jobSize, ZS_JOB_MAX);
}

struct zstd_sink *
zstd_sink_new(struct writer *raw, int level, int threads, struct sc_err *err)
{
    struct zstd_sink *zs;

    if (level < ZSTD_LEVEL_MIN || level > ZSTD_LEVEL_MAX) {
        sc_err_set(err, SC_ERR_USAGE, "compression level %d is not in %d-%d",
                   level, ZSTD_LEVEL_MIN, ZSTD_LEVEL_MAX);
        return NULL;
    }
    if (threads < 0) {
        sc_err_set(err, SC_ERR_USAGE, "thread count %d is negative", threads);
        return NULL;
    }
    zs = calloc(1, sizeof(*zs));
    if (zs == NULL || (zs->out = malloc(ZS_OUT_BUF)) == NULL ||
        (zs->cctx = ZSTD_createCCtx()) == NULL) {
        sc_err_set(err, SC_ERR_IO,
                   "%s: cannot start zstd compression: out of memory",
                   raw->name);
        zstd_sink_free(zs);
        return NULL;
    }
    zs->raw = raw;
    if (set_param(zs, ZSTD_c_compressionLevel, level, err) < 0 ||
        set_param(zs, ZSTD_c_checksumFlag, 1, err) < 0 ||
        set_param(zs, ZSTD_c_contentSizeFlag, 0, err) < 0)
        goto fail;
    set_workers(zs, threads);
    /* Start the frame now, with no input, so that the context's tables are
     * allocated (and the workers started) here and running out of memory
     * is an error of zstd_sink_new. This writes at most into out[]. */
    if (zstd_run(zs, NULL, 0, ZSTD_e_continue, err) < 0)
        goto fail;
    return zs;
fail:
    zstd_sink_free(zs);
    return NULL;
}

int
zstd_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err)
{
    struct zstd_sink *zs = sink;

    if (failed(zs, err) < 0)
        return -1;
    if (n == 0)
        return 0;
    return keep(zs, zstd_run(zs, p, n, ZSTD_e_continue, err), err);
}

int
zstd_sink_finish(struct zstd_sink *zs, struct sc_err *err)
{
    if (failed(zs, err) < 0)
        return -1;
    if (zstd_run(zs, NULL, 0, ZSTD_e_end, err) < 0 || emit(zs, err) < 0)
        return keep(zs, -1, err);
    return keep(zs, writer_flush(zs->raw, err), err);
}

void
zstd_sink_free(struct zstd_sink *zs)
{
    if (zs == NULL)
        return;
    ZSTD_freeCCtx(zs->cctx);
    free(zs->out);
    free(zs);
}

#else /* !SECRETCAP_HAVE_ZSTD */

struct zstd_sink {
    struct writer *raw;
};

struct zstd_sink *
zstd_sink_new(struct writer *raw, int level, int threads, struct sc_err *err)
{
    (void)raw;
    (void)level;
    (void)threads;
    sc_err_set(
        err, SC_ERR_USAGE,
        "zstd output needs libzstd: this secretcap was built without it");
    return NULL;
}

int
zstd_sink_write(void *sink, const uint8_t *p, size_t n, struct sc_err *err)
{
    struct zstd_sink *zs = sink;

    (void)p;
    (void)n;
    return sc_err_set(err, SC_ERR_USAGE, "%s: zstd output needs libzstd",
                      zs != NULL && zs->raw != NULL ? zs->raw->name : "output");
}

int
zstd_sink_finish(struct zstd_sink *zs, struct sc_err *err)
{
    return zstd_sink_write(zs, NULL, 0, err);
}

void
zstd_sink_free(struct zstd_sink *zs)
{
    (void)zs;
}

#endif
