/*
 * captured.h - handshake messages captured on loopback with openssl
 * (s_client / s_server), shared by the TLS, TCP stream and DTLS suites.
 */
#ifndef SC_TEST_CAPTURED_H
#define SC_TEST_CAPTURED_H

#include <stdint.h>

/* TLS 1.3 ClientHello record, openssl s_client -servername example.com -alpn
 * h2,http/1.1 (317 bytes) */
extern const uint8_t ch13_record[317];

/* DTLS 1.2 datagram: ClientHello message_seq 0, no cookie (openssl s_client
 * -dtls1_2 -servername dtls.test) (223 bytes) */
extern const uint8_t dtls_ch0[223];

/* TLS 1.3 ServerHello record, the answer to ch13_record (127 bytes) */
extern const uint8_t sh13_record[127];

/* DTLS 1.2 datagram: ClientHello message_seq 1 with the cookie of the
 * HelloVerifyRequest (243 bytes) */
extern const uint8_t dtls_ch1[243];

/* DTLS 1.2 ServerHello record, the first of the server's flight (86
 * bytes) */
extern const uint8_t dtls_sh[86];

#endif
