/*
 * spool.c - append-only byte store, memory first, then an anonymous
 * temporary file (see spool.h).
 */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The smallest tail buffer once spilled (mem_max may be 0 in tests), and
 * the read size of spool_each. */
#define SPOOL_TAIL_MIN ((size_t)64 << 10)
#define SPOOL_PIECE ((size_t)1 << 20)

void
spool_init(struct spool *s, size_t mem_max)
{
    memset(s, 0, sizeof(*s));
    s->mem_max = mem_max;
    s->fd = -1;
}

void
spool_free(struct spool *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->mem);
    spool_init(s, s->mem_max);
}

bool
spool_spilled(const struct spool *s)
{
    return s->fd >= 0;
}

int
spool_temp_fd(struct sc_err *err)
{
    const char *dir = getenv("TMPDIR");
    char path[PATH_MAX];
    int fd, n;

    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    /* No O_TMPFILE on this file system: a named file, unlinked at once. */
    n = snprintf(path, sizeof(path), "%s/.secretcap-spool.XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof(path))
        return sc_err_set(err, SC_ERR_IO, "temporary directory name too long");
    fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0)
        return sc_err_set(err, SC_ERR_IO,
                          "cannot create a temporary file in %s: %s", dir,
                          strerror(errno));
    (void)unlink(path);
    return fd;
}

static int
write_at(int fd, uint64_t off, const uint8_t *p, size_t n, struct sc_err *err)
{
    ssize_t w;

    while (n > 0) {
        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "interrupted");
        w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return sc_err_set(err, SC_ERR_IO,
                              "cannot write a temporary file: %s",
                              w < 0 ? strerror(errno) : "no progress");
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

static int
read_at(int fd, uint64_t off, uint8_t *p, size_t n, struct sc_err *err)
{
    ssize_t r;

    while (n > 0) {
        r = pread(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR && !sc_interrupted)
            continue;
        if (r <= 0)
            return sc_err_set(err, SC_ERR_IO,
                              "cannot read a temporary file: %s",
                              r < 0 ? strerror(errno) : "it got shorter");
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

/* Writes the memory tail to the file. */
static int
flush_tail(struct spool *s, struct sc_err *err)
{
    size_t n = (size_t)(s->len - s->file_len);

    if (n > 0 && write_at(s->fd, s->file_len, s->mem, n, err) < 0)
        return -1;
    s->file_len = s->len;
    return 0;
}

static int
mem_reserve(struct spool *s, size_t need, struct sc_err *err)
{
    size_t ncap;
    uint8_t *p;

    if (need <= s->mem_cap)
        return 0;
    ncap = s->mem_cap + s->mem_cap / 2;
    if (ncap < need)
        ncap = need;
    if (ncap < 4096)
        ncap = 4096;
    p = realloc(s->mem, ncap);
    if (p == NULL)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    s->mem = p;
    s->mem_cap = ncap;
    return 0;
}

static int
spill(struct spool *s, struct sc_err *err)
{
    size_t tail = s->mem_max > SPOOL_TAIL_MIN ? s->mem_max : SPOOL_TAIL_MIN;
    int fd = spool_temp_fd(err);

    if (fd < 0)
        return -1;
    s->fd = fd;
    s->file_len = 0;
    if (flush_tail(s, err) < 0 || mem_reserve(s, tail, err) < 0) {
        close(s->fd);
        s->fd = -1;
        s->file_len = 0;
        return -1;
    }
    return 0;
}

int
spool_append(struct spool *s, const void *p, size_t n, struct sc_err *err)
{
    const uint8_t *b = p;
    size_t room, k;

    if (n == 0)
        return 0;
    if (n > UINT64_MAX - s->len)
        return sc_err_set(err, SC_ERR_IO, "spool too large");
    if (s->fd < 0) {
        if (s->len + n <= s->mem_max) {
            if (mem_reserve(s, (size_t)s->len + n, err) < 0)
                return -1;
            memcpy(s->mem + s->len, b, n);
            s->len += n;
            return 0;
        }
        if (spill(s, err) < 0)
            return -1;
    }
    while (n > 0) {
        room = s->mem_cap - (size_t)(s->len - s->file_len);
        if (room == 0) {
            if (flush_tail(s, err) < 0)
                return -1;
            continue;
        }
        k = n < room ? n : room;
        memcpy(s->mem + (s->len - s->file_len), b, k);
        s->len += k;
        b += k;
        n -= k;
    }
    return 0;
}

int
spool_truncate(struct spool *s, uint64_t len, struct sc_err *err)
{
    if (len > s->len)
        return sc_err_set(err, SC_ERR_IO, "spool truncate past its end");
    if (len < s->file_len) {
        if (ftruncate(s->fd, (off_t)len) != 0)
            return sc_err_set(err, SC_ERR_IO,
                              "cannot truncate a temporary file: %s",
                              strerror(errno));
        s->file_len = len;
    }
    s->len = len;
    return 0;
}

const uint8_t *
spool_peek(const struct spool *s, uint64_t off, size_t n, uint8_t *scratch,
           size_t *got, struct sc_err *err)
{
    static const uint8_t none[1];
    size_t from_file;

    if (off > s->len) {
        sc_err_set(err, SC_ERR_IO, "spool read past its end");
        return NULL;
    }
    if (n > s->len - off)
        n = (size_t)(s->len - off);
    *got = n;
    if (n == 0)
        return none;
    if (off >= s->file_len)
        return s->mem + (off - s->file_len);
    from_file = s->file_len - off < n ? (size_t)(s->file_len - off) : n;
    if (read_at(s->fd, off, scratch, from_file, err) < 0)
        return NULL;
    if (n > from_file)
        memcpy(scratch + from_file, s->mem, n - from_file);
    return scratch;
}

int
spool_each(const struct spool *s, uint64_t off, uint64_t n, spool_piece_fn fn,
           void *ctx, struct sc_err *err)
{
    uint8_t *buf = NULL;
    const uint8_t *p;
    size_t k, got;
    int rc = 0;

    if (off > s->len || n > s->len - off)
        return sc_err_set(err, SC_ERR_IO, "spool read past its end");
    if (off < s->file_len && (buf = malloc(SPOOL_PIECE)) == NULL)
        return sc_err_set(err, SC_ERR_IO, "out of memory");
    while (rc == 0 && n > 0) {
        /* From the file: a piece at a time; from memory: all at once. */
        k = off < s->file_len ? SPOOL_PIECE : SIZE_MAX;
        if (k > n)
            k = (size_t)n;
        if (off < s->file_len && k > s->file_len - off)
            k = (size_t)(s->file_len - off);
        p = spool_peek(s, off, k, buf, &got, err);
        rc = p == NULL ? -1 : fn(ctx, p, got, err);
        off += got;
        n -= got;
    }
    free(buf);
    return rc;
}
