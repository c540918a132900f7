/*
 * output.c - atomic file output and the buffered writer (see output.h).
 *
 * "Nothing lost" (reliability notes §3.2): the target is only ever replaced
 * by rename(2) of a complete temp file in the same directory, fsync'ed
 * first when it replaces a file or the caller asks (out_open); on any
 * failure the temp file is removed. fsync failures are fatal and never
 * retried. stdout cannot be atomic: errors there only give a non-zero exit.
 */
#include "output.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
open_device(struct out_file *o, const char *path, struct sc_err *err)
{
    int fd;

    do
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR && !sc_interrupted);
    if (fd < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: cannot open: %s", path,
                          strerror(errno));
    if (isatty(fd)) {
        close(fd);
        return sc_err_set(err, SC_ERR_USAGE,
                          "%s: refusing to write a binary capture to a "
                          "terminal",
                          path);
    }
    o->path = strdup(path);
    if (o->path == NULL) {
        close(fd);
        return sc_err_set(err, SC_ERR_IO, "%s: out of memory", path);
    }
    o->fd = fd;
    o->is_device = true;
    o->name = o->path;
    return 0;
}

int
out_open(struct out_file *o, const char *path, bool sync, struct sc_err *err)
{
    char *dcopy = NULL, *bcopy = NULL;
    const char *dir, *base;
    struct stat st;
    size_t n;
    int fd;

    memset(o, 0, sizeof(*o));
    o->fd = -1;
    o->sync = sync;
    if (strcmp(path, "-") == 0) {
        if (isatty(STDOUT_FILENO))
            return sc_err_set(err, SC_ERR_USAGE,
                              "refusing to write a binary capture to a "
                              "terminal; use -o FILE or a redirection");
        o->fd = STDOUT_FILENO;
        o->is_stdout = true;
        o->name = "stdout";
        return 0;
    }
    /* A device or a FIFO (/dev/null, /dev/stdout, a named pipe) is written
     * as it is, like stdout: a temp file renamed over it would replace the
     * device with a regular file. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return open_device(o, path, err);
    /* A symbolic link stays: the file it names is what gets replaced (the
     * temp file goes beside that file). A dangling one is replaced. */
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        o->path = realpath(path, NULL);
    if (o->path == NULL)
        o->path = strdup(path);
    if (o->path == NULL)
        goto nomem;
    path = o->path;
    dcopy = strdup(path);
    bcopy = strdup(path);
    if (dcopy == NULL || bcopy == NULL)
        goto nomem;
    dir = dirname(dcopy);
    base = basename(bcopy);
    n = strlen(dir) + strlen(base) + sizeof("/..XXXXXX");
    o->tmp = malloc(n);
    if (o->tmp == NULL)
        goto nomem;
    snprintf(o->tmp, n, "%s/.%s.XXXXXX", dir, base);
    fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd < 0) {
        sc_err_set(err, SC_ERR_IO, "%s: cannot create output: %s", path,
                   strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        goto fail;
    }
    o->fd = fd;
    o->name = o->path;
    /* Whatever exists under the name is about to be replaced: sync before
     * it goes. */
    o->replaces = lstat(path, &st) == 0;
    free(dcopy);
    free(bcopy);
    return 0;
nomem:
    sc_err_set(err, SC_ERR_IO, "%s: out of memory", path);
fail:
    free(dcopy);
    free(bcopy);
    free(o->path);
    o->path = NULL;
    return -1;
}

static int
sync_dir(const char *path, struct sc_err *err)
{
    char *copy = strdup(path);
    int fd, rc = 0;

    if (copy == NULL)
        return sc_err_set(err, SC_ERR_IO, "%s: out of memory", path);
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        if (fsync(fd) < 0 && errno != EINVAL)
            rc = sc_err_set(err, SC_ERR_IO, "%s: cannot sync directory: %s",
                            path, strerror(errno));
        close(fd);
    }
    free(copy);
    return rc;
}

