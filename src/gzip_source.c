/*
 * gzip_source.c - a source that inflates a gzip stream read from a reader
 * (see gzip_source.h for the contract).
 *
 * inflate() reads straight from the inner reader's buffer and writes
 * straight into the caller's buffer, so no byte is copied twice. Every
 * member is checked to its trailer (CRC-32 and ISIZE, RFC 1952 section 2.3):
 * the classic trap is a truncated .gz that looks like a clean end of file,
 * so this source returns 0 (end) only after a member ended cleanly and
 * nothing but zero padding follows it. Errors name the offset in the
 * *compressed* stream, which is where the damage is. It does not handle raw
 * deflate or zlib-wrapped data (windowBits 15 + 16: gzip only).
 *
 * Fast path (SECRETCAP_HAVE_ISAL): each member's header is still parsed by
 * zlib (inflate with Z_BLOCK stops right after it, so header errors read
 * the same in both builds), then the deflate data and the trailer go to
 * ISA-L's isal_inflate (ISAL_GZIP_NO_HDR_VER: raw deflate, CRC-32 and
 * ISIZE verified), which is 2-3 times faster than zlib's inflate. ISA-L
 * stops exactly after the trailer, so multi-member streams and the
 * trailing-bytes rules are handled by the same code as with zlib. Its data
 * errors are coarser than zlib's ("invalid deflate block" rather than
 * "invalid block type") and the offset is that of the first byte it had not
 * yet decoded. The output is byte for byte the same (tests/unit/
 * test_gzip_sink.c).
 *
 * Worker thread: gz_pull() below is the whole inflate loop; it runs either
 * in the caller's thread or, from the second read() on, in a worker that
 * fills a ring of GZ_SLOTS buffers ahead of the caller. The worker calls
 * gz_pull() until the slot is full or a call returns the end or an error,
 * which is kept with the slot, after its bytes. So the caller sees exactly
 * the sequence it would have seen calling gz_pull() itself with the
 * worker's buffer sizes (data before an error first, then the same error),
 * only copied once more, a MiB at a time, well under the cost of
 * inflating it. The price is some latency: on a pipe whose writer pauses,
 * up to GZ_SLOT_MIN bytes wait in the slot until more input comes (or the
 * end), where the caller's thread would have returned each piece. The worker
 * owns the compressed reader, the inflate state and `state` from the moment it
 * starts; the caller's side owns only the slots between head and head + count
 * and its position in the first one. After the end or a data error the worker
 * exits (both are final); after an I/O error or an interruption it waits until
 * the caller has taken the error, then goes on where a retrying caller would.
 * The worker is cancellable only inside gz_pull(), where it holds no lock
 * and no memory of its own: the one cancellation point there is read(2) on
 * the input, which is where it can block for ever on an idle pipe.
 */
#include "gzip_source.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#ifdef SECRETCAP_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

enum gz_state {
    GZ_MEMBER,  /* inside a member: feed inflate */
    GZ_DATA,    /* ISA-L only: header parsed, deflate data to isal_inflate */
    GZ_BETWEEN, /* a member just ended: look at what follows */
    GZ_DONE,    /* clean end: the last member ended, only zeros followed */
    GZ_FAILED,  /* a data error was reported: repeat it, never "end" */
};

#define GZ_SLOTS 4
#define GZ_SLOT_SIZE ((size_t)1 << 20)
/* A slot goes to the caller early, once it holds this much and the next
 * gz_pull() would have to read (and may wait on a pipe). */
#define GZ_SLOT_MIN ((size_t)64 << 10)
/* How long read() waits for the worker before looking at sc_interrupted
 * again: a signal handler cannot wake a condition variable. */
#define GZ_WAIT_NS 50000000L

enum gz_slot_end {
    SLOT_MORE, /* the next slot goes on */
    SLOT_END,  /* the clean end follows the data */
    SLOT_ERR,  /* the error in err follows the data */
};

