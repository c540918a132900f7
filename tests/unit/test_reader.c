/*
 * test_reader.c - unit tests for the buffered reader (reader.c) and the fd
 * and memory sources (source.c).
 *
 * Every reader behaviour runs over a memory source that hands out 1, 3 and
 * 4096 bytes per read (tu_chunks), so each short-read path is taken. The
 * retain test checks the zero-copy pass-through invariant on a 5 MiB
 * pseudo-random stream: the spans handed to the callback are exactly the
 * consumed-and-not-dropped bytes, in order, each once.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reader.h"
#include "source.h"
#include "testutil.h"

#define MiB ((size_t)1 << 20)

/* xorshift64*: deterministic test data and decisions, no libc rand(). */
static uint64_t
rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static uint8_t *
make_data(size_t len, uint64_t seed)
{
    uint8_t *d = malloc(len ? len : 1);
    size_t i;

    ck_assert(d != NULL);
    for (i = 0; i < len; i++)
        d[i] = (uint8_t)(rng_next(&seed) >> 56);
    return d;
}

static struct reader *
mem_reader(const uint8_t *data, size_t len, size_t chunk, size_t max)
{
    struct sc_err err = {0};
    struct source *s = source_mem(data, len, chunk, "mem", &err);
    struct reader *r;

    ck_assert(s != NULL);
    r = reader_new(s, max, &err);
    ck_assert(r != NULL);
    return r;
}

START_TEST(test_fill_consume_offset)
{
    size_t chunk = tu_chunks[_i], len = 10000, off = 0, step = 1;
    uint8_t *data = make_data(len, 1);
    struct reader *r = mem_reader(data, len, chunk, READER_CHUNK);
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_uint_eq(reader_offset(r), 0);
    ck_assert_uint_eq(reader_buffered(r), 0);
    ck_assert_str_eq(reader_source(r)->name, "mem");
    while (off < len) {
        size_t n = step < len - off ? step : len - off;

        ck_assert_int_eq(reader_fill(r, n, &p, &err), 1);
        ck_assert_uint_ge(reader_buffered(r), n);
        ck_assert_ptr_eq(p, reader_ptr(r));
        ck_assert_mem_eq(p, data + off, n);
        /* A satisfied fill never moves the buffer. */
        ck_assert_int_eq(reader_fill(r, n, &p, &err), 1);
        ck_assert_ptr_eq(p, reader_ptr(r));
        reader_consume(r, n);
        off += n;
        ck_assert_uint_eq(reader_offset(r), off);
        step = step * 2 + 1;
        if (step > 3000)
            step = 1;
    }
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), 0);
    ck_assert_uint_eq(reader_offset(r), len);
    reader_free(r);
    free(data);
}
END_TEST

START_TEST(test_clean_end)
{
    uint8_t data[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    struct reader *r = mem_reader(data, sizeof(data), tu_chunks[_i], 0);
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(reader_fill(r, 10, &p, &err), 1);
    reader_consume(r, 10);
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), 0); /* 0 left: a clean end */
    /* The end is sticky. */
    ck_assert_int_eq(reader_fill(r, 4, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), 0);
    reader_free(r);
}
END_TEST

START_TEST(test_partial_end)
{
    uint8_t data[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    struct reader *r = mem_reader(data, sizeof(data), tu_chunks[_i], 0);
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(reader_fill(r, 4, &p, &err), 1);
    reader_consume(r, 4);
    ck_assert_int_eq(reader_fill(r, 12, &p, &err), 0);
    /* 6 bytes left over: a truncation, and they can still be seen. */
    ck_assert_uint_eq(reader_buffered(r), 6);
    ck_assert_mem_eq(reader_ptr(r), data + 4, 6);
    ck_assert_uint_eq(reader_offset(r), 4);
    ck_assert_int_eq(reader_fill(r, 6, &p, &err), 1);
    ck_assert_mem_eq(p, data + 4, 6);
    reader_free(r);
}
END_TEST

START_TEST(test_empty_source)
{
    struct reader *r = mem_reader(NULL, 0, tu_chunks[_i], 0);
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), 0);
    ck_assert_int_eq(reader_skip(r, 1, &err), 0);
    reader_free(r);
}
END_TEST

