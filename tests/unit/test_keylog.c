/*
 * test_keylog.c - libcheck suite for keylog.c: the key-log hazards of
 * reliability.md §4 and the key-log row of §5, one test case per behaviour.
 *
 * Warnings are captured through a diag callback and checked for file:line
 * and for the absence of secret material. Inputs are built in memory; the
 * file tests use temporary files, a missing path, a directory and a pipe on
 * standard input. Large inputs (10 MB line, 20 MB log) check linear work
 * under the test timeout, not speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keylog.h"
#include "secrets.h"
#include "testutil.h"

/* Client randoms and secrets: recognisable, so that a leak is easy to see. */
#define RND_A "deadbeef00112233445566778899aabbccddeeff0123456789abcdef01234567"
#define RND_B "cafebabe00112233445566778899aabbccddeeff0123456789abcdef01234567"
#define SEC_A                                                                  \
    "feedface0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567"
#define SEC_B                                                                  \
    "baadf00d0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567"
#define LINE_A "CLIENT_RANDOM " RND_A " " SEC_A
#define LINE_B "CLIENT_TRAFFIC_SECRET_0 " RND_B " " SEC_B
#define COOKIE "0123456789abcdef0123456789abcdef"
#define WGKEY "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="

/* ---- helpers ---------------------------------------------------------- */

struct capture {
    char text[32768];
    size_t len;
    int n;
};

static void
capture_warn(void *ctx, const char *msg)
{
    struct capture *c = ctx;
    int w = snprintf(c->text + c->len, sizeof(c->text) - c->len, "%s\n", msg);

    ck_assert(w >= 0 && (size_t)w < sizeof(c->text) - c->len);
    c->len += (size_t)w;
    c->n++;
}

/* No run of 16 or more hex digits and none of the test secrets. */
static void
assert_no_secret(const char *s)
{
    size_t run = 0;

    for (; *s != '\0'; s++) {
        run = strchr("0123456789abcdefABCDEF", *s) != NULL ? run + 1 : 0;
        ck_assert_msg(run < 16, "hex in message: %s", s);
    }
}

static void
assert_no_secrets(const struct capture *c, const struct sc_err *e)
{
    assert_no_secret(c->text);
    assert_no_secret(e->msg);
    ck_assert_ptr_null(strstr(c->text, "deadbeef"));
    ck_assert_ptr_null(strstr(c->text, "feedface"));
}

/* Text kept in memory up to this many bytes: the suite runs twice, with the
 * default and with 0 (every byte through the spool's temporary file). */
static size_t g_mem_max = SPOOL_MEM_DEFAULT;

struct env {
    struct keylog k;
    struct capture cap;
    struct sc_diag diag;
    struct sc_err err;
    struct keylog_opts opts;
};

static struct env *
env_new(uint32_t type)
{
    struct env *e = calloc(1, sizeof(*e));

    ck_assert_ptr_nonnull(e);
    keylog_init(&e->k, type);
    keylog_set_mem_max(&e->k, g_mem_max);
    e->diag.warn = capture_warn;
    e->diag.ctx = &e->cap;
    return e;
}

static void
env_free(struct env *e)
{
    assert_no_secrets(&e->cap, &e->err);
    keylog_free(&e->k);
    free(e);
}

static int
add_n(struct env *e, const char *name, const void *p, size_t n)
{
    sc_err_clear(&e->err);
    return keylog_add_mem(&e->k, name, p, n, &e->opts, &e->diag, &e->err);
}

static int
add(struct env *e, const char *s)
{
    return add_n(e, "keys.log", s, strlen(s));
}

/* The n bytes of text at off (malloc'd, NUL-terminated). */
static uint8_t *
text_at(const struct keylog *k, uint64_t off, size_t n)
{
    struct sc_err err = {0};
    uint8_t *t = malloc(n + 1);

    ck_assert_ptr_nonnull(t);
    ck_assert_msg(keylog_read(k, off, t, n, &err) == 0, "%s", err.msg);
    t[n] = '\0';
    return t;
}

/* The text at off is p[0..n). */
static bool
text_eq(const struct keylog *k, uint64_t off, const void *p, size_t n)
{
    uint8_t *t = text_at(k, off, n);
    bool eq = memcmp(t, p, n) == 0;

    free(t);
    return eq;
}

static void
assert_text(const struct env *e, const char *s)
{
    ck_assert_uint_eq(keylog_len(&e->k), strlen(s));
    ck_assert(text_eq(&e->k, 0, s, strlen(s)));
}

static size_t
next_chunk(const struct keylog *k, uint64_t *pos, size_t max)
{
    struct sc_err err = {0};
    size_t n;

    ck_assert_msg(keylog_next_chunk(k, pos, max, &n, &err) == 0, "%s", err.msg);
    return n;
}

/* One warning containing want. */
static void
assert_warned(const struct env *e, const char *want)
{
    ck_assert_msg(strstr(e->cap.text, want) != NULL, "no warning '%s' in:\n%s",
                  want, e->cap.text);
}

/* The single line s is rejected with exactly this warning. */
static void
assert_bad(uint32_t type, const char *s, const char *want)
{
    struct env *e = env_new(type);
    char buf[1024];

    snprintf(buf, sizeof(buf), "%s\n%s\n",
             type == SECRETS_TLS   ? LINE_A
             : type == SECRETS_SSH ? COOKIE " SHARED_SECRET 00ff"
                                   : "PRESHARED_KEY = " WGKEY,
             s);
    ck_assert_int_eq(add(e, buf), 0);
    ck_assert_uint_eq(e->k.lines_bad, 1);
    ck_assert_uint_eq(e->k.lines_kept, 1);
    ck_assert_int_eq(e->cap.n, 1);
    snprintf(buf, sizeof(buf), "keys.log:2: %s\n", want);
    ck_assert_str_eq(e->cap.text, buf);
    env_free(e);
}

