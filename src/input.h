/*
 * input.h - opening a capture for reading: path or stdin, format sniffing,
 * transparent gzip, zstd and lz4.
 *
 * input_open() opens the path read-only ("-" = stdin), refuses what cannot
 * be a capture (a directory, a terminal on stdin), peeks at the first bytes,
 * and if they are a gzip, zstd (or skippable-frame) or lz4 frame magic
 * stacks the matching decompressing source, run ahead of the caller on a
 * worker thread (readahead.h), and sniffs again. What comes back is a
 * reader positioned at offset 0 of the (uncompressed) capture and the
 * detected format. Formats that are recognised but not supported (bzip2,
 * xz, legacy lz4, compression inside compression, zstd or lz4 in a build
 * without the library) give a clear SC_ERR_DATA; anything else is "not a
 * capture file". An empty input is its own error ("empty file"). No
 * heuristics beyond magic numbers.
 */
#ifndef SC_INPUT_H
#define SC_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compress.h"
#include "readahead.h"
#include "reader.h"

enum cap_format {
    FMT_UNKNOWN = 0,
    FMT_PCAP,
    FMT_PCAPNG,
    FMT_GZIP,
    FMT_ZSTD,
    FMT_BZIP2,
    FMT_XZ,
    FMT_LZ4,
};

/* Recognises a format from the first n bytes (n may be < 4). A stream that
 * starts with a skippable frame (magic 0x184D2A5?, shared by zstd and lz4)
 * counts as zstd here; input_open then looks past such frames (up to 1 MiB
 * each) and reads the stream as lz4 when an lz4 frame follows. The legacy
 * lz4 magic counts as lz4 (whose source explains that it is not
 * supported). */
enum cap_format format_sniff(const uint8_t *p, size_t n);
const char *format_name(enum cap_format f);

/* Largest block or record the reader will hold: Wireshark's own pcapng
 * block limit (134,348,832 bytes) rounded up to 128 MiB + 1 MiB. */
#define INPUT_MAX_BUFFER ((size_t)129 << 20)

/* How inputs are read; zero-initialised (or NULL): the defaults. */
struct input_opts {
    uint64_t zstd_window_max;      /* 0: ZSTD_WINDOW_MAX_DEFAULT (128 MiB) */
    enum readahead_mode readahead; /* decompress on a worker thread */
    uint32_t max_record; /* pcap records accepted up to (0: the readers'
                            limit for the link type; pcap.h) */
};

struct input {
    struct reader *rd;            /* the capture's bytes, uncompressed */
    struct reader *raw;           /* the file's bytes (rd, or the one under
                                     the decompressor); not owned */
    enum cap_format format;       /* FMT_PCAP or FMT_PCAPNG */
    enum compression compression; /* how the input was compressed */
    uint32_t max_record;          /* from input_opts */
    int fd;                       /* the opened fd (for dev/ino checks) */
    const char *name;             /* display name ("-" shown as "stdin") */
    /* gzip: zero bytes after the last member (gzip(1) warns "trailing zero
     * bytes ignored"); valid once the reader has reached its end. */
    uint64_t trailing_zeros;
};

/* Opens path ("-" for stdin) with opts (NULL: the defaults). Returns 0 or
 * -1 with err set (message starts with the display name). */
int input_open(struct input *in, const char *path,
               const struct input_opts *opts, struct sc_err *err);

/* input_open, and every byte read from the file (compressed as it is) is
 * also written to tee_fd (-1: none): see source_fd_tee. */
int input_open_tee(struct input *in, const char *path, int tee_fd,
                   const struct input_opts *opts, struct sc_err *err);

/* Opens the capture at the current offset of fd (not owned, not closed),
 * shown as name (which must outlive in). */
int input_open_fd(struct input *in, int fd, const char *name,
                  const struct input_opts *opts, struct sc_err *err);

/* Same over an already-made source (memory in tests, fuzzing). Takes
 * ownership of src. */
int input_open_source(struct input *in, struct source *src,
                      const struct input_opts *opts, struct sc_err *err);

/* 0 when the file is unchanged since it was opened (reader_verify of the
 * file's own reader: still its size and time, no mapped page found past
 * its end), else -1 with err. Call it after the last read, before the
 * result is trusted. */
int input_verify(struct input *in, struct sc_err *err);
/* For the end of a pass over in that returned rc (0 or -1 with err): a
 * changed input explains any error it caused (zeros where a truncated
 * mapping was, a copy that came up short) and makes a result that looked
 * fine untrustworthy, so its message replaces err and -1 is returned;
 * else rc. */
int input_finish(struct input *in, int rc, struct sc_err *err);

void input_close(struct input *in);

#endif
