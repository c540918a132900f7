/*
 * test_secrets.c - libcheck suite for secrets.c: every type name, numbers
 * in hex and decimal over the full u32 range, and input that must be
 * rejected (case, empty, signs, spaces, overflow, trailing garbage).
 */
#include <string.h>

#include "secrets.h"
#include "testutil.h"

static const struct {
    const char *name;
    uint32_t type;
} known[] = {
    {"tls", SECRETS_TLS},
    {"ssh", SECRETS_SSH},
    {"wg", SECRETS_WG},
    {"opcua", SECRETS_OPCUA},
    {"esp", SECRETS_ESP},
    {"zigbee-nwk", SECRETS_ZIGBEE_NWK},
    {"zigbee-aps", SECRETS_ZIGBEE_APS},
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

static void
assert_parses(const char *s, uint32_t want, bool want_known)
{
    uint32_t type = 0xdeadbeefu;
    bool k = !want_known;

    ck_assert_msg(secrets_type_parse(s, &type, &k) == 0, "'%s' rejected", s);
    ck_assert_uint_eq(type, want);
    ck_assert_int_eq(k, want_known);
}

static void
assert_rejected(const char *s)
{
    uint32_t type = 7;
    bool k = true;

    ck_assert_msg(secrets_type_parse(s, &type, &k) == -1, "'%s' accepted", s);
}

START_TEST(every_name)
{
    size_t i;

    for (i = 0; i < NKNOWN; i++)
        assert_parses(known[i].name, known[i].type, true);
}
END_TEST

START_TEST(codes_match_spec)
{
    /* The ASCII mnemonic read big-endian (pcapng draft §DSB). */
    ck_assert_uint_eq(SECRETS_TLS, 0x544c534bu);
    ck_assert_uint_eq(SECRETS_SSH, 0x5353484bu);
    ck_assert_uint_eq(SECRETS_WG, 0x57474b4cu);
    ck_assert_uint_eq(SECRETS_OPCUA, 0x55414b4cu);
    ck_assert_uint_eq(SECRETS_ESP, 0x45535053u);
    ck_assert_uint_eq(SECRETS_ZIGBEE_NWK, 0x5a4e574bu);
    ck_assert_uint_eq(SECRETS_ZIGBEE_APS, 0x5a415053u);
}
END_TEST

START_TEST(names_case_sensitive)
{
    assert_rejected("TLS");
    assert_rejected("Tls");
    assert_rejected("ZIGBEE-NWK");
    assert_rejected("tls ");
    assert_rejected(" tls");
    assert_rejected("zigbee_nwk");
}
END_TEST

START_TEST(hex_numbers)
{
    assert_parses("0x544c534b", SECRETS_TLS, true);
    assert_parses("0X544C534B", SECRETS_TLS, true);
    assert_parses("0x00000000544c534b", SECRETS_TLS, true);
    assert_parses("0x5a415053", SECRETS_ZIGBEE_APS, true);
    assert_parses("0x12345678", 0x12345678u, false);
    assert_parses("0x0", 0, false);
    assert_parses("0xffffffff", 0xffffffffu, false);
}
END_TEST

START_TEST(decimal_numbers)
{
    assert_parses("1414288203", SECRETS_TLS, true);
    assert_parses("0", 0, false);
    assert_parses("007", 7, false);
    assert_parses("4294967295", 0xffffffffu, false);
}
END_TEST

START_TEST(bad_numbers)
{
    assert_rejected("");
    assert_rejected("0x");
    assert_rejected("0x100000000");
    assert_rejected("0x1ffffffff");
    assert_rejected("4294967296");
    assert_rejected("99999999999999999999");
    assert_rejected("-1");
    assert_rejected("+1");
    assert_rejected(" 1");
    assert_rejected("1 ");
    assert_rejected("12a");
    assert_rejected("0x12g");
    assert_rejected("0x-1");
    assert_rejected("x12");
    assert_rejected("0b101");
    assert_rejected("1e3");
    assert_rejected(NULL);
}
END_TEST

START_TEST(name_of_type)
{
    size_t i;

    for (i = 0; i < NKNOWN; i++)
        ck_assert_str_eq(secrets_type_name(known[i].type), known[i].name);
    ck_assert_ptr_null(secrets_type_name(0));
    ck_assert_ptr_null(secrets_type_name(0x12345678u));
    /* LightPcapNg's wrong ZigBee APS code is not a known type. */
    ck_assert_ptr_null(secrets_type_name(0x5a41504bu));
}
END_TEST

START_TEST(list_matches_table)
{
    char want[256] = "";
    size_t i;

    for (i = 0; i < NKNOWN; i++) {
        if (i > 0)
            strcat(want, " ");
        strcat(want, known[i].name);
    }
    ck_assert_str_eq(secrets_type_list(), want);
}
END_TEST

#define ADD(s, t)                                                              \
    do {                                                                       \
        TCase *tc_ = tcase_create(#t);                                         \
        tcase_add_test(tc_, t);                                                \
        suite_add_tcase(s, tc_);                                               \
    } while (0)

static Suite *
secrets_suite(void)
{
    Suite *s = suite_create("secrets");

    ADD(s, every_name);
    ADD(s, codes_match_spec);
    ADD(s, names_case_sensitive);
    ADD(s, hex_numbers);
    ADD(s, decimal_numbers);
    ADD(s, bad_numbers);
    ADD(s, name_of_type);
    ADD(s, list_matches_table);
    return s;
}

int
main(void)
{
    return tu_run(secrets_suite());
}
