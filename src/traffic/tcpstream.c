/*
 * tcpstream.c - the first handshake message of one TCP direction (see
 * tcpstream.h): segment placement by sequence number, the plaintext
 * (STARTTLS) search, and the joining of handshake fragments across TLS
 * records (RFC 8446 §5.1, RFC 5246 §6.2.1).
 *
 * Placement: a segment's offset is seq - base modulo 2^32 (RFC 9293
 * §3.4 sequence arithmetic); a segment that starts before the base is cut
 * to it, one that starts 2^31 or more before it or at or beyond the window
 * is ignored, and one that runs past the window is cut at its end. The
 * filled ranges are kept sorted and merged; when a segment would need a
 * ninth disjoint range it is dropped (TCP sends it again, and a capture
 * that lost it could not complete the message anyway). Bytes of the
 * parsed prefix are written once (first copy wins): the parser compacts
 * the payloads of the records it has consumed in place, and a retransmit
 * must not overwrite them. The buffer grows in 4 KiB steps up to the
 * window, so a flow that sends little holds little.
 *
 * Finding the first record: without a SYN the base is the first segment
 * that starts a TLS handshake record holding the wanted message type (a
 * segment of the message that comes before it is lost: without a SYN it
 * cannot be placed), so stream byte 0 is always 0x16. With a SYN a stream
 * that starts with 0x16 must be TLS at once; any other first byte starts a
 * plaintext prelude: printable ASCII (SMTP, IMAP, POP3, FTP, XMPP, the
 * MySQL SSLRequest's length byte 0x20), 0x00 (the PostgreSQL SSLRequest
 * 00 00 00 08 04 d2 16 2f and the server's 'S' after it is text), 0x30 (an
 * LDAP BER message such as the StartTLS ExtendedRequest) or 0x03 (a TPKT,
 * RDP's X.224 negotiation). Any other first byte fails the stream. The
 * prelude's content is not checked further; the search for a record header
 * `16 03 0x LL LL` whose handshake header is the wanted type with a
 * consistent 24-bit length and version is the test. An SSLv2-compatible
 * ClientHello (RFC 5246 Appendix E.2) at stream byte 0 is turned into the
 * equivalent TLS ClientHello body (challenge left-padded with zeros as the
 * random, the cipher specs of the form 00 XX YY as cipher suites, no
 * extensions).
 *
 * Not done: anything after the first message, TCP options, urgent data,
 * or a SYN that carries data (the caller adds that data at isn + 1).
 */
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "traffic/ranges.h"
#include "traffic/tcpstream.h"
#include "traffic/tls.h"

#define TLS_CT_HANDSHAKE 22
#define RECORD_MAX (16384 + 2048) /* RFC 5246 §6.2.3 TLSCiphertext */
#define GROW_STEP 4096
#define NRANGES 8

static void
fail(struct tcpstream *s)
{
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
    s->n_ranges = 0;
    s->contiguous = 0;
    s->state = TCPS_FAILED;
}

void
tcpstream_init(struct tcpstream *s, uint8_t want_type)
{
    memset(s, 0, sizeof(*s));
    s->want = want_type;
    s->state = TCPS_WAIT;
}

void
tcpstream_syn(struct tcpstream *s, uint32_t isn)
{
    if (s->state != TCPS_WAIT || s->buf != NULL)
        return;
    s->base = isn + 1;
    s->have_base = true;
}

/* True when a TLS record header at p (n bytes available) is a handshake
 * record whose first handshake byte is the wanted type. */
static bool
starts_record(const uint8_t *p, size_t n, uint8_t want)
{
    if (n < 6 || p[0] != TLS_CT_HANDSHAKE || p[1] != 3 || p[2] > 4)
        return false;
    if (bo_get16(BO_BE, p + 3) < 1 || bo_get16(BO_BE, p + 3) > RECORD_MAX ||
        p[5] != want)
        return false;
    /* The hello's own version, when the segment and the record show it. */
    return n < 11 || bo_get16(BO_BE, p + 3) < 6 || (p[9] == 3 && p[10] <= 4);
}

/* An SSLv2-compatible ClientHello header (RFC 5246 Appendix E.2):
 * msg_length with the high bit set, msg_type 1, version 0x0002 or 3.x. */
static bool
starts_sslv2(const uint8_t *p, size_t n)
{
    return n >= 5 && (p[0] & 0x80) != 0 && p[2] == TLS_HT_CLIENT_HELLO &&
           ((p[3] == 3 && p[4] <= 4) || (p[3] == 0 && p[4] == 2));
}

/* Record header candidate at stream offset i of the plaintext search,
 * needing 11 bytes: the record header, the handshake header and the
 * hello's version. The 24-bit message length must either fit in the
 * record or, for a message that spans records, come with a record of at
 * least 512 bytes (the smallest max_fragment_length, RFC 6066 §4). */
