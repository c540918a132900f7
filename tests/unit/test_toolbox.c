/*
 * test_toolbox.c - libcheck suite for the secrets toolbox modules: json.c
 * (layout, string escaping, invalid UTF-8), keylog.c's opcua, esp and
 * ZigBee validators, keylog_stats.c (labels, completeness, duplicates,
 * conflicts, no secret in any problem), secrets_extract.c (DSB walk over a
 * memory source read 1, 3 and 4096 bytes at a time; split names) and
 * capinfo.c (sections, interfaces, timestamps with if_tsresol and
 * if_tsoffset, hostile DSBs shown as data).
 */
#include <stdlib.h>
#include <string.h>

#include "capinfo.h"
#include "input.h"
#include "json.h"
#include "keylog.h"
#include "keylog_stats.h"
#include "secrets.h"
#include "secrets_extract.h"
#include "source.h"
#include "testutil.h"

#define RND_A "deadbeef00112233445566778899aabbccddeeff0123456789abcdef01234567"
#define RND_B "cafebabe00112233445566778899aabbccddeeff0123456789abcdef01234567"
#define RND_C "0badc0de00112233445566778899aabbccddeeff0123456789abcdef01234567"

/* ---- json ------------------------------------------------------------- */

START_TEST(json_layout_and_escapes)
{
    struct json j;
    const uint8_t bad[] = {'a', 0xff, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0x01, '"'};

    json_init(&j);
    json_obj_begin(&j);
    json_key(&j, "s");
    json_str(&j, "q\"b\\n\n\t\x7f");
    json_key(&j, "b");
    json_strn(&j, bad, sizeof(bad));
    json_key(&j, "e");
    json_arr_begin(&j);
    json_arr_end(&j);
    json_key(&j, "a");
    json_arr_begin(&j);
    json_u64(&j, 18446744073709551615u);
    json_i64(&j, -1);
    json_bool(&j, true);
    json_null(&j);
    json_arr_end(&j);
    json_obj_end(&j);
    json_end(&j);
    ck_assert(!json_failed(&j));
    ck_assert_str_eq(j.buf, "{\n"
                            "  \"s\": \"q\\\"b\\\\n\\n\\t\\u007f\",\n"
                            "  \"b\": \"a\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef"
                            "\xbf\xbd\xef\xbf\xbd\\u0001\\\"\",\n"
                            "  \"e\": [],\n"
                            "  \"a\": [\n"
                            "    18446744073709551615,\n"
                            "    -1,\n"
                            "    true,\n"
                            "    null\n"
                            "  ]\n"
                            "}\n");
    json_free(&j);
}
END_TEST

/* ---- validators ------------------------------------------------------- */

static int
add(struct keylog *k, const char *s, struct sc_err *err)
{
    sc_err_clear(err);
    return keylog_add_mem(k, "k", (const uint8_t *)s, strlen(s), NULL, NULL,
                          err);
}

START_TEST(opcua_lines)
{
    struct keylog k;
    struct sc_err err;
    uint8_t text[44];

    keylog_init(&k, SECRETS_OPCUA);
    ck_assert(k.validated);
    ck_assert_int_eq(add(&k,
                         "client_iv_1_1: 00AABB\r\nserver_siglen_1_1: 20\n"
                         "bad line\nx:1\nk: \nk: 12G\nclient_iv_1_1: 00AABB\n",
                         &err),
                     0);
    ck_assert_uint_eq(k.lines_kept, 2);
    ck_assert_uint_eq(k.lines_bad, 4);
    ck_assert_uint_eq(k.lines_dup, 1);
    ck_assert_uint_eq(keylog_len(&k), 44);
    ck_assert_int_eq(keylog_read(&k, 0, text, 44, &err), 0);
    ck_assert(memcmp(text, "client_iv_1_1: 00AABB\nserver_siglen_1_1: 20\n",
                     44) == 0);
    keylog_free(&k);
}
END_TEST

