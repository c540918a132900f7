/*
 * byteorder.h - byte-order aware, alignment-free loads and stores.
 *
 * Every multi-byte field of a capture is read through these, so neither the
 * host's byte order nor the alignment of the buffer matters. The
 * order is chosen once per pcap file or pcapng section and passed along; no
 * other module tests "is this swapped".
 */
#ifndef SC_BYTEORDER_H
#define SC_BYTEORDER_H

#include <stdint.h>
#include <string.h>

enum byte_order { BO_LE = 0, BO_BE = 1 };

/*
 * The loads and stores go through memcpy of a host integer and a byte swap
 * when the order differs from the host's: alignment-free like the byte-wise
 * form, but compilers turn it into one load or store (plus a bswap), and
 * when the order is a constant (a loop specialised per byte order) the test
 * disappears. Hosts whose order the compiler does not announce get the
 * byte-wise form.
 */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&             \
    defined(__ORDER_BIG_ENDIAN__) &&                                           \
    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ||                              \
     __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define BO_HOST (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? BO_LE : BO_BE)

static inline uint16_t
bo_get16(enum byte_order o, const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return o == BO_HOST ? v : __builtin_bswap16(v);
}

static inline uint32_t
bo_get32(enum byte_order o, const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return o == BO_HOST ? v : __builtin_bswap32(v);
}

static inline uint64_t
bo_get64(enum byte_order o, const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return o == BO_HOST ? v : __builtin_bswap64(v);
}

static inline void
bo_put16(enum byte_order o, uint8_t *p, uint16_t v)
{
    if (o != BO_HOST)
        v = __builtin_bswap16(v);
    memcpy(p, &v, 2);
}

static inline void
bo_put32(enum byte_order o, uint8_t *p, uint32_t v)
{
    if (o != BO_HOST)
        v = __builtin_bswap32(v);
    memcpy(p, &v, 4);
}

static inline void
bo_put64(enum byte_order o, uint8_t *p, uint64_t v)
{
    if (o != BO_HOST)
        v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}

#else /* host order unknown: byte by byte */

static inline uint16_t
bo_get16(enum byte_order o, const uint8_t *p)
{
    return o == BO_LE ? (uint16_t)(p[0] | p[1] << 8)
                      : (uint16_t)(p[1] | p[0] << 8);
}

static inline uint32_t
bo_get32(enum byte_order o, const uint8_t *p)
{
    if (o == BO_LE)
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
               (uint32_t)p[3] << 24;
    return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
           (uint32_t)p[0] << 24;
}

static inline uint64_t
bo_get64(enum byte_order o, const uint8_t *p)
{
    uint64_t a = bo_get32(o, p), b = bo_get32(o, p + 4);

    return o == BO_LE ? (b << 32 | a) : (a << 32 | b);
}

static inline void
bo_put16(enum byte_order o, uint8_t *p, uint16_t v)
{
    if (o == BO_LE) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
    } else {
        p[1] = (uint8_t)v;
        p[0] = (uint8_t)(v >> 8);
    }
}

static inline void
bo_put32(enum byte_order o, uint8_t *p, uint32_t v)
{
    if (o == BO_LE) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)(v >> 24);
    } else {
        p[3] = (uint8_t)v;
        p[2] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)(v >> 16);
        p[0] = (uint8_t)(v >> 24);
    }
}

static inline void
bo_put64(enum byte_order o, uint8_t *p, uint64_t v)
{
    if (o == BO_LE) {
        bo_put32(o, p, (uint32_t)v);
        bo_put32(o, p + 4, (uint32_t)(v >> 32));
    } else {
        bo_put32(o, p, (uint32_t)(v >> 32));
        bo_put32(o, p + 4, (uint32_t)v);
    }
}

#endif

/* A 24-bit field (TLS and DTLS handshake lengths and offsets, RFC 8446
 * §4, RFC 6347 §4.2.2), in the low 24 bits of the result. Byte-wise on
 * every host: there is no 3-byte integer to load. */
static inline uint32_t
bo_get24(enum byte_order o, const uint8_t *p)
{
    if (o == BO_LE)
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (uint32_t)p[2] | (uint32_t)p[1] << 8 | (uint32_t)p[0] << 16;
}

/* Rounds a length up to the next multiple of 4 in 64 bits (cannot wrap for
 * any 32-bit input). */
static inline uint64_t
pad4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

#endif
