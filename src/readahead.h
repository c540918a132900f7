/*
 * readahead.h - a source that runs another source's reads ahead of its
 * caller on a worker thread, so that decompressing (gzip, zstd, lz4) and
 * parsing use two cores.
 *
 * From the second read() on, a worker thread calls the inner source's
 * read() ahead of the caller into a small ring of 1 MiB buffers; read()
 * then copies from the oldest filled buffer. The bytes, the errors and the
 * point in the stream where an error is reported are the same as calling
 * the inner source directly (data before an error first, then the error).
 * A data error (SC_ERR_DATA) or the end is final: the inner source is not
 * called again and every later read() repeats it. After an I/O error or an
 * interruption the worker waits until the caller has taken the error, then
 * goes on where a retrying caller would.
 *
 * The first read() always runs in the caller's thread, so opening a file
 * only to sniff its format never starts a thread; nor does a stream whose
 * first read ended it. The worker blocks every asynchronous signal, so the
 * caller's thread gets them as before; read() returns SC_ERR_INTR as soon
 * as sc_interrupted is set, and the worker stops at the inner source's next
 * check. close() stops the worker (cancelling it if it is blocked reading
 * a pipe) and joins it before closing the inner source. Cancellation can
 * only happen inside the inner read(), at its read(2) of the input: the
 * inner source must hold no lock there and allocate nothing it would lose.
 */
#ifndef SC_READAHEAD_H
#define SC_READAHEAD_H

#include <stdbool.h>

#include "reader.h"
#include "source.h"

enum readahead_mode {
    READAHEAD_AUTO = 0, /* a worker thread when more than one CPU is ours */
    READAHEAD_OFF,      /* no worker: the inner source itself */
    READAHEAD_ON,       /* a worker thread whatever the CPU count */
};

/*
 * Wraps inner, taking ownership of it (closed by close(), and on failure
 * here). feed is the reader inner takes its own input from (the compressed
 * bytes; NULL if none): the worker only asks reader_buffered(feed) to know
 * whether the next inner read could wait for input (a pipe), and then
 * hands a partly filled buffer (at least 64 KiB) to the caller first. With
 * READAHEAD_OFF, or AUTO on one CPU, returns inner itself. A worker that
 * cannot be started later (no memory, no thread) is not an error: reads
 * then go to inner in the caller's thread. Returns NULL with err set only
 * when the wrapper itself cannot be allocated.
 */
struct source *readahead_source(struct source *inner, const struct reader *feed,
                                enum readahead_mode mode, struct sc_err *err);

/* True when this process may run on more than one CPU. */
bool readahead_cpus_to_spare(void);

#endif