/* One fill of 3 MiB grows the 1 MiB buffer; bytes before it stay right. */
START_TEST(test_growth)
{
    size_t chunk = tu_chunks[_i];
    size_t len = 4 * MiB + 17;
    uint8_t *data = make_data(len, 2);
    struct reader *r = mem_reader(data, len, chunk, 8 * MiB);
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(reader_fill(r, 100, &p, &err), 1);
    reader_consume(r, 77);
    ck_assert_int_eq(reader_fill(r, 3 * MiB, &p, &err), 1);
    ck_assert_mem_eq(p, data + 77, 3 * MiB);
    reader_consume(r, 3 * MiB);
    ck_assert_uint_eq(reader_offset(r), 77 + 3 * MiB);
    ck_assert_int_eq(reader_fill(r, len - 77 - 3 * MiB, &p, &err), 1);
    ck_assert_mem_eq(p, data + 77 + 3 * MiB, len - 77 - 3 * MiB);
    reader_free(r);
    free(data);
}
END_TEST

/* Exactly max is fine; one byte more is a data error that names the
 * offset and the limit, and nothing is read or allocated for it. */
START_TEST(test_cap)
{
    size_t max = 2 * MiB, len = 3 * MiB;
    uint8_t *data = make_data(len, 3);
    struct reader *r = mem_reader(data, len, 0, max);
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert_int_eq(reader_fill(r, 10, &p, &err), 1);
    reader_consume(r, 10);
    ck_assert_int_eq(reader_fill(r, max + 1, &p, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_str_eq(err.msg, "mem: offset 10: 2097153 bytes needed at once, "
                              "more than the limit of 2097152");
    ck_assert_int_eq(reader_fill(r, max, &p, &err), 1);
    ck_assert_mem_eq(p, data + 10, max);
    reader_free(r);

    /* A max below READER_CHUNK is raised to it. */
    r = mem_reader(data, len, 0, 1);
    ck_assert_int_eq(reader_fill(r, READER_CHUNK, &p, &err), 1);
    ck_assert_int_eq(reader_fill(r, READER_CHUNK + 1, &p, &err), -1);
    reader_free(r);
    free(data);
}
END_TEST

START_TEST(test_skip)
{
    size_t chunk = tu_chunks[_i];
    size_t len = 3 * MiB + 5;
    uint8_t *data = make_data(len, 4);
    struct reader *r = mem_reader(data, len, chunk, 0);
    struct sc_err err = {0};
    const uint8_t *p;
    uint64_t off = 0;

    ck_assert_int_eq(reader_skip(r, 0, &err), 1);
    ck_assert_int_eq(reader_fill(r, 5, &p, &err), 1);
    reader_consume(r, 5);
    off = 5;
    /* Across the buffer boundary: part buffered, part not yet read. */
    ck_assert_int_eq(reader_skip(r, MiB + MiB / 2, &err), 1);
    off += MiB + MiB / 2;
    ck_assert_uint_eq(reader_offset(r), off);
    ck_assert_int_eq(reader_fill(r, 8, &p, &err), 1);
    ck_assert_mem_eq(p, data + off, 8);
    /* Within the buffer. */
    ck_assert_int_eq(reader_skip(r, 3, &err), 1);
    off += 3;
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 1);
    ck_assert_uint_eq(p[0], data[off]);
    /* To exactly the end: success, then a clean end. */
    ck_assert_int_eq(reader_skip(r, len - off, &err), 1);
    ck_assert_uint_eq(reader_offset(r), len);
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), 0);
    reader_free(r);

    /* Past the end: 0. */
    r = mem_reader(data, len, chunk, 0);
    ck_assert_int_eq(reader_skip(r, (uint64_t)len + 1, &err), 0);
    reader_free(r);
    free(data);
}
END_TEST

