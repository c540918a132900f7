/*
 * spool.h - an append-only byte store that stays in memory while it is
 * small and moves to an unlinked temporary file when it grows past a
 * threshold, so that a large payload (a 100 MB key log) costs a bounded
 * amount of memory.
 *
 * Until the store holds more than mem_max bytes, every byte is in memory.
 * The append that would pass mem_max creates an anonymous temporary file
 * (O_TMPFILE in $TMPDIR or /tmp, else mkstemp + unlink at once: nothing is
 * left behind, whatever happens to the process) and moves the bytes there;
 * from then on memory holds at most mem_max bytes of not yet written tail.
 * Reads take any range, from the file (pread) or the memory tail. All
 * offsets and lengths are 64-bit.
 */
#ifndef SC_SPOOL_H
#define SC_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SPOOL_MEM_DEFAULT ((size_t)4 << 20)

struct spool {
    size_t mem_max; /* the threshold (and the size of the tail buffer) */
    uint8_t *mem;   /* bytes [file_len, len) */
    size_t mem_cap;
    int fd;            /* the temporary file once spilled, else -1 */
    uint64_t file_len; /* bytes in the file */
    uint64_t len;      /* bytes in the store */
};

/* mem_max 0 spills at the first byte (tests). */
void spool_init(struct spool *s, size_t mem_max);
void spool_free(struct spool *s);

/* True once the bytes live in a temporary file. */
bool spool_spilled(const struct spool *s);

/* Appends n bytes. 0, or -1 (SC_ERR_IO: out of memory, temp file). */
int spool_append(struct spool *s, const void *p, size_t n, struct sc_err *err);

/* Cuts the store back to len bytes (len <= s->len). 0 or -1. */
int spool_truncate(struct spool *s, uint64_t len, struct sc_err *err);

/* Returns a pointer to the min(n, s->len - off) bytes at off (*got), in
 * the memory tail when they are all there, else read into scratch (at
 * least n bytes). NULL with err set on a read error. off <= s->len. */
const uint8_t *spool_peek(const struct spool *s, uint64_t off, size_t n,
                          uint8_t *scratch, size_t *got, struct sc_err *err);

/* Calls fn on consecutive pieces of the n bytes at off (off + n <=
 * s->len), in order; stops at the first non-zero return. */
typedef int (*spool_piece_fn)(void *ctx, const uint8_t *p, size_t n,
                              struct sc_err *err);
int spool_each(const struct spool *s, uint64_t off, uint64_t n,
               spool_piece_fn fn, void *ctx, struct sc_err *err);

/* An anonymous temporary file in $TMPDIR (or /tmp), read-write: O_TMPFILE,
 * else mkstemp and an immediate unlink, so nothing is ever left behind.
 * The fd, or -1 with err set naming the directory. */
int spool_temp_fd(struct sc_err *err);

#endif
