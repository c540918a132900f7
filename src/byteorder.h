/*
 * byteorder.h - byte-order aware, alignment-free loads and stores.
 *
 * Every multi-byte field of a capture is read through these, byte by byte, so
 * neither the host's byte order nor the alignment of the buffer matters. The
 * order is chosen once per pcap file or pcapng section and passed along; no
 * other module tests "is this swapped".
 */
#ifndef SC_BYTEORDER_H
#define SC_BYTEORDER_H

#include <stdint.h>

enum byte_order { BO_LE = 0, BO_BE = 1 };

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

/* Rounds a length up to the next multiple of 4 in 64 bits (cannot wrap for
 * any 32-bit input). */
static inline uint64_t
pad4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

#endif