struct sink {
    uint8_t *buf;
    size_t len, cap;
    size_t calls;
    uint64_t dropped; /* stream bytes dropped or skipped so far */
};

static int
sink_cb(void *ctx, const struct reader_span *sp, struct sc_err *err)
{
    struct sink *s = ctx;

    (void)err;
    ck_assert_uint_gt(sp->n, 0); /* never an empty span */
    ck_assert_uint_le(s->len + sp->n, s->cap);
    ck_assert_uint_eq(sp->off, s->len + s->dropped);
    if (sp->p != NULL) {
        memcpy(s->buf + s->len, sp->p, sp->n);
    } else {
        /* Not in memory: only from a mapped file, read it there. */
        ck_assert_int_ge(sp->fd, 0);
        ck_assert_int_eq(pread(sp->fd, s->buf + s->len, sp->n, sp->foff),
                         (ssize_t)sp->n);
    }
    s->len += sp->n;
    s->calls++;
    return 0;
}

/* Random blocks: kept (consumed), dropped the two ways the pipeline drops
 * (flush then consume then drop; consume then flush_to then drop), or
 * skipped, with random flushes, over r reading data. The expected output
 * is built alongside. */
static void
retain_run(struct reader *r, const uint8_t *data, size_t len, uint64_t rs,
           bool unbounded)
{
    size_t off = 0, exp_len = 0;
    uint8_t *expect = malloc(len);
    struct sink sink = {malloc(len), 0, len, 0, 100};
    struct sc_err err = {0};
    const uint8_t *p;

    ck_assert(expect != NULL && sink.buf != NULL);
    /* Bytes consumed before the callback is set are not retained. */
    ck_assert_int_eq(reader_fill(r, 100, &p, &err), 1);
    reader_consume(r, 100);
    off = 100;
    reader_set_retain(r, sink_cb, &sink);
    reader_retain_unbounded(r, unbounded);
    while (off < len) {
        uint64_t x = rng_next(&rs);
        size_t b, what = (size_t)(x % 16);

        /* Mostly small blocks, some large enough to force growth. */
        if (x % 97 == 0)
            b = 1 + (size_t)((x >> 8) % (2 * MiB));
        else
            b = 1 + (size_t)((x >> 8) % 70000);
        if (b > len - off)
            b = len - off;
        if (what == 15) {
            ck_assert_int_eq(reader_skip(r, b, &err), 1);
            sink.dropped += b;
        } else {
            ck_assert_int_eq(reader_fill(r, b, &p, &err), 1);
            ck_assert_mem_eq(p, data + off, b);
            if (what == 13) {
                ck_assert_int_eq(reader_retain_flush(r, &err), 0);
                reader_consume(r, b);
                reader_retain_drop(r);
                sink.dropped += b;
            } else if (what == 14) {
                reader_consume(r, b);
                ck_assert_int_eq(reader_retain_flush_to(r, off, &err), 0);
                reader_retain_drop(r);
                sink.dropped += b;
            } else {
                reader_consume(r, b);
                memcpy(expect + exp_len, data + off, b);
                exp_len += b;
                if (what == 0)
                    ck_assert_int_eq(reader_retain_flush(r, &err), 0);
            }
        }
        off += b;
        ck_assert_uint_eq(reader_offset(r), off);
    }
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    ck_assert_int_eq(reader_retain_flush(r, &err), 0);
    ck_assert_uint_eq(sink.len, exp_len);
    ck_assert(memcmp(sink.buf, expect, exp_len) == 0);
    ck_assert_uint_gt(sink.calls, 10);
    /* A second flush hands over nothing more. */
    ck_assert_int_eq(reader_retain_flush(r, &err), 0);
    ck_assert_uint_eq(sink.len, exp_len);
    free(sink.buf);
    free(expect);
}