static char *
write_temp(const void *p, size_t n)
{
    char *path = strdup("/tmp/test_keylog.XXXXXX");
    int fd;

    ck_assert_ptr_nonnull(path);
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(write(fd, p, n) == (ssize_t)n);
    ck_assert_int_eq(close(fd), 0);
    return path;
}

static int
add_via_file(struct env *e, const void *p, size_t n)
{
    char *path = write_temp(p, n);
    int rc;

    sc_err_clear(&e->err);
    rc = keylog_add_file(&e->k, path, &e->opts, &e->diag, &e->err);
    unlink(path);
    free(path);
    return rc;
}

/* A valid TLS log of about size bytes, unique lines, LF endings. */
static char *
gen_log(size_t size, size_t *len, size_t *lines)
{
    char *p = malloc(size + 512);
    size_t n = 0, i = 0;

    ck_assert_ptr_nonnull(p);
    while (n < size) {
        n += (size_t)sprintf(p + n, "CLIENT_RANDOM %064zx %096zx\n", i, i * 7);
        i++;
    }
    *len = n;
    *lines = i;
    return p;
}

/* ---- valid input ------------------------------------------------------ */

START_TEST(tls_valid_lf)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, LINE_A "\n" LINE_B "\n"), 0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    ck_assert(e->k.validated);
    ck_assert_uint_eq(e->k.lines_kept, 2);
    ck_assert_int_eq(e->cap.n, 0);
    env_free(e);
}
END_TEST

START_TEST(tls_upper_case_hex)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *l =
        "CLIENT_RANDOM DEADBEEF00112233445566778899AABBCCDDEEFF0123456789ABCDEF01234567 ABCDEF\n";

    ck_assert_int_eq(add(e, l), 0);
    assert_text(e, l);
    env_free(e);
}
END_TEST

START_TEST(tls_no_final_newline)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, LINE_A "\n" LINE_B), 0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    env_free(e);
}
END_TEST

START_TEST(tls_crlf)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, LINE_A "\r\n\r\nbad\r\n" LINE_B "\r\n"), 0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    ck_assert_str_eq(e->cap.text, "keys.log:3: expected 3 fields separated by "
                                  "single spaces, found 1\n");
    env_free(e);
}
END_TEST

START_TEST(tls_cr_only)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, "# c\r" LINE_A "\r\rbad\r" LINE_B "\r"), 0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    ck_assert_str_eq(e->cap.text, "keys.log:4: expected 3 fields separated by "
                                  "single spaces, found 1\n");
    ck_assert_uint_eq(e->k.lines_comment, 2);
    env_free(e);
}
END_TEST

START_TEST(tls_mixed_endings)
{
    struct env *e = env_new(SECRETS_TLS);

    /* CR, CRLF, LF, then CR CR LF = two lines (a bare CR, then CRLF). */
    ck_assert_int_eq(add(e, "#\r#\r\n#\n" LINE_A "\r\r\nbad"), 0);
    assert_text(e, LINE_A "\n");
    ck_assert_uint_eq(e->k.lines_comment, 4);
    assert_warned(e, "keys.log:6: last line has no newline");
    env_free(e);
}
END_TEST

START_TEST(tls_comments_and_blank)
{
    struct env *e = env_new(SECRETS_TLS);
    const char in[] =
        "# comment\n\n#\xff\xfe invalid UTF-8 \xc3\x28\n\n" LINE_A "\n";

    ck_assert_int_eq(add(e, in), 0);
    assert_text(e, LINE_A "\n");
    ck_assert_uint_eq(e->k.lines_comment, 4);
    ck_assert_int_eq(e->cap.n, 0);
    env_free(e);
}
END_TEST

START_TEST(tls_ech_and_unknown_labels)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *in = "ECH_SECRET " RND_A " 00\n"
                     "ECH_CONFIG " RND_A " 0011\n"
                     "FUTURE_LABEL_9 " RND_A " 00\n"
                     "PMS_CLIENT_RANDOM " RND_A " 00\n";

    ck_assert_int_eq(add(e, in), 0);
    assert_text(e, in);
    /* Only the legacy one is worth a word (tls_pms_legacy). */
    ck_assert_int_eq(e->cap.n, 1);
    env_free(e);
}
END_TEST

START_TEST(tls_rsa_legacy)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *in = "RSA 0123456789abcdef 0303aabb\n"
                     "RSA Session-ID:00ff11ee Master-Key:aabbccdd\n"
                     "RSA " RND_A " 00\n";

    ck_assert_int_eq(add(e, in), 0);
    assert_text(e, in);
    /* Kept, with one warning for the three. */
    ck_assert_int_eq(e->cap.n, 1);
    ck_assert_str_eq(e->cap.text,
                     "keys.log:1: 3 lines with a Wireshark-only legacy label "
                     "(RSA, PMS_CLIENT_RANDOM); only Wireshark uses them\n");
    env_free(e);
}
END_TEST

START_TEST(tls_pms_legacy)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *in = LINE_A "\n"
                            "PMS_CLIENT_RANDOM " RND_A " 0303aabb\n";

    ck_assert_int_eq(add(e, in), 0);
    assert_text(e, in);
    ck_assert_int_eq(e->cap.n, 1);
    ck_assert_str_eq(e->cap.text,
                     "keys.log:2: 1 line with a Wireshark-only legacy label "
                     "(RSA, PMS_CLIENT_RANDOM); only Wireshark uses them\n");
    env_free(e);
}
END_TEST