START_TEST(esp_rows)
{
    struct keylog k;
    struct sc_err err;

    keylog_init(&k, SECRETS_ESP);
    ck_assert_int_eq(add(&k,
                         "Protocol,Src IP,Dest IP,SPI,Encryption,Encryption "
                         "Key,Authentication,Authentication Key,SN,ESN\n"
                         "\"IPv4\",\"a\"\"b\",,,,,,,,\"\"\n"
                         "1,2,3,4,5,6,7,8,9\n"
                         "\"x,2,3,4,5,6,7,8,9,10\n"
                         "x\"y,2,3,4,5,6,7,8,9,10\n"
                         "\"x\"y,2,3,4,5,6,7,8,9,10\n",
                         &err),
                     0);
    ck_assert_uint_eq(k.lines_kept, 2);
    ck_assert_uint_eq(k.lines_bad, 4);
    keylog_free(&k);
}
END_TEST

START_TEST(zigbee_records)
{
    struct keylog k;
    struct sc_err err;
    uint8_t rec[22 * 3] = {0};
    uint64_t pos = 0;
    size_t n;

    keylog_init(&k, SECRETS_ZIGBEE_NWK);
    ck_assert(!k.validated);
    ck_assert_uint_eq(k.record, 18);
    ck_assert_int_eq(keylog_add_mem(&k, "z", rec, 36, NULL, NULL, &err), 0);
    ck_assert_int_eq(keylog_add_mem(&k, "z", rec, 35, NULL, NULL, &err), -1);
    ck_assert_str_eq(err.msg, "z: 35 bytes is not a whole number of "
                              "zigbee-nwk records (18 bytes each: 16-byte "
                              "key, 2-byte PAN ID)");
    ck_assert_uint_eq(keylog_len(&k), 36);
    /* Chunks end on record boundaries. */
    ck_assert_int_eq(keylog_next_chunk(&k, &pos, 20, &n, &err), 0);
    ck_assert_uint_eq(n, 18);
    keylog_free(&k);
    keylog_init(&k, SECRETS_ZIGBEE_APS);
    ck_assert_uint_eq(k.record, 22);
    ck_assert_int_eq(keylog_add_mem(&k, "z", rec, 66, NULL, NULL, &err), 0);
    ck_assert_int_eq(keylog_add_mem(&k, "z", rec, 18, NULL, NULL, &err), -1);
    keylog_free(&k);
}
END_TEST

/* ---- keylog_stats ----------------------------------------------------- */

