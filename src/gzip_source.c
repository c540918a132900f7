/*
 * gzip_source.c - a source that inflates a gzip stream read from a reader
 * (see gzip_source.h for the contract).
 *
 * inflate() reads straight from the inner reader's buffer and writes
 * straight into the caller's buffer, so no byte is copied twice. Every
 * member is checked to its trailer (CRC-32 and ISIZE, RFC 1952 section 2.3):
 * the classic trap is a truncated .gz that looks like a clean end of file,
 * so this source returns 0 (end) only after a member ended cleanly and
 * nothing but zero padding follows it. Errors name the offset in the
 * *compressed* stream, which is where the damage is. It does not handle raw
 * deflate or zlib-wrapped data (windowBits 15 + 16: gzip only).
 */
#include "gzip_source.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum gz_state {
    GZ_MEMBER,  /* inside a member: feed inflate */
    GZ_BETWEEN, /* a member just ended: look at what follows */
    GZ_DONE,    /* clean end: the last member ended, only zeros followed */
    GZ_FAILED,  /* a data error was reported: repeat it, never "end" */
};

struct gz_source {
    struct source base;
    struct reader *in; /* the compressed bytes */
    z_stream zs;
    enum gz_state state;
    struct sc_err failed; /* the data error, once state is GZ_FAILED */
};

static unsigned long long
gz_offset(const struct gz_source *gz)
{
    return (unsigned long long)reader_offset(gz->in);
}

/* After a member: 1f 8b starts the next member; zero bytes up to the end
 * are tape padding (gzip(1) accepts them too); anything else is an error
 * rather than silently ignored data. Returns 1 when another member starts,
 * 0 at a clean end, -1 on error. */
static int
gz_next_member(struct gz_source *gz, struct sc_err *err)
{
    const uint8_t *p;
    int rc = reader_fill(gz->in, 1, &p, err);
    int zrc;

    if (rc <= 0)
        return rc;
    if (p[0] == 0x1f) {
        rc = reader_fill(gz->in, 2, &p, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            /* A lone 1f at the end: most likely the first byte of a
             * member that was cut off, so call it what it looks like. */
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: gzip stream "
                              "truncated (unexpected end of file)",
                              gz->base.name, gz_offset(gz) + 1);
        if (p[1] == 0x8b) {
            zrc = inflateReset(&gz->zs);
            if (zrc != Z_OK)
                return sc_err_set(err, SC_ERR_DATA,
                                  "%s: compressed offset %llu: corrupt gzip "
                                  "data (inflateReset failed: %d)",
                                  gz->base.name, gz_offset(gz), zrc);
            return 1;
        }
    } else {
        /* Zero padding, possibly spread over many buffer refills. */
        for (;;) {
            size_t avail = reader_buffered(gz->in);
            size_t i;

            p = reader_ptr(gz->in);
            for (i = 0; i < avail && p[i] == 0; i++)
                ;
            reader_consume(gz->in, i);
            if (i < avail)
                break;
            if (sc_interrupted)
                return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                                  gz->base.name);
            rc = reader_fill(gz->in, 1, &p, err);
            if (rc <= 0)
                return rc;
        }
    }
    return sc_err_set(err, SC_ERR_DATA,
                      "%s: compressed offset %llu: trailing garbage after "
                      "gzip member",
                      gz->base.name, gz_offset(gz));
}

