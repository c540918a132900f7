/*
 * secrets_extract.h - walking the Decryption Secrets Blocks of a capture,
 * for `extract` and the editcap form `--extract-secrets`.
 *
 * secrets_each_dsb() reads an opened pcapng input to its end through the
 * validating reader (so a secrets length past its block has already been
 * refused there, reliability.md §4) and calls fn for every DSB in file
 * order with a view of its payload: exactly secrets_len bytes, inside the
 * block, valid during the call only. It does not interpret the payload.
 * A pcap input is an error ("is a pcap file; it holds no secrets blocks"):
 * classic pcap has no place for secrets.
 */
#ifndef SC_SECRETS_EXTRACT_H
#define SC_SECRETS_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "input.h"

struct dsb_view {
    uint64_t number;  /* 1-based among the file's DSBs */
    uint64_t section; /* 1-based */
    uint64_t offset;  /* of the block (uncompressed stream) */
    uint32_t type;    /* secrets type */
    uint32_t len;     /* secrets length */
    const uint8_t *data;
};

/* Returns 0 to go on, -1 (err set) to stop. */
typedef int (*dsb_fn)(void *ctx, const struct dsb_view *d, struct sc_err *err);

/* Calls fn for every DSB of in. Returns 0, or -1 with err set (by the
 * reader, by fn, or for pcap input). *n_dsbs (may be NULL) receives the
 * number of DSBs seen. */
int secrets_each_dsb(struct input *in, dsb_fn fn, void *ctx, uint64_t *n_dsbs,
                     struct sc_err *err);

/* The name of the index-th file of a split extraction, as editcap 4.4
 * names them: "keys.txt" -> "keys_00000.txt", "out" -> "out_00000",
 * "dir.d/keys" -> "dir.d/keys_00000" (the extension is taken from the last
 * '.' of the base name, not of a directory; a leading '.' is part of the
 * stem). Returns 0, or -1 if it does not fit in cap bytes. */
int secrets_split_name(const char *path, uint64_t index, char *out, size_t cap);

#endif
