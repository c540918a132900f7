/*
 * err.h - the error record and warning sink shared by every module.
 *
 * Library functions never print and never exit. They return 0 / -1 (or
 * 1 / 0 / -1 for "got one / clean end / error") and, on -1, fill a
 * caller-owned struct sc_err with a one-line message that names the file and,
 * for data errors, the byte offset. The CLI prefixes "secretcap: " and maps
 * the kind to an exit code. Warnings go through struct sc_diag, a callback the
 * CLI provides; a NULL diag or callback drops them.
 */
#ifndef SC_ERR_H
#define SC_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum sc_err_kind {
    SC_ERR_NONE = 0,
    SC_ERR_DATA,  /* bad input: capture, key log (exit 1) */
    SC_ERR_IO,    /* read/write/open failure (exit 1) */
    SC_ERR_USAGE, /* bad options or arguments (exit 2) */
    SC_ERR_PIPE,  /* output consumer went away (EPIPE): quiet exit */
    SC_ERR_INTR,  /* interrupted by a signal */
};

#define SC_ERR_MSG_MAX 1024

struct sc_err {
    enum sc_err_kind kind;
    /* SC_ERR_DATA: the input ended inside a block, a record or a compressed
     * frame (cut short: a killed tcpdump, a full disk), with every byte
     * before that point complete; what --salvage recovers from. */
    bool cut;
    char msg[SC_ERR_MSG_MAX];
};

/* Sets kind and the formatted message (truncated to fit), cut false.
 * Always returns -1 so that callers can write `return sc_err_set(...)`. */
int sc_err_set(struct sc_err *e, enum sc_err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Marks e as "cut short" (see cut above). Returns -1. */
int sc_err_cut(struct sc_err *e);

/* Prepends "prefix: " to an existing message (e.g. a file name). */
void sc_err_prefix(struct sc_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void sc_err_clear(struct sc_err *e);

struct sc_diag {
    void (*warn)(void *ctx, const char *msg); /* one line, no newline */
    void *ctx;
};

void sc_warn(const struct sc_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The signal flag: set to the signal number by the CLI's handler. Long loops
 * (reads, writes) check it and fail with SC_ERR_INTR. Atomic (lock-free, so
 * a signal handler may store it) because the gzip worker thread reads it
 * too. */
extern _Atomic int sc_interrupted;

#endif
