/*
 * output.h - where the output goes: an atomically published file or stdout,
 * and a buffered writer with a sticky error.
 *
 * struct out_file: a file output is written to a temp file
 * "<dir>/.<name>.XXXXXX" (mode 0600: the result holds secrets) in the
 * destination directory; out_commit() fsyncs it, renames it over the target
 * and fsyncs the directory. out_abort() (any error or signal) removes the
 * temp file; the target is never touched before the rename. "-" means
 * stdout, which is refused when it is a terminal and cannot be atomic.
 *
 * struct writer: buffers small writes into one large buffer (headers can be
 * built in place with writer_reserve/writer_advance) and passes large spans
 * straight to write(2). Short writes and EINTR are retried; the first error
 * sticks and every later call fails with it. EPIPE gives SC_ERR_PIPE so the
 * CLI can exit quietly.
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

#include "err.h"

struct out_file {
    int fd;
    bool is_stdout;
    char *path; /* target (NULL for stdout) */
    char *tmp;  /* temp file path while open (NULL once committed/aborted) */
    const char *name; /* display name */
};

/* Opens the output. Returns 0 or -1 (SC_ERR_IO / SC_ERR_USAGE for a
 * terminal). */
int out_open(struct out_file *o, const char *path, struct sc_err *err);
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
    uint64_t flushed;    /* bytes passed to write(2) so far */
    bool seekable;       /* fd is a regular file written from offset 0 */
    writer_sink_fn sink; /* when set, bytes go here instead of write(2) */
    void *sink_ctx;
    struct sc_err sticky;
};

int writer_init(struct writer *w, int fd, const char *name, size_t cap,
                struct sc_err *err);
void writer_free(struct writer *w);

/* Sends every byte that leaves the buffer to fn(ctx, ...) instead of the
 * fd (call before the first write). The writer is no longer seekable. */
void writer_set_sink(struct writer *w, writer_sink_fn fn, void *ctx);

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