START_TEST(test_retain)
{
    size_t len = 5 * MiB;
    uint8_t *data = make_data(len, 5);
    struct reader *r = mem_reader(data, len, tu_chunks[_i], 4 * MiB);

    retain_run(r, data, len, 0x9E3779B97F4A7C15ULL + _i, false);
    reader_free(r);
    free(data);
}
END_TEST

/* A reader over a temp file holding data, mapped (reader_map). */
static struct reader *
mapped_reader(const uint8_t *data, size_t len, size_t max, int *fd)
{
    struct sc_err err = {0};
    char path[] = "/tmp/test_reader.XXXXXX";
    struct source *s;
    struct reader *r;

    *fd = mkstemp(path);
    ck_assert_int_ge(*fd, 0);
    unlink(path);
    ck_assert_int_eq(write(*fd, data, len), (ssize_t)len);
    ck_assert_int_eq(lseek(*fd, 0, SEEK_SET), 0);
    s = source_fd(*fd, false, "file", &err);
    ck_assert(s != NULL && s->mappable);
    r = reader_new(s, max, &err);
    ck_assert(r != NULL);
    ck_assert_int_eq(reader_map(r, s->map_fd, s->map_start, len, &err), 0);
    ck_assert(reader_mapped(r));
    return r;
}

/* The same invariant over mapped windows (20 MiB: several windows), with
 * spans handed over at each window (bounded) or only when flushed, not in
 * memory then (unbounded). */
START_TEST(test_retain_mapped)
{
    size_t len = 20 * MiB;
    uint8_t *data = make_data(len, 7);
    int fd;
    struct reader *r = mapped_reader(data, len, 4 * MiB, &fd);

    retain_run(r, data, len, 0x1234567ULL + _i, _i == 1);
    reader_free(r);
    close(fd);
    free(data);
}
END_TEST

/* A mapped file that shrinks under the reader: the pages past the new end
 * read as zeros (no SIGBUS kills the process) and reader_verify says so. */
START_TEST(test_mapped_truncated)
{
    size_t len = 3 * MiB;
    uint8_t *data = make_data(len, 8);
    struct sc_err err = {0};
    const uint8_t *p;
    int fd;
    struct reader *r = mapped_reader(data, len, 4 * MiB, &fd);

    ck_assert_int_eq(reader_fill(r, len, &p, &err), 1);
    ck_assert_int_eq(reader_verify(r, &err), 0);
    ck_assert_int_eq(ftruncate(fd, 4096), 0);
    ck_assert_uint_eq(p[100], data[100]);
    ck_assert_uint_eq(p[2 * MiB], 0); /* would be SIGBUS */
    ck_assert_uint_eq(p[len - 1], 0);
    ck_assert_int_eq(reader_verify(r, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_ptr_nonnull(strstr(err.msg, "file: the file shrank"));
    reader_free(r);
    close(fd);
    free(data);
}
END_TEST

/* A file whose size changes (grows) fails the source's verify, mapped or
 * read. */
START_TEST(test_verify_grown)
{
    size_t len = 64 * 1024;
    uint8_t *data = make_data(len, 9);
    struct sc_err err = {0};
    const uint8_t *p;
    int fd;
    struct reader *r = mapped_reader(data, len, 4 * MiB, &fd);

    ck_assert_int_eq(reader_fill(r, len, &p, &err), 1);
    ck_assert_int_eq(pwrite(fd, data, 10, (off_t)len), 10);
    ck_assert_int_eq(reader_verify(r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "65536 bytes at the start, 65546 "
                                          "now"));
    reader_free(r);
    close(fd);
    free(data);
}
END_TEST

/* A fill larger than a window maps a window that large; the end of the
 * file ends the stream as with read(2). */
START_TEST(test_mapped_fill)
{
    size_t len = READER_MAP_WINDOW + 5 * MiB + 3;
    uint8_t *data = make_data(len, 10);
    struct sc_err err = {0};
    const uint8_t *p;
    int fd;
    struct reader *r = mapped_reader(data, len, 16 * MiB, &fd);

    ck_assert_int_eq(reader_fill(r, 10, &p, &err), 1);
    reader_consume(r, 7);
    ck_assert_int_eq(reader_fill(r, READER_MAP_WINDOW + 1000, &p, &err), 1);
    ck_assert_mem_eq(p, data + 7, READER_MAP_WINDOW + 1000);
    reader_consume(r, READER_MAP_WINDOW);
    ck_assert_int_eq(reader_fill(r, len, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), len - 7 - READER_MAP_WINDOW);
    ck_assert_mem_eq(reader_ptr(r), data + 7 + READER_MAP_WINDOW,
                     reader_buffered(r));
    ck_assert_int_eq(reader_skip(r, reader_buffered(r), &err), 1);
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), 0);
    ck_assert_uint_eq(reader_offset(r), len);
    reader_free(r);
    close(fd);
    free(data);
}
END_TEST