static bool
candidate(const uint8_t *p, uint8_t want)
{
    uint32_t rlen = bo_get16(BO_BE, p + 3), mlen = bo_get24(BO_BE, p + 6);

    if (p[0] != TLS_CT_HANDSHAKE || p[1] != 3 || p[2] > 4 || p[5] != want)
        return false;
    if (rlen < 4 || rlen > RECORD_MAX || mlen > TLS_HELLO_MAX)
        return false;
    if (mlen + 4 > rlen && rlen < 512)
        return false;
    return p[9] == 3 && p[10] <= 4;
}

static bool
prelude_ok(uint8_t b)
{
    return (b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n' || b == '\t' ||
           b == 0x00 || b == 0x30 || b == 0x03;
}

/* Grows the buffer to hold at least need bytes (need <= the window). */
static bool
grow(struct tcpstream *s, uint32_t need)
{
    uint64_t cap;
    uint8_t *nb;

    if (need <= s->cap)
        return true;
    cap = ((uint64_t)need + GROW_STEP - 1) / GROW_STEP * GROW_STEP;
    if (cap < (uint64_t)s->cap * 2)
        cap = (uint64_t)s->cap * 2;
    if (cap > TCPSTREAM_WINDOW)
        cap = TCPSTREAM_WINDOW;
    nb = realloc(s->buf, (size_t)cap);
    if (nb == NULL)
        return false;
    s->buf = nb;
    s->cap = (uint32_t)cap;
    return true;
}

/* Merges [a, b) into the ranges (see traffic/ranges.h) and updates
 * contiguous. False, with nothing changed, when the result would need more
 * than NRANGES ranges. */
static bool
merge_range(struct tcpstream *s, uint32_t a, uint32_t b)
{
    unsigned n = s->n_ranges;

    if (!ranges_add(s->ranges, &n, NRANGES, a, b))
        return false;
    s->n_ranges = (uint8_t)n;
    s->contiguous = s->ranges[0][0] == 0 ? s->ranges[0][1] : 0;
    return true;
}

/* DONE: move the message body to the start of the buffer and give back
 * the rest. */
static void
finish(struct tcpstream *s, uint32_t body_off, uint32_t body_len)
{
    uint8_t *nb;

    memmove(s->buf, s->buf + body_off, body_len);
    s->msg_off = 0;
    s->msg_len = body_len;
    if (body_len > 0 && body_len < s->cap) {
        nb = realloc(s->buf, body_len);
        if (nb != NULL) {
            s->buf = nb;
            s->cap = body_len;
        }
    }
    s->state = TCPS_DONE;
}

/* Byte k of the handshake message: the first msg_len bytes are gathered
 * at msg_off, the rest are in the record payload at scanned + 5. */
static uint8_t
msg_byte(const struct tcpstream *s, uint32_t k)
{
    if (k < s->msg_len)
        return s->buf[s->msg_off + k];
    return s->buf[s->scanned + 5 + (k - s->msg_len)];
}

/* SSLv2-compatible ClientHello at stream byte 0: builds the TLS body
 * after the record. */
static void
parse_sslv2(struct tcpstream *s)
{
    const uint8_t *p = s->buf;
    uint32_t rlen, cs, sid, chal, n = 0, i, out, blen;
    uint8_t *q;

    if (s->contiguous < 2)
        return;
    rlen = bo_get16(BO_BE, p) & 0x7fff;
    if (rlen < 9) {
        fail(s);
        return;
    }
    if (s->contiguous < 2 + rlen)
        return;
    cs = bo_get16(BO_BE, p + 5);
    sid = bo_get16(BO_BE, p + 7);
    chal = bo_get16(BO_BE, p + 9);
    if ((uint64_t)9 + cs + sid + chal != rlen || cs == 0 || cs % 3 != 0 ||
        sid > 32 || chal < 16 || chal > 32) {
        fail(s);
        return;
    }
    for (i = 0; i < cs; i += 3)
        n += p[11 + i] == 0;
    if (n == 0) {
        fail(s);
        return;
    }
    out = 2 + rlen;
    blen = 2 + 32 + 1 + 2 + 2 * n + 2;
    if (!grow(s, out + blen)) {
        fail(s);
        return;
    }
    p = s->buf;
    q = s->buf + out;
    q[0] = p[3];
    q[1] = p[4];
    memset(q + 2, 0, 32 - chal);
    memcpy(q + 2 + 32 - chal, p + 11 + cs + sid, chal);
    q[34] = 0; /* session_id */
    q[35] = (uint8_t)(2 * n >> 8);
    q[36] = (uint8_t)(2 * n);
    q += 37;
    for (i = 0; i < cs; i += 3) {
        if (p[11 + i] == 0) {
            *q++ = p[11 + i + 1];
            *q++ = p[11 + i + 2];
        }
    }
    *q++ = 1; /* compression_methods: null */
    *q++ = 0;
    finish(s, out, blen);
}

/* Locates the first record (msg_off becomes its payload offset). */
static void
find_first(struct tcpstream *s)
{
    uint32_t i;

    if (s->scanned == 0) {
        if (s->contiguous < 1)
            return;
        if (s->buf[0] == TLS_CT_HANDSHAKE) {
            if (s->contiguous < 6)
                return;
            if (!starts_record(s->buf, s->contiguous, s->want)) {
                fail(s);
                return;
            }
            s->msg_off = 5;
            return;
        }
        if ((s->buf[0] & 0x80) != 0 && s->want == TLS_HT_CLIENT_HELLO) {
            if (s->contiguous < 5)
                return;
            if (starts_sslv2(s->buf, s->contiguous))
                parse_sslv2(s);
            else
                fail(s);
            return;
        }
        if (!prelude_ok(s->buf[0])) {
            fail(s);
            return;
        }
    }
    for (i = s->scanned; i <= TCPSTREAM_PLAIN_MAX; i++) {
        if (s->contiguous < 11 || i > s->contiguous - 11) {
            s->scanned = i;
            return;
        }
        if (s->buf[i] == TLS_CT_HANDSHAKE && candidate(s->buf + i, s->want)) {
            s->scanned = i;
            s->msg_off = i + 5;
            return;
        }
    }
    fail(s);
}

/* Parses the records of the contiguous prefix from scanned on. */
static void
parse(struct tcpstream *s)
{
    const uint8_t *r;
    uint32_t rlen, avail, total, mlen, need;

    if (s->msg_off == 0) {
        find_first(s);
        if (s->state != TCPS_WAIT || s->msg_off == 0)
            return;
    }
    for (;;) {
        if ((uint64_t)s->scanned + 5 > TCPSTREAM_WINDOW) {
            fail(s);
            return;
        }
        if (s->contiguous < s->scanned + 5)
            return;
        r = s->buf + s->scanned;
        rlen = bo_get16(BO_BE, r + 3);
        /* RFC 8446 §5.1: the fragments of a handshake message are not
         * interleaved with records of another type. */
        if (r[0] != TLS_CT_HANDSHAKE || r[1] != 3 || r[2] > 4 ||
            rlen > RECORD_MAX ||
            (uint64_t)s->scanned + 5 + rlen > TCPSTREAM_WINDOW) {
            fail(s);
            return;
        }
        avail = s->contiguous - (s->scanned + 5);
        if (avail > rlen)
            avail = rlen;
        total = s->msg_len + avail;
        if (s->msg_len == 0 && avail >= 1 && msg_byte(s, 0) != s->want) {
            fail(s);
            return;
        }
        if (total >= 4) {
            mlen = (uint32_t)msg_byte(s, 1) << 16 |
                   (uint32_t)msg_byte(s, 2) << 8 | msg_byte(s, 3);
            if (mlen > TLS_HELLO_MAX) {
                fail(s);
                return;
            }
            if (total >= 4 + mlen) {
                need = 4 + mlen - s->msg_len;
                memmove(s->buf + s->msg_off + s->msg_len,
                        s->buf + s->scanned + 5, need);
                finish(s, s->msg_off + 4, mlen);
                return;
            }
        }
        if (avail < rlen)
            return;
        memmove(s->buf + s->msg_off + s->msg_len, s->buf + s->scanned + 5,
                rlen);
        s->msg_len += rlen;
        s->scanned += 5 + rlen;
    }
}

enum tcps_state
tcpstream_add(struct tcpstream *s, uint32_t seq, const uint8_t *p, size_t len)
{
    uint32_t off, back, end, from;

    if (s->state != TCPS_WAIT || p == NULL || len == 0)
        return (enum tcps_state)s->state;
    if (!s->have_base) {
        if (!starts_record(p, len, s->want) &&
            !(s->want == TLS_HT_CLIENT_HELLO && starts_sslv2(p, len)))
            return TCPS_WAIT;
        s->base = seq;
        s->have_base = true;
    }
    off = seq - s->base;
    if (off >= 0x80000000u) {
        /* starts before the base: keep the part from the base on */
        back = s->base - seq;
        if (back >= len)
            return TCPS_WAIT;
        p += back;
        len -= back;
        off = 0;
    }
    if (off >= TCPSTREAM_WINDOW)
        return TCPS_WAIT;
    if (len > TCPSTREAM_WINDOW - off)
        len = TCPSTREAM_WINDOW - off;
    end = off + (uint32_t)len;
    if (!merge_range(s, off, end))
        return TCPS_WAIT;
    if (!grow(s, s->ranges[s->n_ranges - 1][1])) {
        fail(s);
        return TCPS_FAILED;
    }
    /* Below the parse position the records are consumed and their
     * payloads compacted in place: first copy wins there. */
    from = off;
    if (s->msg_off != 0 && from < s->scanned)
        from = s->scanned;
    if (from < end)
        memcpy(s->buf + from, p + (from - off), end - from);
    parse(s);
    return (enum tcps_state)s->state;
}

const uint8_t *
tcpstream_message(const struct tcpstream *s, size_t *len)
{
    if (s->state != TCPS_DONE) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = s->msg_len;
    /* A zero-length body has no buffer behind it; any non-NULL pointer
     * will do. */
    return s->buf != NULL ? s->buf + s->msg_off : (const uint8_t *)s;
}

size_t
tcpstream_memory(const struct tcpstream *s)
{
    return s->cap;
}

void
tcpstream_free(struct tcpstream *s)
{
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
}
