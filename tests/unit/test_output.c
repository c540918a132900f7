/*
 * test_output.c - the buffered writer and atomic file output.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "testutil.h"

static char dir[] = "/tmp/sc_out_XXXXXX";

static void
setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    strcpy(dir, "/tmp/sc_out_XXXXXX");
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(commit_publishes_and_replaces_atomically)
{
    char target[512];
    struct out_file o;
    struct writer w;
    struct sc_err err = {0};
    struct stat st;
    uint8_t *data;
    size_t len;

    snprintf(target, sizeof(target), "%s/out.pcapng", dir);
    write_file(target, "old contents");
    ck_assert_int_eq(out_open(&o, target, false, &err), 0);
    /* The temp file sits beside the target; the target is untouched. */
    ck_assert_int_eq(tu_dir_entries(dir), 2);
    data = tu_slurp(target, &len);
    ck_assert_mem_eq(data, "old contents", len);
    free(data);
    ck_assert_int_eq(writer_init(&w, o.fd, o.name, 64, &err), 0);
    ck_assert_int_eq(writer_write(&w, "new", 3, &err), 0);
    ck_assert_int_eq(writer_flush(&w, &err), 0);
    ck_assert_int_eq(out_commit(&o, &err), 0);
    out_abort(&o);
    writer_free(&w);
    ck_assert_int_eq(tu_dir_entries(dir), 1);
    data = tu_slurp(target, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(data, "new", 3);
    free(data);
    /* The result holds secrets: owner-only permissions. */
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_uint_eq(st.st_mode & 077, 0);
}
END_TEST

START_TEST(abort_leaves_nothing_and_keeps_old_output)
{
    char target[512];
    struct out_file o;
    struct sc_err err = {0};
    uint8_t *data;
    size_t len;

    snprintf(target, sizeof(target), "%s/out.pcapng", dir);
    write_file(target, "keep me");
    ck_assert_int_eq(out_open(&o, target, false, &err), 0);
    ck_assert_int_eq(write(o.fd, "partial", 7), 7);
    out_abort(&o);
    out_abort(&o); /* twice is harmless */
    ck_assert_int_eq(tu_dir_entries(dir), 1);
    data = tu_slurp(target, &len);
    ck_assert_uint_eq(len, 7);
    ck_assert_mem_eq(data, "keep me", 7);
    free(data);
}
END_TEST

START_TEST(open_in_missing_directory_fails)
{
    char target[512];
    struct out_file o;
    struct sc_err err = {0};

    snprintf(target, sizeof(target), "%s/nope/out.pcapng", dir);
    ck_assert_int_eq(out_open(&o, target, false, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "nope/out.pcapng"));
    ck_assert_ptr_nonnull(strstr(err.msg, "No such file or directory"));
}
END_TEST

START_TEST(writer_buffers_small_and_passes_large_spans)
{
    char target[512];
    int fd;
    struct writer w;
    struct sc_err err = {0};
    static uint8_t big[300];
    uint8_t *data, *p;
    size_t len;

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)i;
    snprintf(target, sizeof(target), "%s/w.bin", dir);
    fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(writer_init(&w, fd, "w.bin", 64, &err), 0);
    ck_assert_int_eq(writer_write(&w, "ab", 2, &err), 0);
    ck_assert_uint_eq(w.flushed, 0); /* still buffered */
    ck_assert_int_eq(writer_write(&w, big, sizeof(big), &err), 0);
    ck_assert_uint_eq(w.flushed, 2 + sizeof(big)); /* went straight out */
    p = writer_reserve(&w, 4, &err);
    ck_assert_ptr_nonnull(p);
    memcpy(p, "wxyz", 4);
    writer_advance(&w, 4);
    ck_assert_uint_eq(writer_offset(&w), 2 + sizeof(big) + 4);
    ck_assert_int_eq(writer_flush(&w, &err), 0);
    writer_free(&w);
    close(fd);
    data = tu_slurp(target, &len);
    ck_assert_uint_eq(len, 2 + sizeof(big) + 4);
    ck_assert_mem_eq(data, "ab", 2);
    ck_assert_mem_eq(data + 2, big, sizeof(big));
    ck_assert_mem_eq(data + 2 + sizeof(big), "wxyz", 4);
    free(data);
}
END_TEST

