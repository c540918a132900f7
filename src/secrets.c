/*
 * secrets.c - the Decryption Secrets Block secrets types (pcapng draft-06
 * §DSB, Wireshark secrets-types.h): the table of known types, their names,
 * and parsing of a type given on the command line as a name or a number.
 *
 * Names are case-sensitive, as in editcap. Numbers are "0x" hex or decimal
 * over the full u32 range; anything else (signs, spaces, empty, overflow,
 * trailing characters) is rejected. This file knows nothing about the
 * payload of each type: see keylog.c.
 */
#include "secrets.h"

#include <stddef.h>
#include <string.h>

struct secrets_type {
    const char *name;
    uint32_t type;
};

static const struct secrets_type secrets_types[] = {
    {"tls", SECRETS_TLS},
    {"ssh", SECRETS_SSH},
    {"wg", SECRETS_WG},
    {"opcua", SECRETS_OPCUA},
    {"esp", SECRETS_ESP},
    {"zigbee-nwk", SECRETS_ZIGBEE_NWK},
    {"zigbee-aps", SECRETS_ZIGBEE_APS},
};

#define SECRETS_NTYPES (sizeof(secrets_types) / sizeof(secrets_types[0]))

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses s as an unsigned number in the given base (10 or 16) that fits in
 * 32 bits. Every character must be a digit and there must be one. */
static int
parse_u32(const char *s, unsigned base, uint32_t *out)
{
    uint32_t v = 0;
    int d;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        d = base == 16 ? hex_digit(*s)
                       : (*s >= '0' && *s <= '9' ? *s - '0' : -1);
        if (d < 0)
            return -1;
        if (v > (UINT32_MAX - (uint32_t)d) / base)
            return -1;
        v = v * base + (uint32_t)d;
    }
    *out = v;
    return 0;
}

int
secrets_type_parse(const char *s, uint32_t *type, bool *known)
{
    uint32_t v;
    size_t i;
    int rc;

    if (s == NULL)
        return -1;
    for (i = 0; i < SECRETS_NTYPES; i++) {
        if (strcmp(s, secrets_types[i].name) == 0) {
            *type = secrets_types[i].type;
            *known = true;
            return 0;
        }
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        rc = parse_u32(s + 2, 16, &v);
    else
        rc = parse_u32(s, 10, &v);
    if (rc != 0)
        return -1;
    *type = v;
    *known = secrets_type_name(v) != NULL;
    return 0;
}

const char *
secrets_type_name(uint32_t type)
{
    size_t i;

    for (i = 0; i < SECRETS_NTYPES; i++) {
        if (secrets_types[i].type == type)
            return secrets_types[i].name;
    }
    return NULL;
}

const char *
secrets_type_list(void)
{
    /* Kept in the order of secrets_types[]; test_secrets checks that. */
    return "tls ssh wg opcua esp zigbee-nwk zigbee-aps";
}
