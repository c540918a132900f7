/*
 * test_copier.c - copy_range (in the kernel, and its fallback through a
 * buffer) and the copier worker: the same bytes every way, a source that
 * ends early is a data error naming it, a closed pipe is SC_ERR_PIPE, and
 * a worker's error comes back from the next post or wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "copier.h"
#include "testutil.h"

#define LEN ((size_t)3 << 20)

static uint8_t *data;
static char in_path[] = "/tmp/test_copier_in.XXXXXX";
static int in_fd = -1;

static void
setup(void)
{
    uint64_t x = 0x9E3779B97F4A7C15ULL;

    data = malloc(LEN);
    ck_assert_ptr_nonnull(data);
    for (size_t i = 0; i < LEN; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        data[i] = (uint8_t)x;
    }
    in_fd = mkstemp(in_path);
    ck_assert_int_ge(in_fd, 0);
    ck_assert_int_eq(write(in_fd, data, LEN), (ssize_t)LEN);
}

static void
teardown(void)
{
    close(in_fd);
    unlink(in_path);
    strcpy(in_path, "/tmp/test_copier_in.XXXXXX");
    free(data);
}

/* A temp output file, opened with flags (O_APPEND or 0). */
static int
out_file(int flags)
{
    char path[] = "/tmp/test_copier_out.XXXXXX";
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    unlink(path);
    if (flags != 0)
        ck_assert_int_eq(fcntl(fd, F_SETFL, flags), 0);
    return fd;
}

static void
expect_content(int fd, const uint8_t *want, size_t n)
{
    uint8_t *got = malloc(n + 1);
    ssize_t r;

    ck_assert_ptr_nonnull(got);
    r = pread(fd, got, n + 1, 0);
    ck_assert_int_eq(r, (ssize_t)n);
    ck_assert(memcmp(got, want, n) == 0);
    free(got);
}

/* From an unaligned offset, in the kernel (RANGE) and forced through the
 * buffer (NONE), and into an O_APPEND file, which the kernel refuses
 * (the mode falls back): the same bytes. */
START_TEST(test_copy_range_modes)
{
    enum copy_mode modes[] = {COPY_RANGE, COPY_NONE, COPY_RANGE};
    int flags[] = {0, 0, O_APPEND};
    uint8_t buf[4096];

    for (int i = 0; i < 3; i++) {
        enum copy_mode m = modes[i];
        struct sc_err err = {0};
        int fd = out_file(flags[i]);

        ck_assert_int_eq(copy_range(fd, &m, in_fd, 1234, LEN - 1234, buf,
                                    sizeof(buf), "out", "in", &err),
                         0);
        expect_content(fd, data + 1234, LEN - 1234);
        if (flags[i] == O_APPEND)
            ck_assert_int_eq(m, COPY_NONE);
        close(fd);
    }
}
END_TEST

/* Asking for more than the source holds: the bytes there are copied, then
 * an SC_ERR_DATA error names the source and the offset. Both modes. */
START_TEST(test_copy_range_short_source)
{
    uint8_t buf[4096];

    for (int i = 0; i < 2; i++) {
        enum copy_mode m = i ? COPY_NONE : COPY_RANGE;
        struct sc_err err = {0};
        int fd = out_file(0);

        ck_assert_int_eq(copy_range(fd, &m, in_fd, LEN - 100, 200, buf,
                                    sizeof(buf), "out", "in.pcapng", &err),
                         -1);
        ck_assert_int_eq(err.kind, SC_ERR_DATA);
        ck_assert_ptr_nonnull(strstr(err.msg, "in.pcapng: the file ended at "
                                              "offset 3145728"));
        close(fd);
    }
}
END_TEST

/* splice to a pipe read by a child, and EPIPE once its reader is gone. */
START_TEST(test_copy_range_pipe)
{
    uint8_t buf[4096];
    enum copy_mode m = COPY_SPLICE;
    struct sc_err err = {0};
    int p[2], res = out_file(0), status;
    pid_t pid;

    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        ssize_t n;

        close(p[1]);
        while ((n = read(p[0], buf, sizeof(buf))) > 0)
            if (write(res, buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    close(p[0]);
    ck_assert_int_eq(copy_range(p[1], &m, in_fd, 7, LEN - 7, buf, sizeof(buf),
                                "pipe", "in", &err),
                     0);
    close(p[1]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    expect_content(res, data + 7, LEN - 7);
    close(res);

    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]);
    m = COPY_SPLICE;
    ck_assert_int_eq(copy_range(p[1], &m, in_fd, 0, LEN, buf, sizeof(buf),
                                "stdout", "in", &err),
                     -1);
    ck_assert_int_eq(err.kind, SC_ERR_PIPE);
    close(p[1]);
}
END_TEST

/* The worker: consecutive jobs land in order, wait returns when done. */
START_TEST(test_copier_jobs)
{
    struct sc_err err = {0};
    int fd = out_file(0);
    struct copier *c = copier_new(fd, COPY_RANGE, "out", &err);
    size_t cuts[] = {0, 4096, 1 << 20, (1 << 20) + 5, LEN};

    ck_assert_ptr_nonnull(c);
    for (int i = 0; i + 1 < 5; i++)
        ck_assert_int_eq(
            copier_post(c, in_fd, cuts[i], cuts[i + 1] - cuts[i], "in", &err),
            0);
    ck_assert_int_eq(copier_wait(c, &err), 0);
    expect_content(fd, data, LEN);
    copier_free(c);
    close(fd);
}
END_TEST

/* A job's error comes back from the next post (and sticks: wait too). */
START_TEST(test_copier_error)
{
    struct sc_err err = {0};
    int fd = out_file(0);
    struct copier *c = copier_new(fd, COPY_RANGE, "out", &err);

    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(copier_post(c, in_fd, LEN - 10, 20, "in", &err), 0);
    ck_assert_int_eq(copier_post(c, in_fd, 0, 10, "in", &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    ck_assert_ptr_nonnull(strstr(err.msg, "in: the file ended"));
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(copier_wait(c, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_DATA);
    copier_free(c);
    close(fd);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("copier");
    TCase *tc = tcase_create("copier");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_copy_range_modes);
    tcase_add_test(tc, test_copy_range_short_source);
    tcase_add_test(tc, test_copy_range_pipe);
    tcase_add_test(tc, test_copier_jobs);
    tcase_add_test(tc, test_copier_error);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