START_TEST(stats_sessions_and_problems)
{
    struct keylog k;
    struct keylog_stats st;
    struct keylog_opts o = {0};
    struct sc_err err;
    const char *in = "CLIENT_HANDSHAKE_TRAFFIC_SECRET " RND_A " 0011\n"
                     "SERVER_HANDSHAKE_TRAFFIC_SECRET " RND_A " 0022\n"
                     "CLIENT_TRAFFIC_SECRET_0 " RND_A " 0033\n"
                     "SERVER_TRAFFIC_SECRET_0 " RND_A " 0044\n"
                     "CLIENT_RANDOM " RND_B " aabb\n"
                     "CLIENT_RANDOM " RND_B " AABB\n"
                     "CLIENT_RANDOM " RND_B " ccdd\n"
                     "CLIENT_RANDOM " RND_B " aabb\n"
                     "EXPORTER_SECRET " RND_C " 0055\n";
    size_t i;

    keylog_init(&k, SECRETS_TLS);
    keylog_stats_init(&st, SECRETS_TLS);
    o.on_line = keylog_stats_line;
    o.on_line_ctx = &st;
    ck_assert_int_eq(keylog_add_mem(&k, "f", (const uint8_t *)in, strlen(in),
                                    &o, NULL, &err),
                     0);
    ck_assert_int_eq(keylog_stats_finish(&st, &err), 0);
    ck_assert_uint_eq(st.lines, 9);
    ck_assert_uint_eq(st.exact_dups, 1);
    ck_assert_uint_eq(st.client_randoms, 3);
    ck_assert_uint_eq(st.tls13_complete, 1);
    ck_assert_uint_eq(st.tls12, 1);
    ck_assert_uint_eq(st.tls13_incomplete, 1);
    ck_assert_uint_eq(st.duplicates, 2);
    ck_assert_uint_eq(st.conflicts, 1);
    ck_assert_uint_eq(st.n_problems, 4);
    ck_assert_int_eq(st.problems[0].kind, KLS_DUPLICATE);
    ck_assert_uint_eq(st.problems[0].line, 6);
    ck_assert_uint_eq(st.problems[0].first_line, 5);
    ck_assert_int_eq(st.problems[1].kind, KLS_CONFLICT);
    ck_assert_uint_eq(st.problems[1].line, 7);
    ck_assert_str_eq(st.problems[1].label, "CLIENT_RANDOM");
    ck_assert_int_eq(st.problems[3].kind, KLS_INCOMPLETE);
    ck_assert_uint_eq(st.problems[3].line, 9);
    ck_assert_uint_eq(st.problems[3].missing, 0xf);
    ck_assert_uint_eq(st.n_labels, 6);
    for (i = 0; i < st.n_problems; i++)
        ck_assert_ptr_null(strstr(st.problems[i].label, "aabb"));
    keylog_stats_free(&st);
    keylog_free(&k);
}
END_TEST

/* ---- captures in memory ------------------------------------------------ */

static void
open_mem(struct input *in, const uint8_t *p, size_t n, size_t chunk)
{
    struct sc_err err;
    struct source *src = source_mem(p, n, chunk, "mem", &err);

    ck_assert_ptr_nonnull(src);
    ck_assert_int_eq(input_open_source(in, src, NULL, &err), 0);
}

static int
count_dsb(void *ctx, const struct dsb_view *d, struct sc_err *err)
{
    uint64_t *n = ctx;

    (void)err;
    ck_assert_uint_eq(d->number, *n + 1);
    (*n)++;
    return 0;
}

START_TEST(extract_walk_and_names)
{
    size_t len, c;
    uint8_t *p = tu_slurp(tu_fixture("dsb-mixed.pcapng"), &len);
    char name[64];

    for (c = 0; c < 3; c++) {
        struct input in;
        struct sc_err err;
        uint64_t n = 0, total = 0;

        open_mem(&in, p, len, tu_chunks[c]);
        ck_assert_int_eq(secrets_each_dsb(&in, count_dsb, &n, &total, &err), 0);
        ck_assert_uint_eq(n, 4);
        ck_assert_uint_eq(total, 4);
        input_close(&in);
    }
    free(p);
    ck_assert_int_eq(secrets_split_name("keys.txt", 0, name, sizeof(name)), 0);
    ck_assert_str_eq(name, "keys_00000.txt");
    ck_assert_int_eq(secrets_split_name("d.x/out", 12, name, sizeof(name)), 0);
    ck_assert_str_eq(name, "d.x/out_00012");
    ck_assert_int_eq(secrets_split_name(".hidden", 1, name, sizeof(name)), 0);
    ck_assert_str_eq(name, ".hidden_00001");
    ck_assert_int_eq(secrets_split_name("a.tar.gz", 100000, name, 64), 0);
    ck_assert_str_eq(name, "a.tar_100000.gz");
    ck_assert_int_eq(secrets_split_name("keys.txt", 0, name, 8), -1);
}
END_TEST

