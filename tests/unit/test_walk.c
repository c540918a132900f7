/*
 * test_walk.c - batch input discovery, output stems and key-log templates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "walk.h"

START_TEST(stems)
{
    static const char *const cases[][2] = {
        {"x.pcap.gz", "x"},
        {"x.pcapng", "x"},
        {"a.b.pcapng", "a.b"},
        {"X.PCAP", "X"},
        {"x.cap", "x"},
        {"x.ntar.gzip", "x"},
        {"trace", "trace"},
        {"x.gz", "x"},
        {"x.txt", "x.txt"},
        {".pcap", ".pcap"},
        {"x.pcap.pcap", "x.pcap"},
    };
    char out[64];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_int_eq(walk_stem(cases[i][0], out, sizeof(out)), 0);
        ck_assert_str_eq(out, cases[i][1]);
    }
    ck_assert_int_eq(walk_stem("toolong.pcap", out, 5), -1);
}
END_TEST

START_TEST(templates)
{
    char out[256];
    struct sc_err err = {0};

    ck_assert_int_eq(walk_template("{dir}/{stem}.keys", "caps/a/x.pcap.gz", out,
                                   sizeof(out), &err),
                     0);
    ck_assert_str_eq(out, "caps/a/x.keys");
    ck_assert_int_eq(
        walk_template("keys/{name}.log", "x.pcapng", out, sizeof(out), &err),
        0);
    ck_assert_str_eq(out, "keys/x.pcapng.log");
    ck_assert_int_eq(
        walk_template("{dir}/{stem}", "/abs.pcap", out, sizeof(out), &err), 0);
    ck_assert_str_eq(out, "//abs");
    ck_assert_int_eq(walk_template("{dir}/k", "x.pcap", out, sizeof(out), &err),
                     0);
    ck_assert_str_eq(out, "./k");
    ck_assert_int_eq(
        walk_template("{dir}/{bad}", "x.pcap", out, sizeof(out), &err), -1);
    ck_assert_int_eq(err.kind, SC_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "'{dir}/{bad}'"));
    ck_assert_int_eq(walk_template("{stem", "x.pcap", out, sizeof(out), &err),
                     -1);
    ck_assert_int_eq(
        walk_template("{dir}/{stem}.keys", "a/x.pcap", out, 6, &err), -1);
}
END_TEST

START_TEST(temp_names)
{
    ck_assert(walk_is_temp_name(".out.pcapng.AbC123"));
    ck_assert(!walk_is_temp_name("out.pcapng.AbC123"));
    ck_assert(!walk_is_temp_name(".out"));
    ck_assert(!walk_is_temp_name(".abc1234"));
    ck_assert(!walk_is_temp_name(".hidden.abc-12"));
}
END_TEST

struct seen {
    char list[4096];
};

static int
collect(void *ctx, const char *path, const char *rel, struct sc_err *err)
{
    struct seen *s = ctx;
    const char *base = strstr(path, "/tree");

    (void)err;
    snprintf(s->list + strlen(s->list), sizeof(s->list) - strlen(s->list),
             "%s=%s;", base ? base : path, rel);
    return 0;
}

static void
touch(const char *path)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fclose(f);
}

START_TEST(walks_sorted_mirrored_and_safe)
{
    char root[] = "/tmp/sc_walk_XXXXXX", p[1024], tree[256], out[512];
    const char *args[2];
    struct seen s = {{0}};
    struct sc_err err = {0};

    ck_assert_ptr_nonnull(mkdtemp(root));
    snprintf(tree, sizeof(tree), "%s/tree", root);
    ck_assert_int_eq(mkdir(tree, 0700), 0);
    snprintf(p, sizeof(p), "%s/b", tree);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/b/y.pcap", tree);
    touch(p);
    snprintf(p, sizeof(p), "%s/a.pcap", tree);
    touch(p);
    snprintf(p, sizeof(p), "%s/.a.pcapng.Xy12Z9", tree); /* our temp file */
    touch(p);
    snprintf(p, sizeof(p), "%s/loop", tree); /* a link to a folder */
    ck_assert_int_eq(symlink(".", p), 0);
    snprintf(out, sizeof(out), "%s/out", tree); /* output inside the tree */
    ck_assert_int_eq(mkdir(out, 0700), 0);
    snprintf(p, sizeof(p), "%s/out/a.pcapng", tree);
    touch(p);

    args[0] = tree;
    ck_assert_int_eq(walk_args(args, 1, true, out, collect, &s, NULL, &err), 0);
    ck_assert_str_eq(s.list, "/tree/a.pcap=a.pcap;/tree/b/y.pcap=b/y.pcap;");

    s.list[0] = '\0';
    ck_assert_int_eq(walk_args(args, 1, false, NULL, collect, &s, NULL, &err),
                     0);
    ck_assert_str_eq(s.list, "/tree/a.pcap=a.pcap;");

    s.list[0] = '\0';
    snprintf(p, sizeof(p), "%s/b/y.pcap", tree);
    args[0] = p;
    ck_assert_int_eq(walk_args(args, 1, true, NULL, collect, &s, NULL, &err),
                     0);
    ck_assert_str_eq(s.list, "/tree/b/y.pcap=y.pcap;");

    snprintf(p, sizeof(p), "rm -rf %s", root);
    ck_assert_int_eq(system(p), 0);
}
END_TEST

static Suite *
walk_suite(void)
{
    Suite *s = suite_create("walk");
    TCase *tc = tcase_create("walk");

    tcase_add_test(tc, stems);
    tcase_add_test(tc, templates);
    tcase_add_test(tc, temp_names);
    tcase_add_test(tc, walks_sorted_mirrored_and_safe);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(walk_suite());
}
