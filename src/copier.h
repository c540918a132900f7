/*
 * copier.h - copying a range of one file to another fd inside the kernel.
 *
 * copy_range() copies with copy_file_range(2) to a regular file (in-kernel
 * on ext4, server-side on NFS 4.2, shared extents on XFS and btrfs) or
 * splice(2) to a pipe, from the first 4 KiB boundary of the source on in
 * aligned calls (a copy-on-write file system shares blocks only from an
 * aligned source offset, and the kernel copies a whole call whose start is
 * not). Where the kernel refuses (EXDEV, EOPNOTSUPP, EINVAL, ENOSYS, EBADF,
 * ...) *mode becomes COPY_NONE and the rest goes through a buffer with
 * pread(2) and write(2): the same bytes either way. A source that ends
 * before in_off + n has shrunk while being read: an SC_ERR_DATA error.
 *
 * (A worker thread that copied each validated 32 MiB while the caller read
 * on was tried and measured slower: docs/performance.md.)
 */
#ifndef SC_COPIER_H
#define SC_COPIER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum copy_mode { COPY_NONE, COPY_RANGE, COPY_SPLICE };

/* Source offsets are aligned to this for sharing. */
#define COPY_ALIGN 4096u

/* Copies n bytes of in_fd from in_off to out_fd at its file position
 * (see above). buf (cap bytes) is the fallback buffer. 0, or -1 with err
 * (SC_ERR_PIPE for EPIPE, SC_ERR_INTR when sc_interrupted). */
int copy_range(int out_fd, enum copy_mode *mode, int in_fd, uint64_t in_off,
               uint64_t n, uint8_t *buf, size_t cap, const char *out_name,
               const char *in_name, struct sc_err *err);

#endif