/* What consecutive gz_pull() calls returned: bytes, then possibly how they
 * ended. Made by the worker, read by the caller. */
struct gz_slot {
    uint8_t *data; /* GZ_SLOT_SIZE bytes */
    size_t len;    /* bytes in data */
    enum gz_slot_end end;
    struct sc_err err;
};

struct gz_thread {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t filled;  /* worker -> caller: count went up */
    pthread_cond_t emptied; /* caller -> worker: count went down, or stop */
    struct gz_slot slot[GZ_SLOTS];
    /* Under mu: the caller reads slot[head], the worker fills
     * slot[(head + count) % GZ_SLOTS]. */
    unsigned head, count;
    bool stop;   /* close(): the worker exits */
    bool paused; /* worker: an I/O error or interruption not yet taken */
    /* The caller's side only. */
    size_t pos;           /* bytes of slot[head] already returned */
    bool done;            /* the end was returned (sticky) */
    struct sc_err failed; /* the data error, once returned (sticky) */
};

struct gz_source {
    struct source base;
    struct reader *in; /* the compressed bytes */
    z_stream zs;
    enum gz_state state;
    bool fast; /* ISA-L for the deflate data (SECRETCAP_HAVE_ISAL) */
#ifdef SECRETCAP_HAVE_ISAL
    struct inflate_state is;
    uint8_t last8[8]; /* the last 8 compressed bytes isal_inflate took */
#endif
    struct sc_err failed; /* the data error, once state is GZ_FAILED */
    bool threaded;        /* start a worker at the second read() */
    bool pulled;          /* one read() ran in the caller's thread */
    struct gz_thread *t;  /* the running worker, if any */
};

static unsigned long long
gz_offset(const struct gz_source *gz)
{
    return (unsigned long long)reader_offset(gz->in);
}

/* After a member: 1f 8b starts the next member; zero bytes up to the end
 * are tape padding (gzip(1) accepts them too); anything else is an error
 * rather than silently ignored data. Returns 1 when another member starts,
 * 0 at a clean end, -1 on error. */
static int
gz_next_member(struct gz_source *gz, struct sc_err *err)
{
    const uint8_t *p;
    int rc = reader_fill(gz->in, 1, &p, err);
    int zrc;

    if (rc <= 0)
        return rc;
    if (p[0] == 0x1f) {
        rc = reader_fill(gz->in, 2, &p, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            /* A lone 1f at the end: most likely the first byte of a
             * member that was cut off, so call it what it looks like. */
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: gzip stream "
                              "truncated (unexpected end of file)",
                              gz->base.name, gz_offset(gz) + 1);
        if (p[1] == 0x8b) {
            zrc = inflateReset(&gz->zs);
            if (zrc != Z_OK)
                return sc_err_set(err, SC_ERR_DATA,
                                  "%s: compressed offset %llu: corrupt gzip "
                                  "data (inflateReset failed: %d)",
                                  gz->base.name, gz_offset(gz), zrc);
            return 1;
        }
    } else {
        /* Zero padding, possibly spread over many buffer refills. */
        for (;;) {
            size_t avail = reader_buffered(gz->in);
            size_t i;

            p = reader_ptr(gz->in);
            for (i = 0; i < avail && p[i] == 0; i++)
                ;
            reader_consume(gz->in, i);
            if (i < avail)
                break;
            if (sc_interrupted)
                return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                                  gz->base.name);
            rc = reader_fill(gz->in, 1, &p, err);
            if (rc <= 0)
                return rc;
        }
    }
    return sc_err_set(err, SC_ERR_DATA,
                      "%s: compressed offset %llu: trailing garbage after "
                      "gzip member",
                      gz->base.name, gz_offset(gz));
}

#ifdef SECRETCAP_HAVE_ISAL
static const char *
isal_msg(int rc)
{
    switch (rc) {
    case ISAL_INVALID_BLOCK:
        return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
        return "invalid code";
    case ISAL_INVALID_LOOKBACK:
        return "invalid distance too far back";
    default:
        return "invalid deflate data";
    }
}