START_TEST(patch_in_buffer_and_on_disk)
{
    char target[512];
    int fd;
    struct writer w;
    struct sc_err err = {0};
    uint8_t zeros[200] = {0}, *data;
    size_t len;

    snprintf(target, sizeof(target), "%s/p.bin", dir);
    fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(writer_init(&w, fd, "p.bin", 64, &err), 0);
    ck_assert(w.seekable);
    ck_assert_int_eq(writer_write(&w, zeros, 10, &err), 0);
    ck_assert_int_eq(writer_patch(&w, 2, "AB", 2, &err), 1); /* buffered */
    ck_assert_int_eq(writer_write(&w, zeros, sizeof(zeros), &err), 0);
    ck_assert_int_eq(writer_write(&w, zeros, 5, &err), 0);
    ck_assert_int_eq(writer_patch(&w, 4, "CD", 2, &err), 1); /* on disk */
    /* Straddling what was written and what is still buffered. */
    ck_assert_int_eq(writer_patch(&w, 208, "EFGH", 4, &err), 1);
    ck_assert_int_eq(writer_patch(&w, 214, "XX", 2, &err), -1); /* past end */
    ck_assert_int_eq(writer_flush(&w, &err), 0);
    writer_free(&w);
    close(fd);
    data = tu_slurp(target, &len);
    ck_assert_uint_eq(len, 215);
    ck_assert_mem_eq(data + 2, "ABCD", 4);
    ck_assert_mem_eq(data + 208, "EFGH", 4);
    free(data);
}
END_TEST

START_TEST(patch_on_pipe_is_refused)
{
    int fds[2];
    struct writer w;
    struct sc_err err = {0};
    uint8_t buf[256] = {0};

    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(writer_init(&w, fds[1], "pipe", 16, &err), 0);
    ck_assert(!w.seekable);
    ck_assert_int_eq(writer_write(&w, buf, 100, &err), 0);
    ck_assert_int_eq(writer_patch(&w, 0, "x", 1, &err), 0);
    writer_free(&w);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(errors_are_sticky_and_named)
{
    int fd = open("/dev/full", O_WRONLY);
    struct writer w;
    struct sc_err err = {0};

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(writer_init(&w, fd, "/dev/full", 16, &err), 0);
    ck_assert_int_eq(writer_write(&w, "0123456789abcdef0123", 20, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_str_eq(err.msg,
                     "/dev/full: write failed: No space left on device");
    sc_err_clear(&err);
    ck_assert_int_eq(writer_write(&w, "x", 1, &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_IO);
    ck_assert_int_eq(writer_flush(&w, &err), -1);
    writer_free(&w);
    close(fd);
}
END_TEST

START_TEST(closed_pipe_is_epipe)
{
    int fds[2];
    struct writer w;
    struct sc_err err = {0};
    uint8_t buf[64] = {0};

    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    ck_assert_int_eq(writer_init(&w, fds[1], "stdout", 16, &err), 0);
    ck_assert_int_eq(writer_write(&w, buf, sizeof(buf), &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_PIPE);
    writer_free(&w);
    close(fds[1]);
}
END_TEST

static Suite *
output_suite(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("output");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, commit_publishes_and_replaces_atomically);
    tcase_add_test(tc, abort_leaves_nothing_and_keeps_old_output);
    tcase_add_test(tc, open_in_missing_directory_fails);
    tcase_add_test(tc, writer_buffers_small_and_passes_large_spans);
    tcase_add_test(tc, patch_in_buffer_and_on_disk);
    tcase_add_test(tc, patch_on_pipe_is_refused);
    tcase_add_test(tc, errors_are_sticky_and_named);
    tcase_add_test(tc, closed_pipe_is_epipe);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(output_suite());
}
