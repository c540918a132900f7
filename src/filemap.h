/*
 * filemap.h - read-only windows of a regular file mapped into memory, with
 * a file that shrinks under them turned into an error instead of a crash.
 *
 * The reader (reader.h) parses a plain capture file through a window of it
 * mapped with mmap(2): no copy into a buffer, which on this project's
 * benchmark machine made a validation pass over 768 MiB five times faster
 * than read(2) (docs/performance.md). A mapping has one hazard that read(2)
 * has not: when the file is truncated while mapped (a capture being
 * rewritten, an editor saving over it), touching a page past the new end
 * raises SIGBUS. filemap installs, once per process, a SIGBUS handler that
 * recognises a fault inside a live window, maps zero pages over the rest of
 * that window so that the faulting load completes, and marks the window
 * faulted; the owner checks filemap_faulted() before it trusts what it read
 * (reader_verify: the input changed while it was read, an error). A SIGBUS
 * anywhere else gets the default action, as without the handler.
 *
 * The handler's table of live windows is the one piece of global state the
 * library keeps, because a signal handler can reach nothing else. It holds
 * FILEMAP_SLOTS windows; a process that already has that many maps nothing
 * more and filemap_open reports it (the caller reads instead).
 */
#ifndef SC_FILEMAP_H
#define SC_FILEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define FILEMAP_SLOTS 16

struct filemap {
    const uint8_t *base; /* mapping (page-aligned), NULL when none */
    size_t len;          /* bytes mapped */
    int slot;            /* index in the handler's table, -1 when none */
};

/* Reserves a slot (installing the handler the first time). Returns 0, or
 * -1 with err set (no free slot, sigaction failed): then map nothing. */
int filemap_open(struct filemap *m, struct sc_err *err);
/* Unmaps the window and frees the slot. Safe on a closed map. */
void filemap_close(struct filemap *m);

/* Maps len bytes of fd from file offset off (rounded down to a page; the
 * returned pointer is to the byte at off) read-only, replacing the previous
 * window. Returns the pointer, or NULL with err set. */
const uint8_t *filemap_window(struct filemap *m, int fd, uint64_t off,
                              size_t len, const char *name, struct sc_err *err);

/* True when a page of this map's windows was found past the end of the
 * file (its bytes read as zeros): sticky until filemap_close. */
bool filemap_faulted(const struct filemap *m);

#endif