/* One isal_inflate() step over the avail bytes at p into out. Sets *used
 * and *produced; returns 0 or -1 with err set. At the end of the member
 * (trailer verified) the state becomes GZ_BETWEEN. */
static int
isal_step(struct gz_source *gz, const uint8_t *p, size_t avail, uint8_t *out,
          size_t n, size_t *used, size_t *produced, struct sc_err *err)
{
    struct inflate_state *st = &gz->is;
    uint32_t in_max = avail > UINT32_MAX ? UINT32_MAX : (uint32_t)avail;
    uint32_t out_max = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    int rc;

    st->next_in = (uint8_t *)(uintptr_t)p; /* isal_inflate never writes it */
    st->avail_in = in_max;
    st->next_out = out;
    st->avail_out = out_max;
    rc = isal_inflate(st);
    *used = in_max - st->avail_in;
    *produced = out_max - st->avail_out;
    reader_consume(gz->in, *used);
    /* Remember the last 8 bytes taken: the trailer, when ISA-L stops on a
     * checksum mismatch (it may have taken them over several calls). */
    if (*used >= 8) {
        memcpy(gz->last8, p + *used - 8, 8);
    } else if (*used > 0) {
        memmove(gz->last8, gz->last8 + *used, 8 - *used);
        memcpy(gz->last8 + 8 - *used, p, *used);
    }
    if (rc == ISAL_INCORRECT_CHECKSUM) {
        /* Say which half of the trailer is wrong, at the offset zlib would
         * name. */
        const uint8_t *t = gz->last8;
        uint32_t crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
                       (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;

        if (crc == st->crc)
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: corrupt gzip data "
                              "(incorrect length check)",
                              gz->base.name, gz_offset(gz));
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: compressed offset %llu: corrupt gzip data "
                          "(incorrect data check)",
                          gz->base.name, gz_offset(gz) - 4);
    }
    if (rc < 0) {
        /* Bits read ahead but not decoded are not the damage. */
        uint64_t off = reader_offset(gz->in);
        uint64_t ahead =
            st->read_in_length > 0 ? (uint64_t)st->read_in_length / 8 : 0;

        return sc_err_set(err, SC_ERR_DATA,
                          "%s: compressed offset %llu: corrupt gzip data "
                          "(%s)",
                          gz->base.name,
                          (unsigned long long)(off > ahead ? off - ahead : 0),
                          isal_msg(rc));
    }
    if (st->block_state == ISAL_BLOCK_FINISH)
        gz->state = GZ_BETWEEN;
    else if (*used == 0 && *produced == 0)
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: compressed offset %llu: corrupt gzip data "
                          "(inflate made no progress)",
                          gz->base.name, gz_offset(gz));
    return 0;
}
#endif

