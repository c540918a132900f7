/*
 * secrets.h - Decryption Secrets Block secrets types (pcapng draft §DSB,
 * Wireshark secrets-types.h) and their names.
 */
#ifndef SC_SECRETS_H
#define SC_SECRETS_H

#include <stdbool.h>
#include <stdint.h>

#define SECRETS_TLS 0x544c534bu        /* TLSK */
#define SECRETS_SSH 0x5353484bu        /* SSHK */
#define SECRETS_WG 0x57474b4cu         /* WGKL */
#define SECRETS_OPCUA 0x55414b4cu      /* UAKL */
#define SECRETS_ESP 0x45535053u        /* ESPS */
#define SECRETS_ZIGBEE_NWK 0x5a4e574bu /* ZNWK */
#define SECRETS_ZIGBEE_APS 0x5a415053u /* ZAPS */

/* Parses a type name ("tls", "ssh", "wg", "opcua", "esp", "zigbee-nwk",
 * "zigbee-aps"; case-sensitive like editcap) or a number ("0x544c534b",
 * decimal also accepted). Returns 0 and sets *type, *known; -1 if neither. */
int secrets_type_parse(const char *s, uint32_t *type, bool *known);

/* "tls", ..., or NULL for an unknown type. */
const char *secrets_type_name(uint32_t type);

/* Space-separated list of the known names (for help and errors). */
const char *secrets_type_list(void);

#endif
