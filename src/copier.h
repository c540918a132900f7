/*
 * copier.h - copying a range of one file to another fd inside the kernel,
 * and doing it on a worker thread while the caller goes on.
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
 * struct copier runs copy_range on its own thread, one job at a time, so
 * that a caller validating a file can let the kernel copy what it has
 * validated while it reads on. copier_post waits for the previous job
 * (returning its error, which is sticky) before it hands over the next;
 * copier_wait waits until the thread is idle. The caller must not touch
 * the output fd while a job runs: every write goes after copier_wait.
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

/* write(2) of all n bytes to fd, retrying short writes and EINTR (not
 * once sc_interrupted is set: SC_ERR_INTR). 0, or -1 with err: "NAME:
 * write failed: ..." (SC_ERR_PIPE for EPIPE). */
int fd_write_all(int fd, const uint8_t *p, size_t n, const char *name,
                 struct sc_err *err);

struct copier;

/* A worker for copies to out_fd starting in mode (not COPY_NONE); names
 * must outlive it. NULL with err on failure (then copy synchronously). */
struct copier *copier_new(int out_fd, enum copy_mode mode, const char *out_name,
                          struct sc_err *err);
/* Waits for the previous job, then starts copying n bytes of in_fd from
 * in_off (in_name must outlive the job). 0, or -1 with the error of this
 * or an earlier job. */
int copier_post(struct copier *c, int in_fd, uint64_t in_off, uint64_t n,
                const char *in_name, struct sc_err *err);
/* Waits until no job runs. 0, or -1 with the first job error. */
int copier_wait(struct copier *c, struct sc_err *err);
/* Waits, stops the thread, frees everything (NULL is fine). */
void copier_free(struct copier *c);

#endif