static ssize_t
gz_inflate(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct gz_source *gz = (struct gz_source *)s;
    /* avail_out is a uInt; a shorter read is always allowed. */
    uInt out_max = n > UINT_MAX ? UINT_MAX : (uInt)n;

    gz->zs.next_out = buf;
    gz->zs.avail_out = out_max;
    for (;;) {
        const uint8_t *p;
        size_t avail, used, produced;
        int rc, zrc;

        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted", s->name);
        if (gz->state == GZ_DONE)
            return 0;
        if (gz->state == GZ_BETWEEN) {
            rc = gz_next_member(gz, err);
            if (rc < 0)
                return -1;
            gz->state = rc == 0 ? GZ_DONE : GZ_MEMBER;
            continue;
        }

        rc = reader_fill(gz->in, 1, &p, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            /* The stream ended inside a member (header, data or trailer):
             * output already returned was good, but the capture is cut. */
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: gzip stream "
                              "truncated (unexpected end of file)",
                              s->name, gz_offset(gz));
        avail = reader_buffered(gz->in);
#ifdef SECRETCAP_HAVE_ISAL
        if (gz->state == GZ_DATA) {
            if (isal_step(gz, p, avail, buf, n, &used, &produced, err) < 0)
                return -1;
            if (produced > 0)
                return (ssize_t)produced;
            continue;
        }
#endif
        gz->zs.next_in = (Bytef *)(uintptr_t)p; /* inflate never writes it */
        gz->zs.avail_in = avail > UINT_MAX ? UINT_MAX : (uInt)avail;
        /* With the fast path, zlib only parses the header: Z_BLOCK makes
         * inflate return right after it, before the first deflate byte. */
        zrc = inflate(&gz->zs, gz->fast ? Z_BLOCK : Z_NO_FLUSH);
        used = (size_t)((const uint8_t *)gz->zs.next_in - p);
        reader_consume(gz->in, used);
        produced = out_max - gz->zs.avail_out;
        gz->zs.next_in = NULL;
        gz->zs.avail_in = 0;

        switch (zrc) {
        case Z_STREAM_END:
            gz->state = GZ_BETWEEN;
            break;
        case Z_OK:
#ifdef SECRETCAP_HAVE_ISAL
            /* data_type bit 7: stopped at the end of the header. */
            if (gz->fast && (gz->zs.data_type & 128) != 0) {
                isal_inflate_reset(&gz->is);
                gz->is.crc_flag = ISAL_GZIP_NO_HDR_VER;
                gz->state = GZ_DATA;
            }
#endif
            break;
        case Z_BUF_ERROR:
            /* Cannot happen with avail_in > 0 and avail_out > 0; if it
             * does, make sure it cannot loop forever. */
            if (used == 0 && produced == 0)
                return sc_err_set(err, SC_ERR_DATA,
                                  "%s: compressed offset %llu: corrupt gzip "
                                  "data (inflate made no progress)",
                                  s->name, gz_offset(gz));
            break;
        default:
            /* Z_DATA_ERROR (bad header, bad deflate data, CRC or ISIZE
             * mismatch), Z_STREAM_ERROR, Z_MEM_ERROR, Z_NEED_DICT. */
            return sc_err_set(err, SC_ERR_DATA,
                              "%s: compressed offset %llu: corrupt gzip data "
                              "(%s)",
                              s->name, gz_offset(gz),
                              gz->zs.msg != NULL ? gz->zs.msg : zError(zrc));
        }
        /* Hand back what we have; headers and empty stored blocks produce
         * nothing, and then we keep going rather than return 0. */
        if (produced > 0)
            return (ssize_t)produced;
    }
}

/* A data error is final: the same error again on every later call, so a
 * caller that retries can never see a late clean end. I/O errors and
 * interruptions are not made sticky (the inner reader decides). */
static ssize_t
gz_pull(struct gz_source *gz, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct source *s = &gz->base;
    ssize_t got;

    if (gz->state == GZ_FAILED) {
        if (err != NULL)
            *err = gz->failed;
        return -1;
    }
    got = gz_inflate(s, buf, n, err);
    if (got < 0 && err != NULL && err->kind == SC_ERR_DATA) {
        gz->failed = *err;
        gz->state = GZ_FAILED;
    }
    return got;
}

/* ---- the worker ------------------------------------------------------- */