START_TEST(tls_rsa_bad)
{
    assert_bad(SECRETS_TLS, "RSA 0123456789abcd 0303",
               "client random is 14 hex digits, expected 64 (or 16 for RSA)");
    assert_bad(SECRETS_TLS, "RSA Session-ID:0 Master-Key:00",
               "RSA Session-ID has an odd number of hex digits");
    assert_bad(SECRETS_TLS,
               "RSA Session-ID:00 Master-Key:", "RSA Master-Key is empty");
    assert_bad(SECRETS_TLS, "RSA Session-ID:00 Key:00",
               "expected Master-Key: after RSA Session-ID:");
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM 0123456789abcdef 00",
               "client random is 16 hex digits, expected 64");
}
END_TEST

/* ---- bad lines -------------------------------------------------------- */

START_TEST(tls_bad_hex)
{
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM " RND_A " 0g", "secret is not hex");
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM " RND_A " abc",
               "secret has an odd number of hex digits");
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM x" RND_A " 00",
               "client random is not hex");
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM 0x12 00",
               "client random is not hex");
}
END_TEST

START_TEST(tls_random_length)
{
    assert_bad(
        SECRETS_TLS,
        "CLIENT_RANDOM 00112233445566778899aabbccddeeff0123456789abcdef0123456789abcd 00",
        "client random is 62 hex digits, expected 64");
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM " RND_A "ff 00",
               "client random is 66 hex digits, expected 64");
}
END_TEST

START_TEST(tls_field_count)
{
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM " RND_A,
               "expected 3 fields separated by single spaces, found 2");
    assert_bad(SECRETS_TLS, LINE_A " 00",
               "expected 3 fields separated by single spaces, found 4");
}
END_TEST

START_TEST(tls_whitespace)
{
    const char *f = "expected 3 fields separated by single spaces, found ";
    char want[128];

    snprintf(want, sizeof(want), "%sa tab", f);
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM\t" RND_A " 00", want);
    snprintf(want, sizeof(want), "%sa double space", f);
    assert_bad(SECRETS_TLS, "CLIENT_RANDOM  " RND_A " 00", want);
    snprintf(want, sizeof(want), "%sa leading space", f);
    assert_bad(SECRETS_TLS, " " LINE_A, want);
    snprintf(want, sizeof(want), "%sa trailing space", f);
    assert_bad(SECRETS_TLS, LINE_A " ", want);
}
END_TEST

START_TEST(tls_label)
{
    assert_bad(SECRETS_TLS, "client_random " RND_A " 00",
               "label must be upper case");
    assert_bad(SECRETS_TLS, "CLIENT-RANDOM " RND_A " 00",
               "label may only contain A-Z, 0-9 and _");
}
END_TEST

START_TEST(bad_line_numbers_crlf_cr)
{
    const char *cr = "#\r\r" LINE_B "\rX Y Z\r";
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, LINE_A "\r\n#\r\n\r\nX Y Z\r\n"), 0);
    ck_assert_int_eq(add_n(e, "cr.log", cr, strlen(cr)), 0);
    ck_assert_str_eq(e->cap.text, "keys.log:4: client random is not hex\n"
                                  "cr.log:4: client random is not hex\n");
    env_free(e);
}
END_TEST

START_TEST(bad_line_incomplete_last)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, LINE_A "\nCLIENT_RANDOM " RND_B " abc"), 0);
    ck_assert_str_eq(e->cap.text,
                     "keys.log:2: last line has no newline "
                     "(incomplete?): secret has an odd number of hex digits\n");
    env_free(e);
}
END_TEST

START_TEST(bad_lines_summary)
{
    struct env *e = env_new(SECRETS_TLS);
    char in[4096];
    size_t n = 0;
    int i;

    for (i = 0; i < 13; i++)
        n += (size_t)sprintf(in + n, "CLIENT_RANDOM %s %s1\n", RND_A, SEC_A);
    n += (size_t)sprintf(in + n, "%s\n", LINE_B);
    ck_assert_int_eq(add_n(e, "keys.log", in, n), 0);
    ck_assert_int_eq(e->cap.n, 11);
    ck_assert_uint_eq(e->k.lines_bad, 13);
    assert_warned(e, "keys.log:10: secret has an odd");
    ck_assert_ptr_null(strstr(e->cap.text, "keys.log:11:"));
    assert_warned(e, "\nkeys.log: 3 more invalid lines skipped\n");
    env_free(e);
}
END_TEST

START_TEST(messages_never_echo_secrets)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *in = "CLIENT_RANDOM " RND_A " " SEC_A "z\n"
                     "CLIENT_RANDOM " RND_A "0 " SEC_A "\n"
                     "CLIENT_RANDOM " RND_A " " SEC_A " " SEC_A "\n"
                     "client_random " RND_A " " SEC_A "\n"
                     "CLIENT_RANDOM " RND_A "  " SEC_A "\n"
                     "CLIENT_RANDOM " RND_A " " SEC_B "\n"
                     "CLIENT_RANDOM " RND_A " " SEC_A "\n";

    ck_assert_int_eq(add(e, in), 0);
    ck_assert_int_eq(e->cap.n, 6);
    env_free(e); /* asserts no hex run and no secret in the warnings */
}
END_TEST

/* ---- dedup and conflicts ---------------------------------------------- */

