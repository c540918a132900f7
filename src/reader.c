/*
 * reader.c - buffered reader with zero-copy views and retained spans (see
 * reader.h for the contract).
 *
 * Buffer layout, all offsets into r->buf:
 *
 *   0 ....... keep ....... pos ....... end ....... cap
 *             |  retained  | buffered  |   free    |
 *
 * [keep, pos) are consumed bytes not yet handed to the retain callback
 * (keep == pos when there is no callback); [pos, end) are buffered bytes not
 * yet consumed. To make room, the reader first hands [keep, pos) to the
 * callback, then moves [pos, end) to the front. It grows the buffer only
 * when a single fill asks for more than the buffer holds.
 */
#include "reader.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct reader *
reader_new(struct source *src, size_t max, struct sc_err *err)
{
    struct reader *r = calloc(1, sizeof(*r));

    if (max < READER_CHUNK)
        max = READER_CHUNK;
    if (r != NULL)
        r->buf = malloc(READER_CHUNK);
    if (r == NULL || r->buf == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", src->name);
        free(r);
        source_close(src);
        return NULL;
    }
    r->src = src;
    r->cap = READER_CHUNK;
    r->max = max;
    return r;
}

void
reader_free(struct reader *r)
{
    if (r == NULL)
        return;
    source_close(r->src);
    free(r->buf);
    free(r);
}

int
reader_retain_flush(struct reader *r, struct sc_err *err)
{
    if (r->keep < r->pos && r->retain != NULL &&
        r->retain(r->retain_ctx, r->buf + r->keep, r->pos - r->keep, err) < 0)
        return -1;
    r->keep = r->pos;
    return 0;
}

int
reader_retain_flush_to(struct reader *r, uint64_t upto, struct sc_err *err)
{
    size_t cut;

    assert(upto >= r->base + r->keep && upto <= r->base + r->pos);
    cut = (size_t)(upto - r->base);
    if (r->keep < cut && r->retain != NULL &&
        r->retain(r->retain_ctx, r->buf + r->keep, cut - r->keep, err) < 0)
        return -1;
    r->keep = cut;
    return 0;
}

void
reader_retain_drop(struct reader *r)
{
    r->keep = r->pos;
}

void
reader_set_retain(struct reader *r, reader_retain_fn fn, void *ctx)
{
    r->retain = fn;
    r->retain_ctx = ctx;
    r->keep = r->pos;
}

/* Makes room so that n bytes from pos fit in the buffer. */
static int
make_room(struct reader *r, size_t n, struct sc_err *err)
{
    size_t have = r->end - r->pos;

    if (reader_retain_flush(r, err) < 0)
        return -1;
    if (n > r->cap) {
        size_t cap = r->cap;
        uint8_t *nb;

        while (cap < n)
            cap = cap > r->max / 2 ? r->max : cap * 2;
        nb = malloc(cap);
        if (nb == NULL)
            return sc_err_set(err, SC_ERR_IO, "%s: out of memory (%zu bytes)",
                              r->src->name, cap);
        memcpy(nb, r->buf + r->pos, have);
        free(r->buf);
        r->buf = nb;
        r->cap = cap;
    } else if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, have);
    }
    r->base += r->pos;
    r->pos = r->keep = 0;
    r->end = have;
    return 0;
}

int
reader_fill_slow(struct reader *r, size_t n, const uint8_t **p,
                 struct sc_err *err)
{
    if (r->end - r->pos >= n) {
        *p = r->buf + r->pos;
        return 1;
    }
    if (n > r->max)
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: offset %llu: %zu bytes needed at once, more "
                          "than the limit of %zu",
                          r->src->name, (unsigned long long)reader_offset(r), n,
                          r->max);
    if (r->pos + n > r->cap && make_room(r, n, err) < 0)
        return -1;
    while (r->end - r->pos < n && !r->eof) {
        /* Ask for all the free space: one large read on a file, what is
         * there on a pipe. */
        ssize_t got =
            source_read(r->src, r->buf + r->end, r->cap - r->end, err);

        if (got < 0)
            return -1;
        if (got == 0)
            r->eof = true;
        r->end += (size_t)got;
    }
    if (r->end - r->pos < n)
        return 0;
    *p = r->buf + r->pos;
    return 1;
}

int
reader_skip(struct reader *r, uint64_t n, struct sc_err *err)
{
    return reader_skip_left(r, &n, err);
}

int
reader_skip_left(struct reader *r, uint64_t *left, struct sc_err *err)
{
    const uint8_t *p;

    if (reader_retain_flush(r, err) < 0)
        return -1;
    while (*left > 0) {
        size_t step = r->end - r->pos;
        int rc;

        if (step == 0) {
            if (sc_interrupted)
                return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                                  r->src->name);
            rc = reader_fill(r, 1, &p, err);
            if (rc <= 0)
                return rc;
            continue;
        }
        if (step > *left)
            step = (size_t)*left;
        r->pos += step;
        r->keep = r->pos;
        *left -= step;
    }
    return 1;
}