static int
failing_cb(void *ctx, const struct reader_span *sp, struct sc_err *err)
{
    (void)ctx;
    (void)sp;
    return sc_err_set(err, SC_ERR_IO, "out: write failed: test");
}

/* A callback error stops the fill that needed the room. */
START_TEST(test_retain_error)
{
    size_t len = 3 * MiB;
    uint8_t *data = make_data(len, 6);
    struct reader *r = mem_reader(data, len, 0, 0);
    struct sc_err err = {0};
    const uint8_t *p;

    reader_set_retain(r, failing_cb, NULL);
    ck_assert_int_eq(reader_fill(r, READER_CHUNK, &p, &err), 1);
    reader_consume(r, READER_CHUNK);
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_str_eq(err.msg, "out: write failed: test");
    reader_free(r);
    free(data);
}
END_TEST

/* The fd source on a pipe: a writer in a child process sends irregular
 * pieces, so reads come back short. */
START_TEST(test_fd_pipe)
{
    size_t len = 3 * MiB + 333;
    uint8_t *data = make_data(len, 7);
    struct sc_err err = {0};
    struct source *s;
    struct reader *r;
    const uint8_t *p;
    int fds[2], status;
    pid_t pid;
    size_t off = 0;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        size_t w = 0, piece = 1;

        close(fds[0]);
        while (w < len) {
            size_t n = piece < len - w ? piece : len - w;
            ssize_t got = write(fds[1], data + w, n);

            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                _exit(1);
            w += (size_t)got;
            piece = piece * 3 % 100003 + 1;
        }
        _exit(0);
    }
    close(fds[1]);
    s = source_fd(fds[0], true, "pipe", &err);
    ck_assert(s != NULL);
    ck_assert_int_eq(s->size, -1);
    ck_assert(!s->inflating);
    r = reader_new(s, 0, &err);
    ck_assert(r != NULL);
    while (off < len) {
        size_t n = len - off < 50000 ? len - off : 50000;

        ck_assert_int_eq(reader_fill(r, n, &p, &err), 1);
        ck_assert_mem_eq(p, data + off, n);
        reader_consume(r, n);
        off += n;
    }
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    ck_assert_uint_eq(reader_buffered(r), 0);
    reader_free(r); /* closes fds[0] */
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(data);
}
END_TEST

START_TEST(test_fd_file)
{
    char path[] = "/tmp/sc_test_reader_XXXXXX";
    size_t len = MiB + 4097;
    uint8_t *data = make_data(len, 8);
    struct sc_err err = {0};
    struct source *s;
    struct reader *r;
    const uint8_t *p;
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    /* Not owned: the test closes it, proving the source did not. */
    s = source_fd(fd, false, path, &err);
    ck_assert(s != NULL);
    ck_assert_int_eq(s->size, (int64_t)len);
    ck_assert_str_eq(s->name, path);
    r = reader_new(s, 2 * MiB, &err);
    ck_assert(r != NULL);
    ck_assert_int_eq(reader_skip(r, 4096, &err), 1);
    ck_assert_int_eq(reader_fill(r, len - 4096, &p, &err), 1);
    ck_assert_mem_eq(p, data + 4096, len - 4096);
    reader_consume(r, len - 4096);
    ck_assert_int_eq(reader_fill(r, 1, &p, &err), 0);
    reader_free(r);
    ck_assert_int_eq(close(fd), 0);
    unlink(path);
    free(data);
}
END_TEST

