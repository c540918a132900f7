/*
 * readahead.c - an inner source read ahead on a worker thread (see
 * readahead.h for the contract).
 *
 * The worker fills a ring of RA_SLOTS buffers: it calls the inner read()
 * until the slot is full or a call returns the end or an error, which is
 * kept with the slot, after its bytes. So the caller sees exactly the
 * sequence it would have seen calling the inner source itself with the
 * worker's buffer sizes, only copied once more, a MiB at a time, well under
 * the cost of decompressing it. The price is some latency: on a pipe whose
 * writer pauses, up to RA_SLOT_MIN bytes wait in the slot until more input
 * comes (or the end), where the caller's thread would have returned each
 * piece.
 *
 * Ownership: the worker owns the inner source (and so the compressed
 * reader and the decompressor's state) from the moment it starts; the
 * caller's side owns only the slots between head and head + count and its
 * position in the first one. After the end or a data error the worker
 * exits (both are final); after an I/O error or an interruption it waits
 * until the caller has taken the error. The worker is cancellable only
 * inside the inner read(), where it holds no lock and no memory of its
 * own: the one cancellation point there is read(2) on the input (or the
 * tee's write(2)), which is where it can block for ever on an idle pipe.
 */
#include "readahead.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RA_SLOTS 4
#define RA_SLOT_SIZE ((size_t)1 << 20)
/* A slot goes to the caller early, once it holds this much and the next
 * inner read would have to read (and may wait on a pipe). */
#define RA_SLOT_MIN ((size_t)64 << 10)
/* How long read() waits for the worker before looking at sc_interrupted
 * again: a signal handler cannot wake a condition variable. */
#define RA_WAIT_NS 50000000L

enum ra_slot_end {
    SLOT_MORE, /* the next slot goes on */
    SLOT_END,  /* the clean end follows the data */
    SLOT_ERR,  /* the error in err follows the data */
};

/* What consecutive inner reads returned: bytes, then possibly how they
 * ended. Made by the worker, read by the caller. */
struct ra_slot {
    uint8_t *data; /* RA_SLOT_SIZE bytes */
    size_t len;    /* bytes in data */
    enum ra_slot_end end;
    struct sc_err err;
};

struct ra_thread {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t filled;  /* worker -> caller: count went up */
    pthread_cond_t emptied; /* caller -> worker: count went down, or stop */
    struct ra_slot slot[RA_SLOTS];
    /* Under mu: the caller reads slot[head], the worker fills
     * slot[(head + count) % RA_SLOTS]. */
    unsigned head, count;
    bool stop;   /* close(): the worker exits */
    bool paused; /* worker: an I/O error or interruption not yet taken */
    /* The caller's side only. */
    size_t pos; /* bytes of slot[head] already returned */
};

struct ra_source {
    struct source base;
    struct source *inner;
    const struct reader *feed; /* inner's input, for reader_buffered() */
    bool pulled;               /* one read() ran in the caller's thread */
    bool no_worker;            /* a worker could not be started: no retry */
    bool done;                 /* the end was returned (sticky) */
    struct sc_err failed;      /* the data error, once returned (sticky) */
    struct ra_thread *t;       /* the running worker, if any */
};

/* ---- the worker ------------------------------------------------------- */