int
out_commit(struct out_file *o, struct sc_err *err)
{
    int fd = o->fd;
    bool durable = o->sync || o->replaces;

    if (o->is_stdout)
        return 0;
    o->fd = -1;
    if (o->is_device)
        return close(fd) < 0
                   ? sc_err_set(err, SC_ERR_IO, "%s: close failed: %s", o->name,
                                strerror(errno))
                   : 0;
    if (durable && fsync(fd) < 0) {
        sc_err_set(err, SC_ERR_IO, "%s: fsync failed: %s", o->name,
                   strerror(errno));
        close(fd);
        return -1;
    }
    if (close(fd) < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: close failed: %s", o->name,
                          strerror(errno));
    if (rename(o->tmp, o->path) < 0)
        return sc_err_set(err, SC_ERR_IO, "%s: cannot rename output: %s",
                          o->name, strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return durable ? sync_dir(o->path, err) : 0;
}

void
out_abort(struct out_file *o)
{
    if (!o->is_stdout && o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp != NULL) {
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
    free(o->path);
    o->path = NULL;
}

int
writer_init(struct writer *w, int fd, const char *name, size_t cap,
            struct sc_err *err)
{
    struct stat st;

    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->name = name;
    w->cap = cap;
    w->buf = malloc(cap);
    if (w->buf == NULL)
        return sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
    /* pwrite(2) ignores the offset on an O_APPEND descriptor, and
     * copy_file_range(2) refuses one. */
    if (fstat(fd, &st) == 0 && (fcntl(fd, F_GETFL) & O_APPEND) == 0) {
        w->seekable = S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) == 0;
        if (S_ISREG(st.st_mode))
            w->copy = COPY_RANGE;
        else if (S_ISFIFO(st.st_mode))
            w->copy = COPY_SPLICE;
    }
    return 0;
}

void
writer_set_sink(struct writer *w, writer_sink_fn fn, void *ctx)
{
    assert(writer_offset(w) == 0);
    w->sink = fn;
    w->sink_ctx = ctx;
    w->seekable = false;
    w->copy = COPY_NONE;
}

void
writer_copy_async(struct writer *w, bool on)
{
    w->async = on;
}

void
writer_free(struct writer *w)
{
    copier_free(w->copier);
    w->copier = NULL;
    free(w->buf);
    w->buf = NULL;
}

static int
fail_sticky(struct writer *w, struct sc_err *err)
{
    if (err != NULL)
        *err = w->sticky;
    return -1;
}

/* Waits for a copy still running on the copier: the fd is the writer's
 * again. 0, or -1 with the copy's error (sticky). */
static int
settle(struct writer *w, struct sc_err *err)
{
    if (w->copier != NULL && copier_wait(w->copier, &w->sticky) < 0)
        return fail_sticky(w, err);
    return 0;
}

/* Passes n bytes on: to the sink, or write(2) of all of them. The caller
 * has settled any copy still running (writer_flush). */
static int
write_all(struct writer *w, const uint8_t *p, size_t n, struct sc_err *err)
{
    if (w->sink != NULL ? w->sink(w->sink_ctx, p, n, &w->sticky) < 0
                        : fd_write_all(w->fd, p, n, w->name, &w->sticky) < 0)
        return fail_sticky(w, err);
    w->flushed += n;
    return 0;
}

int
writer_flush(struct writer *w, struct sc_err *err)
{
    if (w->sticky.kind != SC_ERR_NONE || settle(w, err) < 0)
        return fail_sticky(w, err);
    if (w->used > 0 && write_all(w, w->buf, w->used, err) < 0)
        return -1;
    w->used = 0;
    return 0;
}

int
writer_write(struct writer *w, const void *p, size_t n, struct sc_err *err)
{
    if (w->sticky.kind != SC_ERR_NONE)
        return fail_sticky(w, err);
    /* Small spans are gathered in the buffer. A span of half the buffer or
     * more (the pass-through runs of the read buffer) goes straight from
     * the caller's memory after what is buffered: zero copy, and no more
     * write(2) calls than copying it in would cost. */
    if (n < w->cap / 2 && n <= w->cap - w->used) {
        memcpy(w->buf + w->used, p, n);
        w->used += n;
        return 0;
    }
    if (writer_flush(w, err) < 0)
        return -1;
    if (n < w->cap / 2) {
        memcpy(w->buf, p, n);
        w->used = n;
        return 0;
    }
    return write_all(w, p, n, err);
}

int
writer_copy(struct writer *w, int in_fd, uint64_t in_off, const uint8_t *p,
            uint64_t n, const char *in_name, struct sc_err *err)
{
    if (w->sticky.kind != SC_ERR_NONE)
        return fail_sticky(w, err);
    if (w->copy == COPY_NONE && p != NULL)
        return n <= SIZE_MAX
                   ? writer_write(w, p, (size_t)n, err)
                   : sc_err_set(err, SC_ERR_IO, "%s: span too large", w->name);
    if (writer_flush(w, err) < 0)
        return -1;
    if (w->copy != COPY_NONE && w->async && w->copier == NULL) {
        struct sc_err ignored;

        w->copier = copier_new(w->fd, w->copy, w->name, &ignored);
        w->async = w->copier != NULL; /* else: copy here */
    }
    /* On the worker, while the caller validates on; or here: in the kernel,
     * or (COPY_NONE: the bytes not in memory) pread through the buffer. */
    if (w->copy != COPY_NONE && w->copier != NULL) {
        if (copier_post(w->copier, in_fd, in_off, n, in_name, &w->sticky) < 0)
            return fail_sticky(w, err);
    } else if (copy_range(w->fd, &w->copy, in_fd, in_off, n, w->buf, w->cap,
                          w->name, in_name, &w->sticky) < 0) {
        return fail_sticky(w, err);
    }
    w->flushed += n;
    return 0;
}

int
writer_put(void *w, const uint8_t *p, size_t n, struct sc_err *err)
{
    return writer_write(w, p, n, err);
}

uint8_t *
writer_reserve(struct writer *w, size_t n, struct sc_err *err)
{
    if (w->sticky.kind != SC_ERR_NONE) {
        fail_sticky(w, err);
        return NULL;
    }
    if (n > w->cap) {
        sc_err_set(err, SC_ERR_IO, "%s: internal error: reserve %zu > %zu",
                   w->name, n, w->cap);
        return NULL;
    }
    if (n > w->cap - w->used && writer_flush(w, err) < 0)
        return NULL;
    return w->buf + w->used;
}

void
writer_advance(struct writer *w, size_t n)
{
    w->used += n;
}

uint64_t
writer_offset(const struct writer *w)
{
    return w->flushed + w->used;
}

int
writer_patch(struct writer *w, uint64_t off, const void *p, size_t n,
             struct sc_err *err)
{
    const uint8_t *b = p;

    if (w->sticky.kind != SC_ERR_NONE)
        return fail_sticky(w, err);
    if (off > writer_offset(w) || n > writer_offset(w) - off)
        return sc_err_set(err, SC_ERR_IO, "%s: internal error: patch past end",
                          w->name);
    if (off < w->flushed) {
        /* Part (or all) of it has left the buffer: only a regular file
         * written from its start can take it back (never a sink: those
         * bytes may be compressed already). */
        size_t head = w->flushed - off < n ? (size_t)(w->flushed - off) : n;

        if (!w->seekable)
            return 0;
        if (settle(w, err) < 0)
            return -1;
        for (;;) {
            ssize_t put = pwrite(w->fd, b, head, (off_t)off);

            if (put == (ssize_t)head)
                break;
            if (put < 0 && errno == EINTR)
                continue;
            sc_err_set(&w->sticky, SC_ERR_IO, "%s: write failed: %s", w->name,
                       put < 0 ? strerror(errno) : "short write");
            return fail_sticky(w, err);
        }
        b += head;
        n -= head;
        off += head;
        if (n == 0)
            return 1; /* all on disk; off may lie before the buffer */
    }
    memcpy(w->buf + (off - w->flushed), b, n);
    return 1;
}