static void *
gz_worker(void *arg)
{
    struct gz_source *gz = arg;
    struct gz_thread *t = gz->t;
    int old;

    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    pthread_mutex_lock(&t->mu);
    for (;;) {
        struct gz_slot *sl;
        ssize_t got;
        bool final;

        while (!t->stop &&
               (t->count == GZ_SLOTS || (t->paused && t->count > 0)))
            pthread_cond_wait(&t->emptied, &t->mu);
        if (t->stop)
            break;
        t->paused = false;
        sl = &t->slot[(t->head + t->count) % GZ_SLOTS];
        pthread_mutex_unlock(&t->mu);

        /* Fill the slot: one hand-over per MiB however little each call
         * returns, or per GZ_SLOT_MIN when the input has to be waited for
         * (a pipe), so that what is there reaches the caller. */
        sl->len = 0;
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
        do {
            got = gz_pull(gz, sl->data + sl->len, GZ_SLOT_SIZE - sl->len,
                          &sl->err);
            if (got > 0)
                sl->len += (size_t)got;
        } while (got > 0 && sl->len < GZ_SLOT_SIZE &&
                 (sl->len < GZ_SLOT_MIN || reader_buffered(gz->in) > 0));
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
gz_thread_free(struct gz_thread *t)
{
    unsigned i;

    for (i = 0; i < GZ_SLOTS; i++)
        free(t->slot[i].data);
    free(t);
}

/* Starts the worker. Returns false (and changes nothing) when it cannot:
 * then the caller's thread goes on inflating. */
static bool
gz_start(struct gz_source *gz)
{
    struct gz_thread *t = calloc(1, sizeof(*t));
    pthread_condattr_t ca;
    sigset_t all, old;
    unsigned i;
    int rc;

    if (t == NULL)
        return false;
    for (i = 0; i < GZ_SLOTS; i++) {
        if ((t->slot[i].data = malloc(GZ_SLOT_SIZE)) == NULL)
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
    gz->t = t; /* before the worker reads it */
    rc = pthread_create(&t->tid, NULL, gz_worker, gz);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0)
        return true;
    gz->t = NULL;
    pthread_mutex_destroy(&t->mu);
fail_emptied:
    pthread_cond_destroy(&t->emptied);
fail_filled:
    pthread_cond_destroy(&t->filled);
fail_mem:
    gz_thread_free(t);
    return false;
}

/* Stops and joins the worker, wherever it is: waiting for a free slot
 * (woken by stop), inflating (it sees stop before the next slot), or
 * blocked in read(2) on an idle pipe (cancelled there). */
static void
gz_stop(struct gz_source *gz)
{
    struct gz_thread *t = gz->t;

    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_broadcast(&t->emptied);
    pthread_mutex_unlock(&t->mu);
    pthread_cancel(t->tid);
    pthread_join(t->tid, NULL);
    pthread_cond_destroy(&t->emptied);
    pthread_cond_destroy(&t->filled);
    pthread_mutex_destroy(&t->mu);
    gz_thread_free(t);
    gz->t = NULL;
}

/* Frees the slot at head, whose result has been returned in full. */
static void
gz_release(struct gz_thread *t)
{
    pthread_mutex_lock(&t->mu);
    t->head = (t->head + 1) % GZ_SLOTS;
    t->count--;
    t->pos = 0;
    pthread_cond_signal(&t->emptied);
    pthread_mutex_unlock(&t->mu);
}

/* Waits until a slot is filled. Returns false when sc_interrupted was set
 * first. */
static bool
gz_wait(struct gz_thread *t)
{
    bool have;

    pthread_mutex_lock(&t->mu);
    while (t->count == 0 && !sc_interrupted) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += GZ_WAIT_NS;
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

/* read() with the worker running: hands out the slots in order, with the
 * same stickiness and the same interrupt behaviour as gz_pull(). */
static ssize_t
gz_take(struct gz_source *gz, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct gz_thread *t = gz->t;

    for (;;) {
        struct gz_slot *sl;
        struct sc_err e;
        size_t k;

        if (t->failed.kind != SC_ERR_NONE) {
            if (err != NULL)
                *err = t->failed;
            return -1;
        }
        if (sc_interrupted)
            return sc_err_set(err, SC_ERR_INTR, "%s: interrupted",
                              gz->base.name);
        if (t->done)
            return 0;
        if (!gz_wait(t))
            continue; /* interrupted: said above */
        sl = &t->slot[t->head];
        if (t->pos < sl->len) {
            k = sl->len - t->pos;
            if (k > n)
                k = n;
            memcpy(buf, sl->data + t->pos, k);
            t->pos += k;
            if (t->pos == sl->len && sl->end == SLOT_MORE)
                gz_release(t);
            return (ssize_t)k;
        }
        /* The data, if any, has been returned: now how it ended. */
        if (sl->end == SLOT_MORE) {
            gz_release(t); /* an empty slot: cannot happen, but harmless */
            continue;
        }
        if (sl->end == SLOT_END) {
            t->done = true;
            gz_release(t);
            return 0;
        }
        e = sl->err;
        gz_release(t);
        if (e.kind == SC_ERR_DATA)
            t->failed = e;
        else if (e.kind == SC_ERR_INTR)
            continue; /* said above if still set; else the worker retries */
        if (err != NULL)
            *err = e;
        return -1;
    }
}

static ssize_t
gz_read(struct source *s, uint8_t *buf, size_t n, struct sc_err *err)
{
    struct gz_source *gz = (struct gz_source *)s;

    if (gz->t != NULL)
        return gz_take(gz, buf, n, err);
    /* The first read runs here: a sniff that reads once and closes never
     * starts a thread. Nor does a stream that has already ended. */
    if (gz->threaded && gz->pulled && gz->state != GZ_DONE &&
        gz->state != GZ_FAILED) {
        if (gz_start(gz))
            return gz_take(gz, buf, n, err);
        gz->threaded = false;
    }
    gz->pulled = true;
    return gz_pull(gz, buf, n, err);
}

static void
gz_close(struct source *s)
{
    struct gz_source *gz = (struct gz_source *)s;

    if (gz->t != NULL)
        gz_stop(gz);
    inflateEnd(&gz->zs);
    reader_free(gz->in);
    free(gz);
}

struct source *
gzip_source(struct reader *compressed, const char *name, struct sc_err *err)
{
    return gzip_source_opt(compressed, name, NULL, err);
}

struct source *
gzip_source_ex(struct reader *compressed, const char *name, bool fast,
               struct sc_err *err)
{
    struct gzip_source_opts o = {.zlib_only = !fast};

    return gzip_source_opt(compressed, name, &o, err);
}

/* More than one CPU to run on (affinity mask, else online CPUs). */
static bool
gz_cpus_to_spare(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return CPU_COUNT(&set) > 1;
    return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

bool
gzip_have_fast_inflate(void)
{
#ifdef SECRETCAP_HAVE_ISAL
    return true;
#else
    return false;
#endif
}

struct source *
gzip_source_opt(struct reader *compressed, const char *name,
                const struct gzip_source_opts *opts, struct sc_err *err)
{
    static const struct gzip_source_opts defaults;
    struct gz_source *gz = calloc(1, sizeof(*gz));
    int zrc;

    if (opts == NULL)
        opts = &defaults;

    if (gz == NULL) {
        sc_err_set(err, SC_ERR_IO, "%s: out of memory", name);
        reader_free(compressed);
        return NULL;
    }
    /* zalloc/zfree/opaque are Z_NULL from calloc: zlib's own allocator. */
    zrc = inflateInit2(&gz->zs, 15 + 16);
    if (zrc != Z_OK) {
        sc_err_set(err, SC_ERR_IO, "%s: cannot start gzip decompression (%s)",
                   name, gz->zs.msg != NULL ? gz->zs.msg : zError(zrc));
        free(gz);
        reader_free(compressed);
        return NULL;
    }
    gz->base.read = gz_read;
    gz->base.close = gz_close;
    gz->base.name = name;
    gz->base.size = -1;
    gz->base.inflating = true;
    gz->in = compressed;
    gz->state = GZ_MEMBER;
    gz->threaded = opts->threading == GZIP_THREAD_ON ||
                   (opts->threading == GZIP_THREAD_AUTO && gz_cpus_to_spare());
#ifdef SECRETCAP_HAVE_ISAL
    gz->fast = !opts->zlib_only;
    isal_inflate_init(&gz->is);
#endif
    return &gz->base;
}
