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

#endif
