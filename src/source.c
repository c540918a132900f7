/*
 * source.c - file-descriptor and memory byte sources (see source.h).
 *
 * The fd source is used for regular files, pipes and stdin alike: it never
 * seeks, so everything that works on a file works on a pipe. EINTR is
 * retried unless a signal asked us to stop.
 */
#include "source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fd_source {
    struct source base;
    int fd;
    bool own_fd;
    int tee_fd; /* -1, or where every byte read is copied */
    bool regular;
    struct stat st; /* at creation (regular files) */
};

/* Copies n bytes read to the tee file. */
static int
tee_write(struct fd_source *fs, const uint8_t *p, size_t n, struct sc_err *err)
{
    while (n > 0) {
        ssize_t w = write(fs->tee_fd, p, n);

        if (w < 0 && errno == EINTR) {
            if (sc_interrupted)
                return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                                  fs->base.name);
            continue;
        }
        if (w <= 0)
            return sc_err_set(err, SC_ERR_IO,
                              "%s: cannot spool the input to a temporary "
                              "file (TMPDIR): %s",
                              fs->base.name,
                              w < 0 ? strerror(errno) : "short write");
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t
fd_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct fd_source *fs = (struct fd_source *)s;

    for (;;) {
        ssize_t got;

        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted", s->name);
        got = read(fs->fd, buf, n);
        if (got > 0 && fs->tee_fd >= 0 &&
            tee_write(fs, buf, (size_t)got, err) < 0)
            return -1;
        if (got >= 0)
            return got;
        if (errno != EINTR)
            return sc_err_set(err, SC_ERR_IO, "%s: read failed: %s", s->name,
                              strerror(errno));
    }
}

static int
fd_verify(struct source *s, struct sc_err *err)
{
    struct fd_source *fs = (struct fd_source *)s;
    struct stat now;

    if (!fs->regular)
        return 0;
    if (fstat(fs->fd, &now) < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: cannot stat: %s", s->name,
                          strerror(errno));
    if (now.st_size != fs->st.st_size)
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: the file changed while secretcap read it (%lld "
                          "bytes at the start, %lld now): a capture still "
                          "being written? Let it finish, or copy it first",
                          s->name, (long long)fs->st.st_size,
                          (long long)now.st_size);
    if (now.st_mtim.tv_sec != fs->st.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != fs->st.st_mtim.tv_nsec)
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: the file changed while secretcap read it (it "
                          "was modified): a capture still being written? Let "
                          "it finish, or copy it first",
                          s->name);
    return 0;
}

static void
fd_close(struct source *s)
{
    struct fd_source *fs = (struct fd_source *)s;

    if (fs->own_fd)
        close(fs->fd);
    free(fs);
}

struct source *
source_fd(int fd, bool own_fd, const char *name, struct sc_err *err)
{
    return source_fd_tee(fd, own_fd, name, -1, err);
}

struct source *
source_fd_tee(int fd, bool own_fd, const char *name, int tee_fd,
              struct sc_err *err)
{
    struct fd_source *fs = calloc(1, sizeof(*fs));
    struct stat st;

    if (fs == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        return NULL;
    }
    fs->base.read = fd_read;
    fs->base.close = fd_close;
    fs->base.name = name;
    fs->base.size = -1;
    fs->base.verify = fd_verify;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t at = lseek(fd, 0, SEEK_CUR);

        fs->base.size = st.st_size;
        fs->regular = true;
        fs->st = st;
        /* Stream offset 0 is where the fd is now (stdin may be a file
         * read from its middle). */
        if (tee_fd < 0 && at >= 0 && at < st.st_size) {
            fs->base.mappable = true;
            fs->base.map_fd = fd;
            fs->base.map_start = (uint64_t)at;
        }
    }
    fs->fd = fd;
    fs->own_fd = own_fd;
    fs->tee_fd = tee_fd;
    return &fs->base;
}

struct mem_source {
    struct source base;
    const uint8_t *data;
    size_t len, pos, chunk;
};

static ssize_t
mem_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct mem_source *ms = (struct mem_source *)s;
    size_t left = ms->len - ms->pos;

    (void)err;
    if (n > left)
        n = left;
    if (ms->chunk != 0 && n > ms->chunk)
        n = ms->chunk;
    if (n == 0)
        return 0; /* data may be NULL for an empty buffer: no memcpy */
    memcpy(buf, ms->data + ms->pos, n);
    ms->pos += n;
    return (ssize_t)n;
}

static void
mem_close(struct source *s)
{
    free(s);
}

struct source *
source_mem(const void *data, size_t len, size_t chunk, const char *name,
           struct sc_err *err)
{
    struct mem_source *ms = calloc(1, sizeof(*ms));

    if (ms == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        return NULL;
    }
    ms->base.read = mem_read;
    ms->base.close = mem_close;
    ms->base.name = name;
    ms->base.size = (int64_t)len;
    ms->data = data;
    ms->len = len;
    ms->chunk = chunk;
    return &ms->base;
}
