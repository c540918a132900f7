/*
 * copier.c - in-kernel range copies with a user-space fallback (see
 * copier.h).
 */
#include "copier.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* errno values with which copy_file_range or splice says "not here" rather
 * than "failed": the bytes then go through user space. */
static bool
copy_refused(int e)
{
    return e == EXDEV || e == EOPNOTSUPP || e == EINVAL || e == ENOSYS ||
           e == EBADF || e == ETXTBSY || e == EPERM || e == EAGAIN;
}

static int
write_failed(const char *out_name, int e, struct sc_err *err)
{
    return sc_err_set(err, e == EPIPE ? SC_ERR_PIPE : SC_ERR_IO,
                      "%s: write failed: %s", out_name, strerror(e));
}

static int
interrupted(const char *out_name, struct sc_err *err)
{
    return sc_err_set(err, SC_ERR_INTR, "%s: interrupted", out_name);
}

/* The kernel part: copies what it can, advancing *in_off and *n; stops
 * with 0 when the kernel refuses (*mode = COPY_NONE) or the source ends. */
static int
copy_kernel(int out_fd, enum copy_mode *mode, int in_fd, uint64_t *in_off,
            uint64_t *n, const char *out_name, struct sc_err *err)
{
    while (*n > 0 && *mode != COPY_NONE) {
        /* At most 1 GiB a call: the kernel caps it near 2 GiB anyway. */
        size_t step = *n > ((uint64_t)1 << 30) ? (size_t)1 << 30 : (size_t)*n;
        size_t skew = (size_t)(*in_off % COPY_ALIGN);
        loff_t off = (loff_t)*in_off;
        ssize_t got;

        if (skew != 0 && step > COPY_ALIGN - skew)
            step = COPY_ALIGN - skew;
        if (sc_interrupted)
            return interrupted(out_name, err);
        got = *mode == COPY_RANGE
                  ? copy_file_range(in_fd, &off, out_fd, NULL, step, 0)
                  : splice(in_fd, &off, out_fd, NULL, step, SPLICE_F_MORE);
        if (got > 0) {
            *in_off += (uint64_t)got;
            *n -= (uint64_t)got;
            continue;
        }
        if (got == 0)
            return 0; /* the source ended: pread tells */
        if (errno == EINTR)
            continue;
        if (!copy_refused(errno))
            return write_failed(out_name, errno, err);
        *mode = COPY_NONE;
    }
    return 0;
}

int
copy_range(int out_fd, enum copy_mode *mode, int in_fd, uint64_t in_off,
           uint64_t n, uint8_t *buf, size_t cap, const char *out_name,
           const char *in_name, struct sc_err *err)
{
    if (copy_kernel(out_fd, mode, in_fd, &in_off, &n, out_name, err) < 0)
        return -1;
    while (n > 0) {
        size_t step = n > cap ? cap : (size_t)n, done = 0;
        ssize_t got = pread(in_fd, buf, step, (off_t)in_off);

        if (got < 0 && errno == EINTR && !sc_interrupted)
            continue;
        if (got < 0)
            return sc_err_set(err, SC_ERR_IO, "%s: read failed: %s", in_name,
                              strerror(errno));
        if (got == 0)
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: the file ended at offset %llu while "
                              "secretcap copied it (it shrank while being "
                              "read); nothing was written",
                              in_name, (unsigned long long)in_off);
        while (done < (size_t)got) {
            ssize_t put;

            if (sc_interrupted)
                return interrupted(out_name, err);
            put = write(out_fd, buf + done, (size_t)got - done);
            if (put < 0 && errno == EINTR)
                continue;
            if (put < 0)
                return write_failed(out_name, errno, err);
            done += (size_t)put;
        }
        in_off += (uint64_t)got;
        n -= (uint64_t)got;
    }
    return 0;
}
