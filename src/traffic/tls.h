/*
 * tls.h - the facts secretcap needs from a TLS or DTLS ClientHello or
 * ServerHello handshake message body (RFC 8446 §4.1.2-4.1.3, RFC 5246
 * §7.4.1.2, RFC 6347 §4.2.1 for the DTLS cookie, RFC 9147), and plausibility
 * tests for TLS and DTLS records.
 *
 * Extensions read: server_name (RFC 6066, host_name), ALPN (RFC 7301),
 * supported_versions (RFC 8446 §4.2.1). GREASE values (RFC 8701) are
 * ignored when choosing the highest version. Every length is checked
 * against its enclosing vector; a body whose vectors do not add up is
 * malformed. A truncated or odd extension block makes the message malformed
 * too, except that the random (which comes first) is kept.
 */
#ifndef SC_TRAFFIC_TLS_H
#define SC_TRAFFIC_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLS_HT_CLIENT_HELLO 1
#define TLS_HT_SERVER_HELLO 2

#define TLS_SNI_MAX 255
#define TLS_ALPN_MAX 255

/* Largest handshake message secretcap reassembles (a ClientHello with
 * post-quantum key shares is 1.5-2 KiB; 64 KiB covers any real one). */
#define TLS_HELLO_MAX 65536

struct tls_hello {
    uint8_t type;            /* TLS_HT_CLIENT_HELLO or TLS_HT_SERVER_HELLO */
    uint16_t legacy_version; /* the version field of the message */
    /* ClientHello: the highest version offered (supported_versions, else
     * legacy_version); ServerHello: the version chosen (supported_versions,
     * else legacy_version). TLS: 0x0300..0x0304; DTLS: 0xFEFF (1.0),
     * 0xFEFD (1.2), 0xFEFC (1.3). */
    uint16_t version;
    uint8_t random[32];
    bool hrr;        /* ServerHello that is a HelloRetryRequest */
    uint16_t cipher; /* ServerHello: the cipher suite chosen */
    /* ClientHello: the host_name, NUL-terminated ("" when absent); bytes
     * outside printable ASCII are replaced by '?'; cut at TLS_SNI_MAX. */
    char sni[TLS_SNI_MAX + 1];
    /* ClientHello: the ALPN protocol names joined by ','; same rules. */
    char alpn[TLS_ALPN_MAX + 1];
};

/* Parses the body (after the 4-byte TLS or 12-byte DTLS handshake header)
 * of a handshake message of the given type (1 or 2); dtls selects the DTLS
 * ClientHello layout (with the cookie). 1 with *h filled, 0 when malformed
 * (h->random may still be set: see above). */
int tls_hello_parse(uint8_t type, const uint8_t *body, size_t len, bool dtls,
                    struct tls_hello *h);

/* "TLS 1.3", "TLS 1.0", "SSL 3.0", "DTLS 1.2", or "0x7f1d" for others,
 * written to buf (cap >= 16); returns buf. */
const char *tls_version_name(uint16_t version, char *buf, size_t cap);

/* True when p (len bytes, len >= 5 needed) starts with a plausible TLS
 * record header: content type 20-23, version 0x0300-0x0304, length
 * 1..2^14+2048. */
bool tls_record_plausible(const uint8_t *p, size_t len);

/* True when the datagram p starts with a plausible DTLS record: the
 * 13-byte DTLS 1.0/1.2 header (content type 20-25, version 0xFEFF, 0xFEFD
 * or 0xFEFC, length fits the datagram) or a DTLS 1.3 unified header
 * (RFC 9147 §4: first bits 001). */
bool dtls_record_plausible(const uint8_t *p, size_t len);

#endif