START_TEST(dedup_in_one_file)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, LINE_A "\n" LINE_B "\r\n" LINE_A "\r" LINE_B), 0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    ck_assert_uint_eq(e->k.lines_dup, 2);
    ck_assert_int_eq(e->cap.n, 0);
    env_free(e);
}
END_TEST

START_TEST(dedup_across_files)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add_n(e, "a.log", LINE_A "\n", strlen(LINE_A) + 1), 0);
    ck_assert_int_eq(add_n(e, "b.log", LINE_B "\r\n" LINE_A "\r\n",
                           4 + strlen(LINE_A LINE_B)),
                     0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    ck_assert_uint_eq(e->k.lines_kept, 2);
    ck_assert_uint_eq(e->k.lines_dup, 1);
    env_free(e);
}
END_TEST

START_TEST(dedup_only_duplicates_is_ok)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, LINE_A "\n"), 0);
    ck_assert_int_eq(add(e, LINE_A "\n"), 0);
    assert_text(e, LINE_A "\n");
    env_free(e);
}
END_TEST

START_TEST(conflict_warns_and_keeps_both)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *l2 = "CLIENT_RANDOM " RND_A " " SEC_B;

    ck_assert_int_eq(add_n(e, "a.log", LINE_A "\n", strlen(LINE_A) + 1), 0);
    ck_assert_int_eq(add_n(e, "b.log", l2, strlen(l2)), 0);
    ck_assert_str_eq(e->cap.text, "b.log:1: CLIENT_RANDOM for a client random "
                                  "already seen with a different secret\n");
    ck_assert_uint_eq(e->k.lines_kept, 2);
    env_free(e);
}
END_TEST

START_TEST(conflict_ignores_hex_case)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, "CLIENT_RANDOM " RND_A " abcd\n"
                            "CLIENT_RANDOM " RND_A " ABCD\n"
                            "SERVER_TRAFFIC_SECRET_0 " RND_A " 00\n"),
                     0);
    ck_assert_int_eq(e->cap.n, 0);
    ck_assert_uint_eq(e->k.lines_kept, 3);
    env_free(e);
}
END_TEST

/* ---- not a key log ---------------------------------------------------- */

static void
assert_rejected(const void *p, size_t n, const char *want)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add_n(e, "keys.log", p, n), -1);
    ck_assert_int_eq(e->err.kind, SC_ERR_DATA);
    ck_assert_str_eq(e->err.msg, want);
    ck_assert_uint_eq(keylog_len(&e->k), 0);
    ck_assert_uint_eq(e->k.lines_kept, 0);
    env_free(e);
}

START_TEST(reject_nul)
{
    const char in[] = LINE_A "\nCLIENT_RANDOM\0 " RND_B " 00\n";

    assert_rejected(in, sizeof(in) - 1,
                    "keys.log: not a key log (binary data)");
}
END_TEST

START_TEST(reject_utf16)
{
    const char le[] = "\xff\xfe"
                      "C\0L\0I\0";
    const char be[] = "\xfe\xff"
                      "\0C\0L\0I";

    assert_rejected(le, sizeof(le) - 1,
                    "keys.log: key log is UTF-16; re-save it as UTF-8");
    assert_rejected(be, sizeof(be) - 1,
                    "keys.log: key log is UTF-16; re-save it as UTF-8");
    assert_rejected("\xff\xfe", 2,
                    "keys.log: key log is UTF-16; re-save it as UTF-8");
}
END_TEST

START_TEST(utf8_bom_stripped)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(add(e, "\xef\xbb\xbf" LINE_A "\n"), 0);
    assert_text(e, LINE_A "\n");
    ck_assert_str_eq(e->cap.text, "keys.log: UTF-8 byte order mark removed\n");
    env_free(e);
}
END_TEST

START_TEST(reject_empty_and_useless)
{
    assert_rejected("", 0, "keys.log: empty file, no valid key-log line");
    assert_rejected("\xef\xbb\xbf", 3,
                    "keys.log: empty file, no valid key-log line");
    assert_rejected("# a\n# b\n", 8, "keys.log: no valid key-log line");
    assert_rejected("\n\n\r\n\r", 5, "keys.log: no valid key-log line");
    assert_rejected("x\n", 2, "keys.log: no valid key-log line");
}
END_TEST