static void *
ra_worker(void *arg)
{
    struct ra_source *ra = arg;
    struct ra_thread *t = ra->t;
    int old;

    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    pthread_mutex_lock(&t->mu);
    for (;;) {
        struct ra_slot *sl;
        ssize_t got;
        bool final;

        while (!t->stop &&
               (t->count == RA_SLOTS || (t->paused && t->count > 0)))
            pthread_cond_wait(&t->emptied, &t->mu);
        if (t->stop)
            break;
        t->paused = false;
        sl = &t->slot[(t->head + t->count) % RA_SLOTS];
        pthread_mutex_unlock(&t->mu);

        /* Fill the slot: one hand-over per MiB however little each call
         * returns, or per RA_SLOT_MIN when the input has to be waited for
         * (a pipe), so that what is there reaches the caller. */
        sl->len = 0;
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
        do {
            got = source_read(ra->inner, sl->data + sl->len,
                              RA_SLOT_SIZE - sl->len, &sl->err);
            if (got > 0)
                sl->len += (size_t)got;
        } while (got > 0 && sl->len < RA_SLOT_SIZE &&
                 (sl->len < RA_SLOT_MIN ||
                  (ra->feed != NULL && reader_buffered(ra->feed) > 0)));
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
        sl->end = got > 0 ? SLOT_MORE : got == 0 ? SLOT_END : SLOT_ERR;
        /* The end and data errors are final: nothing can follow. */
        final = got == 0 || (got < 0 && sl->err.kind == SC_ERR_DATA);

        pthread_mutex_lock(&t->mu);
        t->count++; /* sl belongs to the caller now */
        pthread_cond_signal(&t->filled);
        if (final)
            break;
        if (got < 0)
            t->paused = true;
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

static void
ra_thread_free(struct ra_thread *t)
{
    unsigned i;

    for (i = 0; i < RA_SLOTS; i++)
        free(t->slot[i].data);
    free(t);
}

/* Starts the worker. Returns false (and changes nothing) when it cannot:
 * then the caller's thread goes on reading the inner source. */
static bool
ra_start(struct ra_source *ra)
{
    struct ra_thread *t = calloc(1, sizeof(*t));
    pthread_condattr_t ca;
    sigset_t all, old;
    unsigned i;
    int rc;

    if (t == NULL)
        return false;
    for (i = 0; i < RA_SLOTS; i++) {
        if ((t->slot[i].data = malloc(RA_SLOT_SIZE)) == NULL)
            goto fail_mem;
    }
    if (pthread_condattr_init(&ca) != 0)
        goto fail_mem;
    /* read() waits with a timeout; wall-clock jumps must not stretch it. */
    rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
         pthread_cond_init(&t->filled, &ca) != 0;
    pthread_condattr_destroy(&ca);
    if (rc != 0)
        goto fail_mem;
    if (pthread_cond_init(&t->emptied, NULL) != 0)
        goto fail_filled;
    if (pthread_mutex_init(&t->mu, NULL) != 0)
        goto fail_emptied;

    /* Signals stay with the caller's thread, whose blocking writes and
     * reads they are meant to interrupt (the CLI's handlers have no
     * SA_RESTART). Faults are still the faulting thread's. */
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGTRAP);
    sigdelset(&all, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    ra->t = t; /* before the worker reads it */
    rc = pthread_create(&t->tid, NULL, ra_worker, ra);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0)
        return true;
    ra->t = NULL;
    pthread_mutex_destroy(&t->mu);
fail_emptied:
    pthread_cond_destroy(&t->emptied);
fail_filled:
    pthread_cond_destroy(&t->filled);
fail_mem:
    ra_thread_free(t);
    return false;
}

/* Stops and joins the worker, wherever it is: waiting for a free slot
 * (woken by stop), reading (it sees stop before the next slot), or
 * blocked in read(2) on an idle pipe (cancelled there). */
static void
ra_stop(struct ra_source *ra)
{
    struct ra_thread *t = ra->t;

    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_broadcast(&t->emptied);
    pthread_mutex_unlock(&t->mu);
    pthread_cancel(t->tid);
    pthread_join(t->tid, NULL);
    pthread_cond_destroy(&t->emptied);
    pthread_cond_destroy(&t->filled);
    pthread_mutex_destroy(&t->mu);
    ra_thread_free(t);
    ra->t = NULL;
}

/* Frees the slot at head, whose result has been returned in full. */
static void
ra_release(struct ra_thread *t)
{
    pthread_mutex_lock(&t->mu);
    t->head = (t->head + 1) % RA_SLOTS;
    t->count--;
    t->pos = 0;
    pthread_cond_signal(&t->emptied);
    pthread_mutex_unlock(&t->mu);
}

/* Waits until a slot is filled. Returns false when sc_interrupted was set
 * first. */
static bool
ra_wait(struct ra_thread *t)
{
    bool have;

    pthread_mutex_lock(&t->mu);
    while (t->count == 0 && !sc_interrupted) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += RA_WAIT_NS;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&t->filled, &t->mu, &ts);
    }
    have = t->count > 0;
    pthread_mutex_unlock(&t->mu);
    return have;
}

