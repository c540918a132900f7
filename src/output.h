/*
 * output.h - where the output goes: an atomically published file or stdout,
 * and a buffered writer with a sticky error.
 *
 * struct out_file: a file output is written to a temp file
 * "<dir>/.<name>.XXXXXX" (mode 0600: the result holds secrets) in the
 * destination directory; out_commit() renames it over the target, with the
 * fsyncs that out_open() describes; out_abort() (any error or signal)
 * removes it. The target is never touched before the rename; a symbolic
 * link stays, and the file it names is replaced. "-" means stdout, which
 * is refused when it is a terminal and cannot be atomic; so is an existing
 * device or FIFO (/dev/null, /dev/stdout, a named pipe), which is opened
 * and written as it is, never replaced.
 *
 * struct writer: buffers small writes into one large buffer (headers can be
 * built in place with writer_reserve/writer_advance) and passes large spans
 * straight to write(2). Short writes and EINTR are retried; the first error
 * sticks and every later call fails with it. EPIPE gives SC_ERR_PIPE so the
 * CLI can exit quietly.
 *
 * writer_copy() copies bytes of another file to the output inside the
 * kernel: copy_file_range(2) to a regular file (in-kernel on ext4,
 * server-side on NFS 4.2, shared extents on XFS and btrfs), splice(2) to a
 * pipe. Where the kernel refuses (other file systems, EXDEV, EOPNOTSUPP,
 * EINVAL, ENOSYS, an O_APPEND output) it falls back, silently and for good,
 * to copying through user space: the same bytes either way.
 *
 * A writer can instead pass its bytes to a sink function (writer_set_sink:
 * the gzip compressor of gzip_sink.h, which writes into a second writer on
 * the fd). Bytes handed to a sink are gone: writer_patch() can then only
 * reach bytes still in the buffer and returns 0 for the rest.
 */
#ifndef SC_OUTPUT_H
#define SC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "copier.h"
#include "err.h"

struct out_file {
    int fd;
    bool is_stdout;
    bool is_device; /* an existing device or FIFO, written in place */
    bool sync;      /* fsync before the rename (out_open's rule) */
    bool replaces;  /* the target existed when the output was opened */
    char *path;     /* target (NULL for stdout) */
    char *tmp; /* temp file path while open (NULL once committed/aborted) */
    const char *name; /* display name */
};

/* Opens the output. Returns 0 or -1 (SC_ERR_IO / SC_ERR_USAGE for a
 * terminal).
 *
 * Durability: out_commit() always renames a complete temp file over the
 * target (atomic for readers and against a crash of secretcap). It fsyncs
 * the file before the rename, and the directory after it, only where data
 * is at stake: when the target already exists (it is replaced: an
 * existing output, --in-place), or when sync is true (--sync, or an input
 * about to be removed). A new file is not synced, as cp, gzip and editcap
 * do not: after a system crash it may be missing or empty, never a mix. */
int out_open(struct out_file *o, const char *path, bool sync,
             struct sc_err *err);
/* Publishes the file (no-op beyond a final check for stdout). */
int out_commit(struct out_file *o, struct sc_err *err);
/* Removes the temp file; safe to call twice and after commit. */
void out_abort(struct out_file *o);

#define WRITER_BUF ((size_t)1 << 20)

/* Takes n bytes; 0, or -1 with err set. */
typedef int (*writer_sink_fn)(void *ctx, const uint8_t *p, size_t n,
                              struct sc_err *err);

struct writer {
    int fd;
    const char *name;
    uint8_t *buf;
    size_t cap, used;
    uint64_t flushed;      /* bytes passed to write(2) so far */
    bool seekable;         /* fd is a regular file written from offset 0 */
    enum copy_mode copy;   /* how writer_copy copies (copier.h) */
    bool async;            /* writer_copy_async */
    struct copier *copier; /* its worker, made at the first copy */
    writer_sink_fn sink;   /* when set, bytes go here instead of write(2) */
    void *sink_ctx;
    struct sc_err sticky;
};

int writer_init(struct writer *w, int fd, const char *name, size_t cap,
                struct sc_err *err);
/* Frees the buffer after waiting for a copy still running (writer_copy
 * with writer_copy_async): call it before the fd is closed. */
void writer_free(struct writer *w);

/* Sends every byte that leaves the buffer to fn(ctx, ...) instead of the
 * fd (call before the first write). The writer is no longer seekable. */
void writer_set_sink(struct writer *w, writer_sink_fn fn, void *ctx);

/* True when writer_copy() may copy inside the kernel (a file or a pipe
 * that has not refused yet, no sink). */
static inline bool
writer_can_copy(const struct writer *w)
{
    return w->copy != COPY_NONE;
}

/* With on, writer_copy() only starts the kernel copy, on a worker thread
 * (copier.h), and returns: the caller goes on while the kernel copies.
 * Its errors come back from a later writer_copy, write or flush; every
 * write of the writer waits for it first, so the bytes keep their order,
 * and writer_flush returns once it is done. The spans given must stay
 * unchanged in the source file until then (validated file bytes). */
void writer_copy_async(struct writer *w, bool on);

/* Writes n bytes of in_fd from file offset in_off, after what is buffered:
 * in the kernel when it can (from the first 4 KiB boundary of in_off on in
 * aligned calls, so that a copy-on-write file system shares the blocks
 * where the output offset is aligned alike), else from p (the same bytes
 * in memory) or, when p is NULL, read with pread(2). A file that ends before
 * in_off + n is an SC_ERR_DATA error naming in_name (it shrank while being
 * read). 0 or -1. */
int writer_copy(struct writer *w, int in_fd, uint64_t in_off, const uint8_t *p,
                uint64_t n, const char *in_name, struct sc_err *err);

/* Writes n bytes (buffered or directly for large spans). 0 or -1. */
int writer_write(struct writer *w, const void *p, size_t n, struct sc_err *err);
/* writer_write as a callback (spool_each, keylog_each): ctx is the
 * writer. */
int writer_put(void *w, const uint8_t *p, size_t n, struct sc_err *err);
/* Returns a pointer to n (<= cap) contiguous bytes of buffer space,
 * flushing first if needed; NULL on error. Follow with writer_advance(). */
uint8_t *writer_reserve(struct writer *w, size_t n, struct sc_err *err);
void writer_advance(struct writer *w, size_t n);
/* Writes out the buffer. 0 or -1. */
int writer_flush(struct writer *w, struct sc_err *err);
/* Bytes written so far (buffered ones included). */
uint64_t writer_offset(const struct writer *w);
/* Overwrites n bytes at an earlier offset: in the buffer if they are still
 * there, else with pwrite(2) on a seekable output. Returns 1 when patched,
 * 0 when impossible (bytes already sent down a pipe), -1 on error. */
int writer_patch(struct writer *w, uint64_t off, const void *p, size_t n,
                 struct sc_err *err);

#endif