START_TEST(reject_random_binary)
{
    uint8_t buf[4096];
    uint32_t x = 12345;
    size_t i;

    for (i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    buf[100] = 0; /* random 4 KiB has NULs; make sure */
    buf[0] = 'x';
    assert_rejected(buf, sizeof(buf), "keys.log: not a key log (binary data)");
}
END_TEST

START_TEST(reject_capture_magic)
{
    static const uint8_t m[][8] = {{0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0},
                                   {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4},
                                   {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0},
                                   {0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4},
                                   {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0},
                                   {0xa1, 0xb2, 0xcd, 0x34, 0, 2, 0, 4},
                                   {0x34, 0xcd, 0xb2, 0xa1, 2, 0, 4, 0}};
    size_t i;

    for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        assert_rejected(m[i], 8, "keys.log: is a capture file, not a key log");
    assert_rejected(
        "\x1f\x8b\x08\x00", 4,
        "keys.log: is a capture file, not a key log (gzip-compressed)");
}
END_TEST

/* ---- long lines ------------------------------------------------------- */

/* A TLS line of exactly n bytes (n >= 82), without a newline. */
static char *
line_of(size_t n)
{
    char *p = malloc(n + 2);
    size_t label = (n - 64 - 2) % 2 == 0 ? 14 : 13;

    ck_assert_ptr_nonnull(p);
    memset(p, 'A', label);
    p[label] = ' ';
    memset(p + label + 1, 'a', 64);
    p[label + 65] = ' ';
    memset(p + label + 66, 'b', n - label - 66);
    p[n] = '\0';
    return p;
}

START_TEST(line_at_cap_accepted)
{
    struct env *e = env_new(SECRETS_TLS);
    char *l = line_of(KEYLOG_MAX_LINE);

    ck_assert_int_eq(add(e, l), 0);
    ck_assert_uint_eq(keylog_len(&e->k), KEYLOG_MAX_LINE + 1);
    keylog_free(&e->k);
    keylog_init(&e->k, SECRETS_TLS);
    keylog_set_mem_max(&e->k, g_mem_max);
    ck_assert_int_eq(add_via_file(e, l, KEYLOG_MAX_LINE), 0);
    ck_assert_uint_eq(keylog_len(&e->k), KEYLOG_MAX_LINE + 1);
    free(l);
    env_free(e);
}
END_TEST

START_TEST(line_over_cap_rejected)
{
    struct env *e = env_new(SECRETS_TLS);
    char *l = line_of(KEYLOG_MAX_LINE + 1);
    char want[128];

    snprintf(want, sizeof(want), "keys.log:1: line is longer than %zu bytes\n",
             (size_t)KEYLOG_MAX_LINE);
    l[KEYLOG_MAX_LINE + 1] = '\n';
    ck_assert_int_eq(add_n(e, "keys.log", l, KEYLOG_MAX_LINE + 2), -1);
    ck_assert_str_eq(e->cap.text, want);
    e->cap.len = 0;
    e->cap.text[0] = '\0';
    ck_assert_int_eq(add_via_file(e, l, KEYLOG_MAX_LINE + 2), -1);
    ck_assert_ptr_nonnull(strstr(e->cap.text, ":1: line is longer than"));
    ck_assert_str_eq(strstr(e->err.msg, ": no valid key-log line"),
                     ": no valid key-log line");
    free(l);
    env_free(e);
}
END_TEST

START_TEST(line_10mb_no_newline)
{
    struct env *e = env_new(SECRETS_TLS);
    size_t n = (size_t)10 << 20;
    char *p = malloc(n + sizeof(LINE_B) + 1);

    ck_assert_ptr_nonnull(p);
    memset(p, 'A', n);
    ck_assert_int_eq(add_n(e, "keys.log", p, n), -1);
    ck_assert_str_eq(e->err.msg, "keys.log: no valid key-log line");
    assert_warned(
        e,
        "keys.log:1: last line has no newline (incomplete?): line is longer than");
    /* and followed by a good line, from a file (the buffered path) */
    p[n] = '\r';
    memcpy(p + n + 1, LINE_B, sizeof(LINE_B) - 1);
    ck_assert_int_eq(add_via_file(e, p, n + sizeof(LINE_B)), 0);
    assert_text(e, LINE_B "\n");
    assert_warned(e, ":1: line is longer than");
    free(p);
    env_free(e);
}
END_TEST

START_TEST(log_20mb_valid)
{
    struct env *e = env_new(SECRETS_TLS);
    size_t len, lines;
    char *p = gen_log((size_t)20 << 20, &len, &lines);

    ck_assert_int_eq(add_via_file(e, p, len), 0);
    ck_assert_uint_eq(keylog_len(&e->k), len);
    ck_assert_uint_eq(e->k.lines_kept, lines);
    ck_assert(text_eq(&e->k, 0, p, len));
    ck_assert_int_eq(add_n(e, "again", p, len), 0);
    ck_assert_uint_eq(e->k.lines_dup, lines);
    ck_assert_uint_eq(keylog_len(&e->k), len);
    free(p);
    env_free(e);
}
END_TEST

/* ---- strict mode and rollback ----------------------------------------- */

START_TEST(strict_first_bad_line_is_error)
{
    struct env *e = env_new(SECRETS_TLS);

    e->opts.strict = true;
    ck_assert_int_eq(add(e, LINE_A "\n#\r\nclient_random " RND_B " 00\nzz\n"),
                     -1);
    ck_assert_int_eq(e->err.kind, SC_ERR_DATA);
    ck_assert_str_eq(e->err.msg, "keys.log:3: label must be upper case");
    ck_assert_int_eq(e->cap.n, 0);
    ck_assert_uint_eq(keylog_len(&e->k), 0);
    ck_assert_uint_eq(e->k.lines_kept + e->k.lines_bad + e->k.lines_comment, 0);
    env_free(e);
}
END_TEST

START_TEST(rollback_restores_everything)
{
    struct env *e = env_new(SECRETS_TLS);
    static const char fail[] = "X " RND_B " 00\n" LINE_B "\n#\0";
    struct keylog before;
    size_t len, lines;
    char *big =
        gen_log(300000, &len, &lines); /* > 1024 lines: the index grows */
    uint8_t *copy;

    ck_assert_int_eq(add(e, LINE_A "\n"), 0);
    before = e->k;
    copy = text_at(&e->k, 0, keylog_len(&e->k));
    big[len - 1] = '\0'; /* binary at the very end */
    ck_assert_int_eq(add_n(e, "big.log", big, len), -1);
    ck_assert_str_eq(e->err.msg, "big.log: not a key log (binary data)");
    ck_assert_uint_eq(keylog_len(&e->k), keylog_len(&before));
    ck_assert(text_eq(&e->k, 0, copy, keylog_len(&before)));
    ck_assert_uint_eq(e->k.lines_kept, before.lines_kept);
    ck_assert_uint_eq(e->k.lines_dup, before.lines_dup);
    ck_assert_uint_eq(e->k.lines_bad, before.lines_bad);
    ck_assert_uint_eq(e->k.lines_comment, before.lines_comment);
    /* The index forgot the rolled-back lines and still knows LINE_A. */
    big[len - 1] = '\n';
    ck_assert_int_eq(add_n(e, "big.log", big, len), 0);
    ck_assert_uint_eq(e->k.lines_kept, 1 + lines);
    ck_assert_uint_eq(e->k.lines_dup, 0);
    ck_assert_int_eq(add(e, LINE_A "\n"), 0);
    ck_assert_uint_eq(e->k.lines_dup, 1);
    /* A line after the first one of a failed file is not a duplicate. */
    ck_assert_int_eq(add_n(e, "f", fail, sizeof(fail) - 1), -1);
    ck_assert_int_eq(add(e, LINE_B "\n"), 0);
    ck_assert_uint_eq(e->k.lines_kept, 2 + lines);
    free(copy);
    free(big);
    env_free(e);
}
END_TEST

START_TEST(rollback_strict_keeps_conflict_index)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *c = "CLIENT_RANDOM " RND_A " " SEC_B "\n";

    ck_assert_int_eq(add(e, LINE_A "\n"), 0);
    e->opts.strict = true;
    ck_assert_int_eq(add(e, LINE_B "\nbad\n"), -1);
    ck_assert_int_eq(add(e, c), 0);
    assert_warned(e,
                  "keys.log:1: CLIENT_RANDOM for a client random already seen");
    ck_assert_int_eq(add(e, LINE_B "\n"), 0);
    assert_text(e, LINE_A "\n"
                          "CLIENT_RANDOM " RND_A " " SEC_B "\n" LINE_B "\n");
    env_free(e);
}
END_TEST