/* read() with the worker running: hands out the slots in order. */
static ssize_t
ra_take(struct ra_source *ra, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct ra_thread *t = ra->t;

    for (;;) {
        struct ra_slot *sl;
        struct sc_err e;
        size_t k;

        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                              ra->base.name);
        if (!ra_wait(t))
            continue; /* interrupted: said above */
        sl = &t->slot[t->head];
        if (t->pos < sl->len) {
            k = sl->len - t->pos;
            if (k > n)
                k = n;
            memcpy(buf, sl->data + t->pos, k);
            t->pos += k;
            if (t->pos == sl->len && sl->end == SLOT_MORE)
                ra_release(t);
            return (ssize_t)k;
        }
        /* The data, if any, has been returned: now how it ended. */
        if (sl->end == SLOT_MORE) {
            ra_release(t); /* an empty slot: cannot happen, but harmless */
            continue;
        }
        if (sl->end == SLOT_END) {
            ra->done = true;
            ra_release(t);
            return 0;
        }
        e = sl->err;
        ra_release(t);
        if (e.kind == SC_ERR_DATA)
            ra->failed = e;
        else if (e.kind == SC_ERR_INTR)
            continue; /* said above if still set; else the worker retries */
        if (err != NULL)
            *err = e;
        return -1;
    }
}

/* read() in the caller's thread, keeping the end and data errors final. */
static ssize_t
ra_pull(struct ra_source *ra, uint8_t *buf, size_t n, struct sc_err *err)
{
    ssize_t got = source_read(ra->inner, buf, n, err);

    if (got == 0)
        ra->done = true;
    else if (got < 0 && err != NULL && err->kind == SC_ERR_DATA)
        ra->failed = *err;
    return got;
}

static ssize_t
ra_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct ra_source *ra = (struct ra_source *)s;

    if (ra->failed.kind != SC_ERR_NONE) {
        if (err != NULL)
            *err = ra->failed;
        return -1;
    }
    if (ra->done)
        return 0;
    if (ra->t != NULL)
        return ra_take(ra, buf, n, err);
    /* The first read runs here: a sniff that reads once and closes never
     * starts a thread. */
    if (ra->pulled && !ra->no_worker) {
        if (ra_start(ra))
            return ra_take(ra, buf, n, err);
        ra->no_worker = true;
    }
    ra->pulled = true;
    return ra_pull(ra, buf, n, err);
}

static void
ra_close(struct source *s)
{
    struct ra_source *ra = (struct ra_source *)s;

    if (ra->t != NULL)
        ra_stop(ra);
    source_close(ra->inner);
    free(ra);
}

bool
readahead_cpus_to_spare(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return CPU_COUNT(&set) > 1;
    return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

struct source *
readahead_source(struct source *inner, const struct reader *feed,
                 enum readahead_mode mode, struct sc_err *err)
{
    struct ra_source *ra;

    if (mode == READAHEAD_OFF ||
        (mode == READAHEAD_AUTO && !readahead_cpus_to_spare()))
        return inner;
    ra = calloc(1, sizeof(*ra));
    if (ra == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", inner->name);
        source_close(inner);
        return NULL;
    }
    ra->base.read = ra_read;
    ra->base.close = ra_close;
    ra->base.name = inner->name;
    ra->base.size = inner->size;
    ra->base.inflating = inner->inflating;
    ra->inner = inner;
    ra->feed = feed;
    return &ra->base;
}
