/*
 * tls.c - ClientHello and ServerHello bodies (RFC 8446 §4.1.2-4.1.3,
 * RFC 5246 §7.4.1.2, RFC 6347 §4.2.1 for the DTLS cookie) and the record
 * plausibility tests of tls.h.
 *
 * The body is consumed through a cursor (pointer + end); every vector
 * length is checked against what is left of its parent before it is read,
 * and a vector that does not end exactly where its parent ends makes the
 * message malformed. Extensions read: server_name (RFC 6066 §3, the first
 * host_name), ALPN (RFC 7301 §3.1; also taken from a TLS 1.2 ServerHello,
 * where it is the protocol chosen), supported_versions (RFC 8446 §4.2.1).
 * GREASE values (RFC 8701 §2: 0x?A?A with equal bytes) are never chosen as
 * the version. Other extensions are skipped by their length; nothing is
 * decrypted and no key share is looked at.
 */
#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "traffic/tls.h"

#define EXT_SERVER_NAME 0
#define EXT_ALPN 16
#define EXT_SUPPORTED_VERSIONS 43

/* RFC 8446 §4.1.3: the random of a HelloRetryRequest is
 * SHA-256("HelloRetryRequest"). */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* A bounded view of the body: p moves towards end, never past it. */
struct cur {
    const uint8_t *p, *end;
};

static bool
take(struct cur *c, size_t n, const uint8_t **out)
{
    if (n > (size_t)(c->end - c->p))
        return false;
    if (out != NULL)
        *out = c->p;
    c->p += n;
    return true;
}

static bool
get8(struct cur *c, uint32_t *v)
{
    const uint8_t *q;

    if (!take(c, 1, &q))
        return false;
    *v = q[0];
    return true;
}

static bool
get16(struct cur *c, uint32_t *v)
{
    const uint8_t *q;

    if (!take(c, 2, &q))
        return false;
    *v = bo_get16(BO_BE, q);
    return true;
}

/* A sub-cursor over the next n bytes (a vector whose length was read). */
static bool
sub(struct cur *c, size_t n, struct cur *s)
{
    const uint8_t *q;

    if (!take(c, n, &q))
        return false;
    s->p = q;
    s->end = q + n;
    return true;
}