static ssize_t
gz_inflate(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct gz_source *gz = (struct gz_source *)s;
    /* avail_out is a uInt; a shorter read is always allowed. */
    uInt out_max = n > UINT_MAX ? UINT_MAX : (uInt)n;

    gz->zs.next_out = buf;
    gz->zs.avail_out = out_max;
    for (;;) {
        const uint8_t *p;
        size_t avail, used, produced;
        int rc, zrc;

        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted", s->name);
        if (gz->state == GZ_DONE)
            return 0;
        if (gz->state == GZ_BETWEEN) {
            rc = gz_next_member(gz, err);
            if (rc < 0)
                return -1;
            gz->state = rc == 0 ? GZ_DONE : GZ_MEMBER;
            continue;
        }

        rc = reader_fill(gz->in, 1, &p, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            /* The stream ended inside a member (header, data or trailer):
             * output already returned was good, but the capture is cut. */
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: gzip stream "
                              "truncated (unexpected end of file)",
                              s->name, gz_offset(gz));
        avail = reader_buffered(gz->in);
        gz->zs.next_in = (Bytef *)(uintptr_t)p; /* inflate never writes it */
        gz->zs.avail_in = avail > UINT_MAX ? UINT_MAX : (uInt)avail;
        zrc = inflate(&gz->zs, Z_NO_FLUSH);
        used = (size_t)((const uint8_t *)gz->zs.next_in - p);
        reader_consume(gz->in, used);
        produced = out_max - gz->zs.avail_out;
        gz->zs.next_in = NULL;
        gz->zs.avail_in = 0;

        switch (zrc) {
        case Z_STREAM_END:
            gz->state = GZ_BETWEEN;
            break;
        case Z_OK:
            break;
        case Z_BUF_ERROR:
            /* Cannot happen with avail_in > 0 and avail_out > 0; if it
             * does, make sure it cannot loop forever. */
            if (used == 0 && produced == 0)
                return sc_err_set(err, SC_ERR_DATA,
                                  "%s: compressed offset %llu: corrupt gzip "
                                  "data (inflate made no progress)",
                                  s->name, gz_offset(gz));
            break;
        default:
            /* Z_DATA_ERROR (bad header, bad deflate data, CRC or ISIZE
             * mismatch), Z_STREAM_ERROR, Z_MEM_ERROR, Z_NEED_DICT. */
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: corrupt gzip data "
                              "(%s)",
                              s->name, gz_offset(gz),
                              gz->zs.msg != NULL ? gz->zs.msg : zError(zrc));
        }
        /* Hand back what we have; headers and empty stored blocks produce
         * nothing, and then we keep going rather than return 0. */
        if (produced > 0)
            return (ssize_t)produced;
    }
}

/* A data error is final: the same error again on every later call, so a
 * caller that retries can never see a late clean end. I/O errors and
 * interruptions are not made sticky (the inner reader decides). */
static ssize_t
gz_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct gz_source *gz = (struct gz_source *)s;
    ssize_t got;

    if (gz->state == GZ_FAILED) {
        if (err != NULL)
            *err = gz->failed;
        return -1;
    }
    got = gz_inflate(s, buf, n, err);
    if (got < 0 && err != NULL && err->kind == SC_ERR_DATA) {
        gz->failed = *err;
        gz->state = GZ_FAILED;
    }
    return got;
}

static void
gz_close(struct source *s)
{
    struct gz_source *gz = (struct gz_source *)s;

    inflateEnd(&gz->zs);
    reader_free(gz->in);
    free(gz);
}

struct source *
gzip_source(struct reader *compressed, const char *name, struct sc_err *err)
{
    struct gz_source *gz = calloc(1, sizeof(*gz));
    int zrc;

    if (gz == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        reader_free(compressed);
        return NULL;
    }
    /* zalloc/zfree/opaque are Z_NULL from calloc: zlib's own allocator. */
    zrc = inflateInit2(&gz->zs, 15 + 16);
    if (zrc != Z_OK) {
        sc_err_set(err, SC_ERR_IO, "%s: cannot start gzip decompression (%s)",
                   name, gz->zs.msg != NULL ? gz->zs.msg : zError(zrc));
        free(gz);
        reader_free(compressed);
        return NULL;
    }
    gz->base.read = gz_read;
    gz->base.close = gz_close;
    gz->base.name = name;
    gz->base.size = -1;
    gz->base.inflating = true;
    gz->in = compressed;
    gz->state = GZ_MEMBER;
    return &gz->base;
}
