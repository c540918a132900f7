/*
 * dtls.h - DTLS ClientHello and ServerHello from datagrams (RFC 6347 §4.1
 * and §4.2.3, RFC 9147 §4 and §5.5).
 *
 * dtls_datagram() walks the records of one datagram (several records may
 * share it; DTLS 1.3 unified-header records carry only encrypted data and
 * are skipped), takes the plaintext handshake records of epoch 0 and joins
 * the fragments of each ClientHello (type 1) or ServerHello (type 2) by
 * message_seq, fragment_offset and fragment_length, in any order and with
 * repeats. A ClientHello sent again after a HelloVerifyRequest (DTLS 1.0/1.2)
 * or a HelloRetryRequest (1.3) is a second message: the callback sees it
 * too (its random is the same, RFC 6347 §4.2.1).
 *
 * Memory: at most DTLS_MAX_PENDING messages in reassembly per direction,
 * each at most TLS_HELLO_MAX bytes, allocated when their first fragment
 * arrives.
 */
#ifndef SC_TRAFFIC_DTLS_H
#define SC_TRAFFIC_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traffic/tls.h"

#define DTLS_MAX_PENDING 4

struct dtls_asm; /* one direction of one DTLS association */

struct dtls_asm *dtls_asm_new(void);
void dtls_asm_free(struct dtls_asm *a);

/* Called with each complete ClientHello or ServerHello: type, body (after
 * the 12-byte DTLS handshake header) and length, valid during the call. */
typedef void (*dtls_msg_fn)(void *ctx, uint8_t type, const uint8_t *body,
                            size_t len);

/* Feeds one datagram. Returns the number of DTLS records recognised (0:
 * this datagram is not DTLS). */
int dtls_datagram(struct dtls_asm *a, const uint8_t *p, size_t len,
                  dtls_msg_fn fn, void *ctx);

size_t dtls_asm_memory(const struct dtls_asm *a);

#endif