/* ---- chunks ----------------------------------------------------------- */

START_TEST(chunks_at_line_boundaries)
{
    struct env *e = env_new(SECRETS_TLS);
    size_t len, lines, n, total = 0, max = KEYLOG_MAX_LINE + 1;
    uint64_t pos = 0;
    char *p = gen_log((size_t)3 << 20, &len, &lines);
    int chunks = 0;

    ck_assert_int_eq(add_n(e, "big.log", p, len), 0);
    while ((n = next_chunk(&e->k, &pos, max)) != 0) {
        ck_assert_uint_le(n, max);
        ck_assert(text_eq(&e->k, pos - 1, "\n", 1));
        ck_assert(text_eq(&e->k, total, p + total, n));
        total += n;
        ck_assert_uint_eq(pos, total);
        chunks++;
    }
    ck_assert_uint_eq(total, len);
    ck_assert_int_ge(chunks, 12);
    ck_assert_uint_eq(next_chunk(&e->k, &pos, max), 0);
    free(p);
    env_free(e);
}
END_TEST

START_TEST(chunks_empty)
{
    struct keylog k;
    uint64_t pos = 0;

    keylog_init(&k, SECRETS_TLS);
    ck_assert_uint_eq(next_chunk(&k, &pos, KEYLOG_MAX_LINE + 1), 0);
    keylog_free(&k);
}
END_TEST

/* ---- raw types -------------------------------------------------------- */

START_TEST(raw_verbatim)
{
    /* opcua, esp (text) and zigbee (records) are validated since issue 3:
     * see test_keylog_types.c. Unknown numbers stay verbatim. */
    static const uint32_t types[] = {0x12345678u, 0x80000001u};
    const char in[] = "\xef\xbb\xbf"
                      "a: b\r\na: b\r\n\0\x0a\x0d\x0d\x0a no newline";
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        struct env *e = env_new(types[i]);

        ck_assert(!e->k.validated);
        ck_assert_int_eq(add_n(e, "k", in, sizeof(in) - 1), 0);
        ck_assert_int_eq(add_n(e, "k", in, sizeof(in) - 1), 0);
        ck_assert_uint_eq(keylog_len(&e->k), 2 * (sizeof(in) - 1));
        ck_assert(text_eq(&e->k, 0, in, sizeof(in) - 1));
        ck_assert(text_eq(&e->k, sizeof(in) - 1, in, sizeof(in) - 1));
        ck_assert_int_eq(e->cap.n, 0);
        env_free(e);
    }
}
END_TEST

START_TEST(raw_empty_rejected)
{
    struct env *e = env_new(0x12345678u);

    ck_assert_int_eq(add_n(e, "k", "", 0), -1);
    ck_assert_int_eq(e->err.kind, SC_ERR_DATA);
    ck_assert_str_eq(e->err.msg, "k: empty file");
    ck_assert_int_eq(add_via_file(e, "", 0), -1);
    ck_assert_ptr_nonnull(strstr(e->err.msg, ": empty file"));
    ck_assert_uint_eq(keylog_len(&e->k), 0);
    env_free(e);
}
END_TEST

START_TEST(raw_file_and_chunks)
{
    struct env *e = env_new(0x12345678u);
    size_t n = 200000, i, got, total = 0;
    uint64_t pos = 0;
    uint8_t *p = malloc(n);

    ck_assert_ptr_nonnull(p);
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 31);
    ck_assert_int_eq(add_via_file(e, p, n), 0);
    ck_assert_uint_eq(keylog_len(&e->k), n);
    ck_assert(text_eq(&e->k, 0, p, n));
    while ((got = next_chunk(&e->k, &pos, 7000)) != 0) {
        ck_assert_uint_eq(got, n - total < 7000 ? n - total : 7000);
        total += got;
    }
    ck_assert_uint_eq(total, n);
    free(p);
    env_free(e);
}
END_TEST

