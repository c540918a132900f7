/*
 * walk.h - finding and naming the captures of a batch run.
 *
 * walk_args() expands the command-line inputs into candidate files: a file
 * is taken as it is; a folder is listed (recursively with `recursive`),
 * entries sorted by name so runs are reproducible. Inside folders, symbolic
 * links to folders are not followed (no loops), our own temp files
 * (".NAME.XXXXXX") are skipped, and so is the folder `skip` (the output
 * folder, compared by device and inode) so a rerun never picks up its own
 * outputs. Whether a candidate is a capture is decided by the caller from
 * its content (input_open), not from its name.
 *
 * Each candidate comes with `rel`, the path under which its output is
 * mirrored: relative to the folder argument it was found in, or the base
 * name for a file argument.
 */
#ifndef SC_WALK_H
#define SC_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Called for every candidate file. Returns 0 to go on, -1 (err set) to
 * stop the walk. */
typedef int (*walk_fn)(void *ctx, const char *path, const char *rel,
                       struct sc_err *err);

/* Walks each of the n paths. A folder given without `recursive` lists only
 * its own files. Entries that cannot be read are reported through
 * `unreadable` (may be NULL) and skipped. Returns 0 or -1. */
int walk_args(const char *const *paths, size_t n, bool recursive,
              const char *skip, walk_fn fn, void *ctx,
              void (*unreadable)(void *ctx, const char *path, int errnum),
              struct sc_err *err);

/* The name without its compression (.gz) and capture (.pcap, .pcapng,
 * .cap, .ntar) extensions: "x.pcap.gz" -> "x", "a.b.pcapng" -> "a.b";
 * a name with neither stays as it is. Writes at most cap bytes (NUL
 * included); returns -1 if it does not fit. */
int walk_stem(const char *name, char *out, size_t cap);

/* Expands {dir} (the input's folder, "." for none), {name} (its file name)
 * and {stem} in tmpl for the input path. Unknown {words} are an error
 * (SC_ERR_USAGE). Returns 0 or -1. */
int walk_template(const char *tmpl, const char *path, char *out, size_t cap,
                  struct sc_err *err);

/* True for a file name that looks like one of our temp files. */
bool walk_is_temp_name(const char *name);

#endif
