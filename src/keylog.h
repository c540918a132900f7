/*
 * keylog.h - reading, validating and normalising key logs (secrets files).
 *
 * A struct keylog collects the secrets of one DSB secrets type from one or
 * more files, in order, as normalised text: every kept line ends in LF
 * (CRLF, CR-only and a missing final newline are normalised; Wireshark
 * decrypts nothing with CR-only endings), a UTF-8 BOM is stripped (with a
 * warning), comment lines ('#') and blank lines are dropped, and a line
 * already present (from any file added before) is kept once.
 *
 * Validation is per type (see keylog.c for the exact grammar):
 *   tls  LABEL SP <64 hex client random> SP <even number of hex digits>,
 *        LABEL = [A-Z0-9_]+ (RFC 9850; unknown labels kept), plus
 *        Wireshark's legacy "RSA <16 hex> <hex>" and
 *        "RSA Session-ID:<hex> Master-Key:<hex>";
 *   ssh  <32..64 hex cookie> SP (SHARED_SECRET|PRIVATE_KEY) SP <hex>;
 *   wg   (LOCAL_STATIC_PRIVATE_KEY|REMOTE_STATIC_PUBLIC_KEY|
 *        LOCAL_EPHEMERAL_PRIVATE_KEY|PRESHARED_KEY) = <base64 32-byte key>,
 *        spaces around '=' allowed;
 *   opcua KEY ": " <hex>, KEY = [A-Za-z0-9_]+ (Wireshark's OPC UA key log:
 *        client_iv_<chan>_<token>, server_key_..., ..._siglen_...);
 *   esp  one RFC 4180 CSV row of exactly 10 fields (Protocol, Src IP,
 *        Dest IP, SPI, Encryption, Encryption Key, Authentication,
 *        Authentication Key, SN, ESN High Bits); quoted fields with ""
 *        escapes; the header row is such a row too. A quoted field may not
 *        span lines;
 *   zigbee-nwk, zigbee-aps: binary, not lines: a sequence of fixed-size
 *        records (nwk: 16-byte AES key + u16 PAN ID = 18 bytes; aps: key +
 *        PAN ID + low and high short addresses = 22 bytes; notes §1.10).
 *        The bytes are kept verbatim; the size of each file must be a
 *        multiple of the record size (else an error), and chunks for DSBs
 *        end on a record boundary;
 *   other types (unknown numbers): not validated; the bytes are kept as
 *        they are (keylog_add_* appends the file verbatim).
 * A bad line is reported as a warning "FILE:LINE: <what is wrong>" that
 * never echoes secret material, and skipped; with opts.strict it is an
 * error. A file with no valid line is an error, and so is content that is
 * not a text key log at all: NUL bytes / binary data, UTF-16 (a BOM FF FE or
 * FE FF), or a capture file (pcap, pcapng or gzip magic).
 *
 * Memory: the normalised text is kept in a spool (spool.h): in memory up to
 * 4 MiB (keylog_set_mem_max), beyond that in an anonymous temporary file, so
 * a huge key log is never held in memory; the deduplication index costs 8
 * bytes per kept line at most 3/4 full (about 11 bytes a line: 8 MiB for a
 * 130 MB TLS key log). Lines longer than KEYLOG_MAX_LINE are bad lines (the
 * work stays linear).
 */
#ifndef SC_KEYLOG_H
#define SC_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "spool.h"

#define KEYLOG_MAX_LINE ((size_t)256 << 10)

/* Called for every valid line of a text type, kept or duplicate, with the
 * line without its terminator (a view, valid during the call only) and its
 * 1-based number in `name`. When set, keylog does not warn about
 * conflicting secrets itself: the observer (keylog_stats.h) reports them. */
typedef void (*keylog_line_fn)(void *ctx, const char *name, uint64_t lineno,
                               const uint8_t *line, size_t len, bool dup);

struct keylog_opts {
    bool strict;            /* a bad line is an error, not a warning */
    keylog_line_fn on_line; /* may be NULL */
    void *on_line_ctx;
};

struct keylog {
    uint32_t type;     /* DSB secrets type */
    bool validated;    /* type has a line grammar (tls, ssh, wg, opcua, esp) */
    uint32_t record;   /* binary record size (zigbee: 18, 22), else 0 */
    struct spool text; /* normalised text (or raw bytes): keylog_len() */
    bool broken;       /* a failed call could not be rolled back */
    /* statistics, over every file added */
    uint64_t lines_kept;
    uint64_t lines_dup;     /* exact duplicates dropped */
    uint64_t lines_bad;     /* invalid lines skipped */
    uint64_t lines_comment; /* comments and blank lines dropped */
    /* private: deduplication index */
    struct keylog_index *index;
};

/* Initialises an empty key log of the given secrets type. */
void keylog_init(struct keylog *k, uint32_t type);
void keylog_free(struct keylog *k);

/* Adds the file at path ("-" = standard input). Returns 0, or -1 with err
 * set (SC_ERR_IO for open/read failures, SC_ERR_DATA for content). On
 * error the key log is left as it was before the call. */
int keylog_add_file(struct keylog *k, const char *path,
                    const struct keylog_opts *opts, const struct sc_diag *diag,
                    struct sc_err *err);

/* Same for n bytes at p; name is used in messages ("name:line"). */
int keylog_add_mem(struct keylog *k, const char *name, const uint8_t *p,
                   size_t n, const struct keylog_opts *opts,
                   const struct sc_diag *diag, struct sc_err *err);

/* Keep at most max bytes of the text in memory, the rest in a temporary
 * file (default SPOOL_MEM_DEFAULT; 0: always in the file). Call before the
 * first add. */
void keylog_set_mem_max(struct keylog *k, size_t max);

/* Bytes of normalised text (or raw bytes) collected so far. */
uint64_t keylog_len(const struct keylog *k);

/* Splits the text into chunks of at most max bytes, each ending at a line
 * boundary (for raw types: at max bytes). Start with *pos = 0; each call
 * sets *n to the length of the chunk starting at *pos and advances *pos;
 * *n = 0 when done. max must be >= KEYLOG_MAX_LINE + 1. Record types
 * (zigbee) end every chunk on a record boundary. 0, or -1 with err set
 * (the temporary file could not be read). */
int keylog_next_chunk(const struct keylog *k, uint64_t *pos, size_t max,
                      size_t *n, struct sc_err *err);

/* Copies the n bytes of text at off to dst. 0, or -1 with err set. */
int keylog_read(const struct keylog *k, uint64_t off, void *dst, size_t n,
                struct sc_err *err);

/* Hands the n bytes of text at off to fn in consecutive pieces (see
 * spool_each). 0, or -1 with err set (by fn or a read error). */
int keylog_each(const struct keylog *k, uint64_t off, uint64_t n,
                spool_piece_fn fn, void *ctx, struct sc_err *err);

/* The record size of a binary secrets type (18 for zigbee-nwk, 22 for
 * zigbee-aps), 0 for every other type. */
uint32_t keylog_record_size(uint32_t type);

/* True when the type's payload is text (tls, ssh, wg, opcua, esp). */
bool keylog_type_is_text(uint32_t type);

#endif