/* ---- ssh and wg ------------------------------------------------------- */

START_TEST(ssh_valid)
{
    struct env *e = env_new(SECRETS_SSH);
    const char *in =
        COOKIE " SHARED_SECRET 00ff\n" COOKIE
               " PRIVATE_KEY AABB\n" COOKIE COOKIE " SHARED_SECRET 0011\n";

    ck_assert_int_eq(add(e, in), 0);
    assert_text(e, in);
    ck_assert_int_eq(e->cap.n, 0);
    env_free(e);
}
END_TEST

START_TEST(ssh_bad)
{
#define SSH_LEN "cookie is %d hex digits, expected an even number from 32 to 64"
    char want[128];

    snprintf(want, sizeof(want), SSH_LEN, 30);
    assert_bad(SECRETS_SSH, "0123456789abcdef0123456789abcd SHARED_SECRET 00",
               want);
    snprintf(want, sizeof(want), SSH_LEN, 33);
    assert_bad(SECRETS_SSH, COOKIE "0 SHARED_SECRET 00", want);
    snprintf(want, sizeof(want), SSH_LEN, 66);
    assert_bad(SECRETS_SSH, COOKIE COOKIE "00 SHARED_SECRET 00", want);
    assert_bad(SECRETS_SSH, COOKIE " SECRET 00",
               "second field must be SHARED_SECRET or PRIVATE_KEY");
    assert_bad(SECRETS_SSH, COOKIE " PRIVATE_KEY 0",
               "key has an odd number of hex digits");
    assert_bad(SECRETS_SSH, "x" COOKIE " PRIVATE_KEY 00", "cookie is not hex");
    assert_bad(SECRETS_SSH, COOKIE " PRIVATE_KEY\t00",
               "expected 3 fields separated by single spaces, found a tab");
}
END_TEST

START_TEST(ssh_conflict)
{
    struct env *e = env_new(SECRETS_SSH);

    ck_assert_int_eq(add(e, COOKIE " SHARED_SECRET 00ff\n" COOKIE
                                   " PRIVATE_KEY 11\n" COOKIE
                                   " SHARED_SECRET 00fe\n"),
                     0);
    ck_assert_str_eq(e->cap.text,
                     "keys.log:3: SHARED_SECRET for a cookie already "
                     "seen with a different secret\n");
    env_free(e);
}
END_TEST

START_TEST(wg_valid)
{
    struct env *e = env_new(SECRETS_WG);
    const char *in = "LOCAL_STATIC_PRIVATE_KEY = " WGKEY "\n"
                     "REMOTE_STATIC_PUBLIC_KEY=" WGKEY "\n"
                     "LOCAL_EPHEMERAL_PRIVATE_KEY   =  " WGKEY "\n"
                     "PRESHARED_KEY = " WGKEY "\n";

    ck_assert_int_eq(add(e, in), 0);
    assert_text(e, in);
    ck_assert_int_eq(e->cap.n, 0);
    env_free(e);
}
END_TEST

START_TEST(wg_bad)
{
    const char *b64 =
        "key is not base64 of 32 bytes (44 characters ending in '=')";

    assert_bad(
        SECRETS_WG, "LOCAL_STATIC_KEY = " WGKEY,
        "unknown key name (expected LOCAL_STATIC_PRIVATE_KEY, "
        "REMOTE_STATIC_PUBLIC_KEY, LOCAL_EPHEMERAL_PRIVATE_KEY or PRESHARED_KEY)");
    assert_bad(SECRETS_WG, "PRESHARED_KEY " WGKEY,
               "expected '=' after the key name");
    assert_bad(SECRETS_WG, "PRESHARED_KEY = A" WGKEY, b64);
    assert_bad(SECRETS_WG,
               "PRESHARED_KEY = AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA",
               b64);
    assert_bad(
        SECRETS_WG,
        "PRESHARED_KEY = AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHy-=", b64);
    assert_bad(SECRETS_WG, "PRESHARED_KEY = " WGKEY " ", b64);
}
END_TEST

/* ---- files ------------------------------------------------------------ */

START_TEST(file_temp)
{
    struct env *e = env_new(SECRETS_TLS);
    const char *in = "\xef\xbb\xbf" LINE_A "\r\n" LINE_B;

    ck_assert_int_eq(add_via_file(e, in, strlen(in)), 0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    ck_assert_ptr_nonnull(
        strstr(e->cap.text, ": UTF-8 byte order mark removed"));
    env_free(e);
}
END_TEST

START_TEST(file_missing)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(keylog_add_file(&e->k, "/nonexistent/keys.log", NULL,
                                     &e->diag, &e->err),
                     -1);
    ck_assert_int_eq(e->err.kind, SC_ERR_IO);
    ck_assert_str_eq(
        e->err.msg,
        "/nonexistent/keys.log: cannot open: No such file or directory");
    env_free(e);
}
END_TEST

START_TEST(file_directory)
{
    struct env *e = env_new(SECRETS_TLS);

    ck_assert_int_eq(keylog_add_file(&e->k, "/tmp", NULL, &e->diag, &e->err),
                     -1);
    ck_assert_int_eq(e->err.kind, SC_ERR_IO);
    ck_assert_str_eq(e->err.msg, "/tmp: is a directory");
    env_free(e);
}
END_TEST