START_TEST(capinfo_mixed)
{
    size_t len, c;
    uint8_t *p = tu_slurp(tu_fixture("dsb-mixed-be.pcapng"), &len);
    char b[64];

    for (c = 0; c < 3; c++) {
        struct input in;
        struct capinfo ci;
        struct sc_err err;

        open_mem(&in, p, len, tu_chunks[c]);
        ck_assert_int_eq(capinfo_scan(&ci, &in, &err), 0);
        ck_assert_uint_eq(ci.n_sections, 1);
        ck_assert_int_eq(ci.sections[0].order, BO_BE);
        ck_assert_str_eq(ci.sections[0].ifaces[0].name, "eth0");
        ck_assert_uint_eq(ci.packets, 4);
        capinfo_format_ts(&ci.first, b, sizeof(b));
        ck_assert_str_eq(b, "2023-11-14T22:13:20.123456Z");
        ck_assert_uint_eq(ci.n_dsbs, 4);
        ck_assert_uint_eq(ci.dsbs[2].lines, 2);
        ck_assert_uint_eq(ci.dsbs[2].client_randoms, 2);
        ck_assert_uint_eq(ci.dsbs[3].type, 0x12345678u);
        ck_assert_ptr_null(ci.dsbs[3].problem);
        capinfo_free(&ci);
        input_close(&in);
    }
    free(p);
}
END_TEST

START_TEST(capinfo_timestamps)
{
    struct capinfo_ts t = {true, 0, 0, 0};
    char b[64];

    t.sec = 1700000000;
    t.atto = 500000000000000000u;
    t.digits = 3;
    capinfo_format_ts(&t, b, sizeof(b));
    ck_assert_str_eq(b, "2023-11-14T22:13:20.500Z");
    t.digits = 0;
    capinfo_format_ts(&t, b, sizeof(b));
    ck_assert_str_eq(b, "2023-11-14T22:13:20Z");
    t.set = false;
    capinfo_format_ts(&t, b, sizeof(b));
    ck_assert_str_eq(b, "-");
    capinfo_format_resol(0x8a, b, sizeof(b));
    ck_assert_str_eq(b, "2^-10");
    capinfo_format_resol(9, b, sizeof(b));
    ck_assert_str_eq(b, "1e-9");
}
END_TEST

START_TEST(capinfo_hostile)
{
    size_t len;
    uint8_t *p = tu_slurp(tu_fixture("dsb-binary-tls.pcapng"), &len);
    struct input in;
    struct capinfo ci;
    struct sc_err err;

    open_mem(&in, p, len, 4096);
    ck_assert_int_eq(capinfo_scan(&ci, &in, &err), 0);
    ck_assert_uint_eq(ci.n_dsbs, 3);
    ck_assert_ptr_nonnull(ci.dsbs[0].problem);
    ck_assert_str_eq(ci.dsbs[1].problem,
                     "key log is UTF-16; re-save it as UTF-8");
    ck_assert_ptr_null(ci.dsbs[2].problem);
    ck_assert_uint_eq(ci.dsbs[2].client_randoms, 1);
    capinfo_free(&ci);
    input_close(&in);
    free(p);
    p = tu_slurp(tu_fixture("dsb-5000.pcapng"), &len);
    open_mem(&in, p, len, 4096);
    ck_assert_int_eq(capinfo_scan(&ci, &in, &err), 0);
    ck_assert_uint_eq(ci.n_dsbs, 5000);
    capinfo_free(&ci);
    input_close(&in);
    free(p);
}
END_TEST

#define ADD(s, t)                                                              \
    do {                                                                       \
        TCase *tc_ = tcase_create(#t);                                         \
        tcase_set_timeout(tc_, 120);                                           \
        tcase_add_test(tc_, t);                                                \
        suite_add_tcase(s, tc_);                                               \
    } while (0)

int
main(void)
{
    Suite *s = suite_create("toolbox");

    ADD(s, json_layout_and_escapes);
    ADD(s, opcua_lines);
    ADD(s, esp_rows);
    ADD(s, zigbee_records);
    ADD(s, stats_sessions_and_problems);
    ADD(s, extract_walk_and_names);
    ADD(s, capinfo_mixed);
    ADD(s, capinfo_timestamps);
    ADD(s, capinfo_hostile);
    return tu_run(s);
}
