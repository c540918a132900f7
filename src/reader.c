/*
 * reader.c - buffered reader with zero-copy views and retained spans (see
 * reader.h for the contract).
 *
 * Buffer layout, all offsets into r->buf (kept is a stream offset; keep =
 * kept - base):
 *
 *   0 ....... keep ....... pos ....... end ....... cap
 *             |  retained  | buffered  |   free    |
 *
 * [keep, pos) are consumed bytes not yet handed to the retain callback
 * (keep == pos when there is no callback); [pos, end) are buffered bytes not
 * yet consumed. To make room, the reader first hands [keep, pos) to the
 * callback, then moves [pos, end) to the front. It grows the buffer only
 * when a single fill asks for more than the buffer holds.
 *
 * Mapped mode: buf is a window [base, base + end) of the file, mapped from
 * file offset map_start + base; cap == end. Making room maps the next
 * window from the current position on (READER_MAP_WINDOW, or the fill's
 * size), after handing over the retained bytes unless the callback takes
 * spans not in memory (retain_any): then kept may lie before the window.
 */
#include "reader.h"

#include "filemap.h"

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
    if (r->map != NULL) {
        filemap_close(r->map);
        free(r->map);
    } else {
        free(r->buf);
    }
    free(r);
}

/* Hands [kept, upto) to the callback. */
static int
hand_over(struct reader *r, uint64_t upto, struct sc_err *err)
{
    if (r->kept < upto && r->retain != NULL) {
        struct reader_span s = {NULL, upto - r->kept, r->kept, -1, 0};

        if (r->kept >= r->base)
            s.p = r->buf + (size_t)(r->kept - r->base);
        if (r->map != NULL) {
            s.fd = r->map_fd;
            s.foff = r->map_start + r->kept;
        }
        if (r->retain(r->retain_ctx, &s, err) < 0)
            return -1;
    }
    r->kept = upto;
    return 0;
}

int
reader_retain_flush(struct reader *r, struct sc_err *err)
{
    return hand_over(r, r->base + r->pos, err);
}

int
reader_retain_flush_to(struct reader *r, uint64_t upto, struct sc_err *err)
{
    assert(upto >= r->kept && upto <= r->base + r->pos);
    return hand_over(r, upto, err);
}

void
reader_retain_drop(struct reader *r)
{
    r->kept = r->base + r->pos;
}

void
reader_set_retain(struct reader *r, reader_retain_fn fn, void *ctx)
{
    r->retain = fn;
    r->retain_ctx = ctx;
    r->retain_any = false;
    r->kept = r->base + r->pos;
}

void
reader_retain_unbounded(struct reader *r, bool on)
{
    r->retain_any = on;
}

/* Maps the window that starts at the current position and holds at least
 * n bytes, or what is left of the file. */
static int
map_next(struct reader *r, size_t n, struct sc_err *err)
{
    uint64_t at = r->base + r->pos, left = r->map_size - at;
    size_t want = n > READER_MAP_WINDOW ? n : READER_MAP_WINDOW;
    const uint8_t *p;

    if (!r->retain_any && reader_retain_flush(r, err) < 0)
        return -1;
    if (want > left)
        want = (size_t)left;
    if (want == 0) {
        r->eof = true;
        return 0;
    }
    p = filemap_window(r->map, r->map_fd, r->map_start + at, want, r->src->name,
                       err);
    if (p == NULL) {
        r->buf = NULL;
        r->base = at;
        r->pos = r->end = r->cap = 0;
        return -1;
    }
    r->buf = (uint8_t *)p; /* read-only: the mapped reader never writes */
    r->base = at;
    r->pos = 0;
    r->end = r->cap = want;
    r->eof = at + want == r->map_size;
    return 0;
}

int
reader_map(struct reader *r, int fd, uint64_t start, uint64_t size,
           struct sc_err *err)
{
    struct filemap *m;
    uint8_t *old = r->buf;
    size_t old_cap = r->cap;

    assert(r->base == 0 && r->pos == 0 && r->end == 0 && r->map == NULL);
    m = malloc(sizeof(*m));
    if (m == NULL)
        return sc_err_set(err, SC_ERR_IO, "%s: out of memory", r->src->name);
    if (filemap_open(m, err) < 0) {
        free(m);
        return -1;
    }
    r->map = m;
    r->map_fd = fd;
    r->map_start = start;
    r->map_size = size;
    /* Map the first window now: a file system that cannot map is found
     * here, while the reader can still go on with read(2). */
    if (map_next(r, 0, err) < 0) {
        filemap_close(m);
        free(m);
        r->map = NULL;
        r->buf = old;
        r->cap = old_cap;
        r->base = r->pos = r->end = 0;
        r->eof = false;
        return -1;
    }
    free(old);
    return 0;
}

int
reader_verify(struct reader *r, struct sc_err *err)
{
    if (r->map != NULL && filemap_faulted(r->map))
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: the file shrank while secretcap read it "
                          "(pages past its new end read as zeros); nothing "
                          "was written",
                          r->src->name);
    return source_verify(r->src, err);
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
    r->pos = 0;
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
    if (r->map != NULL) {
        /* A window from here holds n bytes unless the file ends first. */
        if (!r->eof && map_next(r, n, err) < 0)
            return -1;
        if (r->end - r->pos < n)
            return 0;
        *p = r->buf + r->pos;
        return 1;
    }
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
        r->kept = r->base + r->pos;
        *left -= step;
    }
    return 1;
}