START_TEST(file_read_boundaries)
{
    /* CRLF, BOM-free lines placed so that every offset of a line, including
     * between CR and LF, falls on the 64 KiB read boundary. */
    size_t shift, n, i, line = strlen(LINE_A) + 2;
    char *in = malloc(150000), *want = malloc(150000);
    size_t wn;

    ck_assert(in != NULL && want != NULL);
    for (shift = 0; shift <= line; shift++) {
        struct env *e = env_new(SECRETS_TLS);

        n = (size_t)sprintf(in, "#%*s\r\n", (int)shift, "");
        wn = 0;
        for (i = 0; n < 140000; i++) {
            n += (size_t)sprintf(in + n, "CLIENT_RANDOM %064zx %s\r\n", i,
                                 SEC_A);
            wn += (size_t)sprintf(want + wn, "CLIENT_RANDOM %064zx %s\n", i,
                                  SEC_A);
        }
        ck_assert_int_eq(add_via_file(e, in, n), 0);
        ck_assert_uint_eq(keylog_len(&e->k), wn);
        ck_assert(text_eq(&e->k, 0, want, wn));
        ck_assert_int_eq(e->cap.n, 0);
        env_free(e);
    }
    free(in);
    free(want);
}
END_TEST

START_TEST(file_stdin_pipe_trickle)
{
    static const char in[] = "\xef\xbb\xbf# c\r" LINE_A "\r\n" LINE_B "\rbad";
    struct timespec ts = {0, 200000};
    struct env *e;
    int fds[2], status;
    pid_t pid;
    size_t i;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        for (i = 0; i < sizeof(in) - 1; i++) {
            if (write(fds[1], in + i, 1) != 1)
                _exit(1);
            nanosleep(&ts, NULL);
        }
        _exit(0);
    }
    close(fds[1]);
    e = env_new(SECRETS_TLS);
    ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    ck_assert_int_eq(keylog_add_file(&e->k, "-", NULL, &e->diag, &e->err), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_text(e, LINE_A "\n" LINE_B "\n");
    ck_assert_str_eq(
        e->cap.text,
        "(stdin): UTF-8 byte order mark removed\n"
        "(stdin):4: last line has no newline (incomplete?): expected 3 "
        "fields separated by single spaces, found 1\n");
    env_free(e);
}
END_TEST

START_TEST(file_capture_rejected)
{
    struct env *e = env_new(SECRETS_TLS);
    static const uint8_t shb[] = {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0,
                                  0x4d, 0x3c, 0x2b, 0x1a, 1,    0, 0, 0};

    ck_assert_int_eq(add_via_file(e, shb, sizeof(shb)), -1);
    ck_assert_ptr_nonnull(
        strstr(e->err.msg, ": is a capture file, not a key log"));
    ck_assert_int_eq(e->err.kind, SC_ERR_DATA);
    env_free(e);
}
END_TEST

/* ---- suite ------------------------------------------------------------ */

#define ADD(s, t)                                                              \
    do {                                                                       \
        TCase *tc_ = tcase_create(#t);                                         \
        tcase_set_timeout(tc_, 120);                                           \
        tcase_add_test(tc_, t);                                                \
        suite_add_tcase(s, tc_);                                               \
    } while (0)

static Suite *
keylog_suite(const char *name)
{
    Suite *s = suite_create(name);

    ADD(s, tls_valid_lf);
    ADD(s, tls_upper_case_hex);
    ADD(s, tls_no_final_newline);
    ADD(s, tls_crlf);
    ADD(s, tls_cr_only);
    ADD(s, tls_mixed_endings);
    ADD(s, tls_comments_and_blank);
    ADD(s, tls_ech_and_unknown_labels);
    ADD(s, tls_rsa_legacy);
    ADD(s, tls_pms_legacy);
    ADD(s, tls_rsa_bad);
    ADD(s, tls_bad_hex);
    ADD(s, tls_random_length);
    ADD(s, tls_field_count);
    ADD(s, tls_whitespace);
    ADD(s, tls_label);
    ADD(s, bad_line_numbers_crlf_cr);
    ADD(s, bad_line_incomplete_last);
    ADD(s, bad_lines_summary);
    ADD(s, messages_never_echo_secrets);
    ADD(s, dedup_in_one_file);
    ADD(s, dedup_across_files);
    ADD(s, dedup_only_duplicates_is_ok);
    ADD(s, conflict_warns_and_keeps_both);
    ADD(s, conflict_ignores_hex_case);
    ADD(s, reject_nul);
    ADD(s, reject_utf16);
    ADD(s, utf8_bom_stripped);
    ADD(s, reject_empty_and_useless);
    ADD(s, reject_random_binary);
    ADD(s, reject_capture_magic);
    ADD(s, line_at_cap_accepted);
    ADD(s, line_over_cap_rejected);
    ADD(s, line_10mb_no_newline);
    ADD(s, log_20mb_valid);
    ADD(s, strict_first_bad_line_is_error);
    ADD(s, rollback_restores_everything);
    ADD(s, rollback_strict_keeps_conflict_index);
    ADD(s, chunks_at_line_boundaries);
    ADD(s, chunks_empty);
    ADD(s, raw_verbatim);
    ADD(s, raw_empty_rejected);
    ADD(s, raw_file_and_chunks);
    ADD(s, ssh_valid);
    ADD(s, ssh_bad);
    ADD(s, ssh_conflict);
    ADD(s, wg_valid);
    ADD(s, wg_bad);
    ADD(s, file_temp);
    ADD(s, file_missing);
    ADD(s, file_directory);
    ADD(s, file_read_boundaries);
    ADD(s, file_stdin_pipe_trickle);
    ADD(s, file_capture_rejected);
    return s;
}

int
main(void)
{
    int rc = tu_run(keylog_suite("keylog"));

    g_mem_max = 0;
    return tu_run(keylog_suite("keylog (text in a temporary file)")) | rc;
}
