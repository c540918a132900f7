/*
 * copier.c - in-kernel range copies, synchronous or on a worker thread
 * (see copier.h).
 */
#include "copier.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

int
fd_write_all(int fd, const uint8_t *p, size_t n, const char *name,
             struct sc_err *err)
{
    while (n > 0) {
        ssize_t put;

        if (sc_interrupted)
            return interrupted(name, err);
        put = write(fd, p, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return write_failed(name, errno, err);
        p += put;
        n -= (size_t)put;
    }
    return 0;
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
        size_t step = n > cap ? cap : (size_t)n;
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
        if (fd_write_all(out_fd, buf, (size_t)got, out_name, err) < 0)
            return -1;
        in_off += (uint64_t)got;
        n -= (uint64_t)got;
    }
    return 0;
}

/* ---- the worker ------------------------------------------------------- */

#define COPIER_BUF ((size_t)1 << 20)

struct copier {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a job posted, a job done, or stop */
    int out_fd;
    enum copy_mode mode;
    const char *out_name;
    uint8_t *buf; /* the fallback buffer, made when first needed */
    bool busy, stop;
    int in_fd;
    uint64_t in_off, n;
    const char *in_name;
    struct sc_err err; /* the first job error (sticky) */
};

static void *
worker(void *arg)
{
    struct copier *c = arg;

    pthread_mutex_lock(&c->mu);
    for (;;) {
        struct sc_err e = {0};
        int rc = 0;

        while (!c->busy && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (!c->busy)
            break;
        pthread_mutex_unlock(&c->mu);
        if (c->buf == NULL && (c->buf = malloc(COPIER_BUF)) == NULL)
            rc = sc_err_set(&e, SC_ERR_IO, "%s: out of memory", c->out_name);
        if (rc == 0)
            rc = copy_range(c->out_fd, &c->mode, c->in_fd, c->in_off, c->n,
                            c->buf, COPIER_BUF, c->out_name, c->in_name, &e);
        pthread_mutex_lock(&c->mu);
        if (rc < 0 && c->err.kind == SC_ERR_NONE)
            c->err = e;
        c->busy = false;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

struct copier *
copier_new(int out_fd, enum copy_mode mode, const char *out_name,
           struct sc_err *err)
{
    struct copier *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", out_name);
        return NULL;
    }
    c->out_fd = out_fd;
    c->mode = mode;
    c->out_name = out_name;
    if (pthread_mutex_init(&c->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&c->cv, NULL) != 0)
        goto fail_mu;
    if (pthread_create(&c->tid, NULL, worker, c) != 0)
        goto fail_cv;
    return c;
fail_cv:
    pthread_cond_destroy(&c->cv);
fail_mu:
    pthread_mutex_destroy(&c->mu);
fail:
    free(c);
    sc_err_set(err, SC_ERR_IO, "%s: cannot start a copy thread", out_name);
    return NULL;
}

/* Waits for the running job with mu held; 0 or the sticky error. A
 * signal that sets sc_interrupted while the worker blocks (a full pipe)
 * is passed on to the worker, whose system call then fails with EINTR. */
static int
wait_locked(struct copier *c, struct sc_err *err)
{
    bool kicked = false;

    while (c->busy) {
        struct timespec ts;
        int sig = sc_interrupted;

        if (sig != 0 && !kicked) {
            pthread_kill(c->tid, sig);
            kicked = true;
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000 * 1000 * 1000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000 * 1000 * 1000;
        }
        pthread_cond_timedwait(&c->cv, &c->mu, &ts);
    }
    if (c->err.kind != SC_ERR_NONE) {
        *err = c->err;
        return -1;
    }
    return 0;
}

int
copier_wait(struct copier *c, struct sc_err *err)
{
    int rc;

    pthread_mutex_lock(&c->mu);
    rc = wait_locked(c, err);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

int
copier_post(struct copier *c, int in_fd, uint64_t in_off, uint64_t n,
            const char *in_name, struct sc_err *err)
{
    int rc;

    pthread_mutex_lock(&c->mu);
    rc = wait_locked(c, err);
    if (rc == 0) {
        c->in_fd = in_fd;
        c->in_off = in_off;
        c->n = n;
        c->in_name = in_name;
        c->busy = true;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

void
copier_free(struct copier *c)
{
    struct sc_err ignored;

    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    (void)wait_locked(c, &ignored); /* passes a signal on, too */
    c->stop = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->tid, NULL);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c->buf);
    free(c);
}