/* A read error names the source and ends with strerror. */
START_TEST(test_fd_error)
{
    struct sc_err err = {0};
    struct source *s = source_fd(-1, false, "bad", &err);
    uint8_t b[4];

    ck_assert(s != NULL);
    ck_assert_int_eq(source_read(s, b, sizeof(b), &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_str_eq(err.msg, "bad: read failed: Bad file descriptor");
    source_close(s);
}
END_TEST

START_TEST(test_fd_interrupted)
{
    struct sc_err err = {0};
    struct source *s = source_fd(0, false, "stdin", &err);
    uint8_t b[4];

    ck_assert(s != NULL);
    sc_interrupted = SIGINT;
    ck_assert_int_eq(source_read(s, b, sizeof(b), &err), -1);
    sc_interrupted = 0;
    ck_assert_int_eq(err.kind, SC_ERR_INTR);
    ck_assert_str_eq(err.msg, "stdin: interrupted");
    source_close(s);
}
END_TEST

/* The memory source honours its chunk limit and reports the size. */
START_TEST(test_mem_chunks)
{
    uint8_t data[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, b[16];
    struct sc_err err = {0};
    struct source *s = source_mem(data, sizeof(data), 3, "m", &err);

    ck_assert(s != NULL);
    ck_assert_int_eq(s->size, 10);
    ck_assert_int_eq(source_read(s, b, sizeof(b), &err), 3);
    ck_assert_int_eq(source_read(s, b, 2, &err), 2);
    ck_assert_int_eq(source_read(s, b, sizeof(b), &err), 3);
    ck_assert_int_eq(source_read(s, b, sizeof(b), &err), 2);
    ck_assert_uint_eq(b[1], 9);
    ck_assert_int_eq(source_read(s, b, sizeof(b), &err), 0);
    source_close(s);
}
END_TEST

static Suite *
reader_suite(void)
{
    Suite *s = suite_create("reader");
    TCase *tc;
    int n = (int)(sizeof(tu_chunks) / sizeof(tu_chunks[0]));

#define ADD_LOOP(fn, timeout)                                                  \
    do {                                                                       \
        tc = tcase_create(#fn);                                                \
        tcase_set_timeout(tc, timeout);                                        \
        tcase_add_loop_test(tc, fn, 0, n);                                     \
        suite_add_tcase(s, tc);                                                \
    } while (0)
#define ADD(fn, timeout)                                                       \
    do {                                                                       \
        tc = tcase_create(#fn);                                                \
        tcase_set_timeout(tc, timeout);                                        \
        tcase_add_test(tc, fn);                                                \
        suite_add_tcase(s, tc);                                                \
    } while (0)
    ADD_LOOP(test_fill_consume_offset, 30);
    ADD_LOOP(test_clean_end, 10);
    ADD_LOOP(test_partial_end, 10);
    ADD_LOOP(test_empty_source, 10);
    ADD_LOOP(test_growth, 60);
    ADD(test_cap, 30);
    ADD_LOOP(test_skip, 60);
    ADD_LOOP(test_retain, 120);
    ADD(test_retain_error, 30);
    tc = tcase_create("test_retain_mapped");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_retain_mapped, 0, 2);
    suite_add_tcase(s, tc);
    ADD(test_mapped_truncated, 30);
    ADD(test_verify_grown, 30);
    ADD(test_mapped_fill, 30);
    ADD(test_fd_pipe, 60);
    ADD(test_fd_file, 30);
    ADD(test_fd_error, 10);
    ADD(test_fd_interrupted, 10);
    ADD(test_mem_chunks, 10);
#undef ADD
#undef ADD_LOOP
    return s;
}

int
main(void)
{
    return tu_run(reader_suite());
}
