/*
 * tcpstream.h - the first handshake message of one direction of a TCP
 * connection: the ClientHello sent by the client, or the ServerHello sent
 * by the server.
 *
 * Segments are placed by sequence number into a window that starts at the
 * first byte of the stream (the SYN's sequence number + 1, or without a SYN
 * the first segment that starts a TLS handshake record), whether they come
 * in order, out of order, retransmitted or overlapping; the TLS records of
 * the contiguous prefix are parsed and the fragments of the handshake
 * message joined across records and segments (RFC 8446 §5.1: a handshake
 * message may span records). A plaintext exchange before the first TLS
 * record (STARTTLS in SMTP, IMAP, POP3, FTP, LDAP, XMPP, the PostgreSQL
 * SSLRequest, ...) is skipped: the stream is searched, up to
 * TCPSTREAM_PLAIN_MAX bytes in, for a record header that starts the wanted
 * handshake message. The window is at most TCPSTREAM_WINDOW bytes; the
 * buffer is allocated on the first segment with data and freed by
 * tcpstream_free (or when the stream is done or failed, see below).
 *
 * States: TCPS_WAIT (more data needed), TCPS_DONE (the message is
 * complete: tcpstream_message), TCPS_FAILED (this direction is not TLS, or
 * the message cannot be completed within the window). Once DONE or FAILED
 * further segments are ignored; FAILED frees the buffer at once.
 */
#ifndef SC_TRAFFIC_TCPSTREAM_H
#define SC_TRAFFIC_TCPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCPSTREAM_PLAIN_MAX 16384 /* plaintext skipped before TLS at most */
#define TCPSTREAM_WINDOW (TCPSTREAM_PLAIN_MAX + 70000)

enum tcps_state { TCPS_WAIT = 0, TCPS_DONE, TCPS_FAILED };

struct tcpstream {
    uint8_t want;   /* handshake type wanted (1 or 2) */
    uint8_t state;  /* enum tcps_state */
    bool have_base; /* base is known */
    uint32_t base;  /* sequence number of stream byte 0 */
    uint8_t *buf;   /* window (up to TCPSTREAM_WINDOW bytes), or NULL */
    /* private: filled ranges, record parsing position, message */
    uint32_t ranges[8][2];
    uint8_t n_ranges;
    uint32_t contiguous;       /* bytes of the stream known from byte 0 */
    uint32_t msg_off, msg_len; /* the message body, when DONE */
    uint32_t scanned;          /* parse position */
    uint32_t cap; /* bytes allocated at buf (grows to the window) */
};

void tcpstream_init(struct tcpstream *s, uint8_t want_type);

/* A SYN (or SYN-ACK) with sequence number isn: the stream starts at
 * isn + 1. Ignored after the first data. */
void tcpstream_syn(struct tcpstream *s, uint32_t isn);

/* Adds a segment with sequence number seq and len bytes of data. Returns
 * the state afterwards. Allocation failure gives TCPS_FAILED. */
enum tcps_state tcpstream_add(struct tcpstream *s, uint32_t seq,
                              const uint8_t *p, size_t len);

/* When DONE: the handshake message body (after its 4-byte header) and its
 * length; valid until tcpstream_free. NULL otherwise. */
const uint8_t *tcpstream_message(const struct tcpstream *s, size_t *len);

/* Bytes of memory this stream holds (for the session table's budget). */
size_t tcpstream_memory(const struct tcpstream *s);

void tcpstream_free(struct tcpstream *s);

#endif