static bool
is_grease(uint32_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Rank of a version, higher is newer. DTLS numbers count down (RFC 6347
 * §4.1: 1.0 is 0xFEFF, 1.2 is 0xFEFD), so they are ranked by their
 * complement; TLS versions by their value. */
static uint32_t
version_rank(uint32_t v, bool dtls)
{
    return dtls ? 0xffffu - v : v;
}

/* Appends n bytes to the NUL-terminated string out (capacity cap), each
 * byte outside printable ASCII replaced by '?'; cut at cap - 1. */
static void
append_printable(char *out, size_t cap, const uint8_t *s, size_t n)
{
    size_t at = strlen(out), i;

    for (i = 0; i < n && at + 1 < cap; i++)
        out[at++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
    out[at] = '\0';
}

/* RFC 6066 §3: ServerNameList server_name_list<1..2^16-1>, each entry a
 * NameType and, for host_name (0), an opaque HostName<1..2^16-1>. Entries
 * of other types also start with a 16-bit length ("for backward
 * compatibility") and are skipped by it. An empty extension (a server's
 * acknowledgement) is accepted. */
static bool
parse_sni(struct cur e, struct tls_hello *h)
{
    struct cur list, name;
    uint32_t n, type;

    if (e.p == e.end)
        return true;
    if (!get16(&e, &n) || !sub(&e, n, &list) || e.p != e.end)
        return false;
    while (list.p != list.end) {
        if (!get8(&list, &type) || !get16(&list, &n) || !sub(&list, n, &name))
            return false;
        if (type == 0 && h->sni[0] == '\0')
            append_printable(h->sni, sizeof(h->sni), name.p, n);
    }
    return true;
}

/* RFC 7301 §3.1: ProtocolNameList protocol_name_list<2..2^16-1>, each
 * ProtocolName<1..2^8-1>. */
static bool
parse_alpn(struct cur e, struct tls_hello *h)
{
    struct cur list;
    const uint8_t *name;
    uint32_t n;

    if (!get16(&e, &n) || !sub(&e, n, &list) || e.p != e.end)
        return false;
    h->alpn[0] = '\0';
    while (list.p != list.end) {
        if (!get8(&list, &n) || n == 0 || !take(&list, n, &name))
            return false;
        if (h->alpn[0] != '\0')
            append_printable(h->alpn, sizeof(h->alpn), (const uint8_t *)",", 1);
        append_printable(h->alpn, sizeof(h->alpn), name, n);
    }
    return true;
}

/* RFC 8446 §4.2.1: in a ClientHello ProtocolVersion versions<2..254>, in
 * a ServerHello one selected_version. */
static bool
parse_versions(struct cur e, bool dtls, struct tls_hello *h, bool *seen)
{
    struct cur list;
    uint32_t n, v;
    bool any = false;

    if (h->type == TLS_HT_SERVER_HELLO) {
        if (!get16(&e, &v) || e.p != e.end)
            return false;
        h->version = (uint16_t)v;
        *seen = true;
        return true;
    }
    if (!get8(&e, &n) || n < 2 || n % 2 != 0 || !sub(&e, n, &list) ||
        e.p != e.end)
        return false;
    while (list.p != list.end) {
        if (!get16(&list, &v))
            return false;
        if (is_grease(v))
            continue;
        if (!any || version_rank(v, dtls) > version_rank(h->version, dtls))
            h->version = (uint16_t)v;
        any = true;
    }
    if (any)
        *seen = true;
    return true;
}

static bool
parse_extensions(struct cur *c, bool dtls, struct tls_hello *h)
{
    struct cur block, body;
    uint32_t n, type;
    bool versions = false;

    if (!get16(c, &n) || !sub(c, n, &block) || c->p != c->end)
        return false;
    while (block.p != block.end) {
        if (!get16(&block, &type) || !get16(&block, &n) ||
            !sub(&block, n, &body))
            return false;
        switch (type) {
        case EXT_SERVER_NAME:
            if (h->type == TLS_HT_CLIENT_HELLO && !parse_sni(body, h))
                return false;
            break;
        case EXT_ALPN:
            if (!parse_alpn(body, h))
                return false;
            break;
        case EXT_SUPPORTED_VERSIONS:
            if (!versions && !parse_versions(body, dtls, h, &versions))
                return false;
            break;
        default:
            break;
        }
    }
    return true;
}

int
tls_hello_parse(uint8_t type, const uint8_t *body, size_t len, bool dtls,
                struct tls_hello *h)
{
    struct cur c = {body, body + len};
    const uint8_t *random;
    uint32_t v, n;

    memset(h, 0, sizeof(*h));
    h->type = type;
    if (body == NULL ||
        (type != TLS_HT_CLIENT_HELLO && type != TLS_HT_SERVER_HELLO))
        return 0;
    if (!get16(&c, &v) || !take(&c, 32, &random))
        return 0;
    h->legacy_version = h->version = (uint16_t)v;
    memcpy(h->random, random, 32);
    /* legacy_session_id<0..32> */
    if (!get8(&c, &n) || n > 32 || !take(&c, n, NULL))
        return 0;
    if (type == TLS_HT_CLIENT_HELLO) {
        /* RFC 6347 §4.2.1: opaque cookie<0..2^8-1> */
        if (dtls && (!get8(&c, &n) || !take(&c, n, NULL)))
            return 0;
        /* cipher_suites<2..2^16-2>, legacy_compression_methods<1..2^8-1> */
        if (!get16(&c, &n) || n < 2 || n % 2 != 0 || !take(&c, n, NULL))
            return 0;
        if (!get8(&c, &n) || n < 1 || !take(&c, n, NULL))
            return 0;
    } else {
        h->hrr = memcmp(h->random, hrr_random, 32) == 0;
        if (!get16(&c, &v) || !take(&c, 1, NULL))
            return 0;
        h->cipher = (uint16_t)v;
    }
    /* RFC 5246 §7.4.1.2: a TLS 1.0-1.2 hello may end without extensions. */
    if (c.p == c.end)
        return 1;
    if (!parse_extensions(&c, dtls, h)) {
        h->sni[0] = h->alpn[0] = '\0';
        return 0;
    }
    return 1;
}

const char *
tls_version_name(uint16_t version, char *buf, size_t cap)
{
    const char *name = NULL;

    switch (version) {
    case 0x0002:
        name = "SSL 2.0";
        break;
    case 0x0300:
        name = "SSL 3.0";
        break;
    case 0x0301:
        name = "TLS 1.0";
        break;
    case 0x0302:
        name = "TLS 1.1";
        break;
    case 0x0303:
        name = "TLS 1.2";
        break;
    case 0x0304:
        name = "TLS 1.3";
        break;
    case 0xfeff:
        name = "DTLS 1.0";
        break;
    case 0xfefd:
        name = "DTLS 1.2";
        break;
    case 0xfefc:
        name = "DTLS 1.3";
        break;
    default:
        break;
    }
    if (cap == 0)
        return buf;
    if (name != NULL)
        snprintf(buf, cap, "%s", name);
    else
        snprintf(buf, cap, "0x%04x", (unsigned)version);
    return buf;
}

bool
tls_record_plausible(const uint8_t *p, size_t len)
{
    uint32_t rlen;

    if (p == NULL || len < 5)
        return false;
    rlen = bo_get16(BO_BE, p + 3);
    /* RFC 5246 §6.2.3: a record is at most 2^14 + 2048 bytes. */
    return p[0] >= 20 && p[0] <= 23 && p[1] == 3 && p[2] <= 4 && rlen >= 1 &&
           rlen <= 16384 + 2048;
}

bool
dtls_record_plausible(const uint8_t *p, size_t len)
{
    uint32_t v, rlen;

    if (p == NULL || len < 1)
        return false;
    /* RFC 9147 §4: the unified header starts with the bits 001. */
    if ((p[0] & 0xe0) == 0x20)
        return len >= 2;
    if (len < 13 || p[0] < 20 || p[0] > 25)
        return false;
    v = bo_get16(BO_BE, p + 1);
    if (v != 0xfeff && v != 0xfefd && v != 0xfefc)
        return false;
    rlen = bo_get16(BO_BE, p + 11);
    return rlen <= len - 13;
}
