/*
 * pcapng_write.h - building the pcapng blocks secretcap writes itself.
 *
 * Builders write one complete block (or a block header) into a caller
 * buffer in the given byte order and return the number of bytes written.
 * They never allocate and never do I/O. Pass-through blocks are never
 * re-encoded; only the SHB of pcapng input is patched (pcapng_shb_patch).
 *
 * Every block written carries opt_endofopt after its options; padding is
 * zero; the trailing length equals the leading one.
 */
#ifndef SC_PCAPNG_WRITE_H
#define SC_PCAPNG_WRITE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "byteorder.h"
#include "pcapng.h"

/* SHB v1.0, section length -1, with shb_userappl = userappl (may be NULL
 * for none). Needs PCAPNG_SHB_MAX bytes at most for a userappl of up to
 * 256 bytes (longer ones are truncated). */
#define PCAPNG_SHB_MAX 320
size_t pcapng_build_shb(uint8_t *buf, enum byte_order o, const char *userappl);

/* IDB with link type and snaplen; if_tsresol when tsresol >= 0; if_fcslen
 * (in bits) when fcslen_bits >= 0. PCAPNG_IDB_MAX bytes at most. */
#define PCAPNG_IDB_MAX 40
size_t pcapng_build_idb(uint8_t *buf, enum byte_order o, uint16_t linktype,
                        uint32_t snaplen, int tsresol, int fcslen_bits);
/* Offset of the snaplen field inside a block built by pcapng_build_idb. */
#define PCAPNG_IDB_SNAPLEN_OFF 12

/* EPB header (28 bytes) for a packet of caplen bytes with epb_flags when
 * flags != 0. The caller writes the data, then pcapng_build_epb_tail()
 * (padding, options, trailer).
 *
 * These three are inline: pcap input calls them for every record, and on
 * small packets a call costs as much as the work. */
#define PCAPNG_EPB_HDR_LEN 28
#define PCAPNG_EPB_TAIL_MAX 20

/* Total length of such an EPB (64-bit: caplen may be large). */
static inline uint64_t
pcapng_epb_len(uint32_t caplen, uint32_t flags)
{
    /* 28 header + data + padding [+ epb_flags 8 + endofopt 4] + trailer. */
    return 32 + pad4(caplen) + (flags != 0 ? 12 : 0);
}

static inline size_t
pcapng_build_epb_head(uint8_t *buf, enum byte_order o, uint32_t iface,
                      uint64_t ts, uint32_t caplen, uint32_t origlen,
                      uint32_t flags)
{
    uint64_t len = pcapng_epb_len(caplen, flags);

    assert(len <= UINT32_MAX);
    bo_put32(o, buf, PCAPNG_BT_EPB);
    bo_put32(o, buf + 4, (uint32_t)len);
    bo_put32(o, buf + 8, iface);
    /* "the upper 32 bits [...] then the lower 32 bits", each in section
     * order (not one 64-bit field). */
    bo_put32(o, buf + 12, (uint32_t)(ts >> 32));
    bo_put32(o, buf + 16, (uint32_t)ts);
    bo_put32(o, buf + 20, caplen);
    bo_put32(o, buf + 24, origlen);
    return PCAPNG_EPB_HDR_LEN;
}

static inline size_t
pcapng_build_epb_tail(uint8_t *buf, enum byte_order o, uint32_t caplen,
                      uint32_t flags)
{
    uint64_t len = pcapng_epb_len(caplen, flags);
    size_t n = (size_t)(pad4(caplen) - caplen);

    /* The padding (0-3 bytes) as one 4-byte store of zeros: the tail is
     * always at least n + 4 bytes, and what follows the padding is
     * written over the rest. */
    memset(buf, 0, 4);
    if (flags != 0) {
        /* epb_flags (code 2, length 4), then opt_endofopt (0, 0). */
        bo_put16(o, buf + n, 2);
        bo_put16(o, buf + n + 2, 4);
        bo_put32(o, buf + n + 4, flags);
        bo_put32(o, buf + n + 8, 0);
        n += 12;
    }
    bo_put32(o, buf + n, (uint32_t)len);
    n += 4;
    assert(n <= PCAPNG_EPB_TAIL_MAX);
    return n;
}

/* DSB header (16 bytes: type, length, secrets type, secrets length) and
 * tail (zero padding, the alignment padding option when pad > 0, trailer)
 * for secrets_len bytes. Total length = 20 + pad4(secrets_len) + pad; pad
 * is 0 or a value from pcapng_dsb_pad(). The tail needs at most
 * PCAPNG_DSB_TAIL_MAX + pad bytes. */
#define PCAPNG_DSB_HDR_LEN 16
#define PCAPNG_DSB_TAIL_MAX 8
size_t pcapng_build_dsb_head(uint8_t *buf, enum byte_order o,
                             uint32_t secrets_type, uint32_t secrets_len,
                             uint32_t pad);
size_t pcapng_build_dsb_tail(uint8_t *buf, enum byte_order o,
                             uint32_t secrets_len, uint32_t pad);

/*
 * Alignment for shared extents. Copy-on-write file systems (XFS, btrfs)
 * can share an input's blocks with the output only where a byte sits at
 * the same offset modulo their block size in both files. The DSBs that
 * inject inserts are padded so that the bytes after them keep their input
 * offset modulo PCAPNG_ALIGN: the padding is an opt_comment in the last
 * DSB ("secretcap alignment padding" and spaces) and opt_endofopt, so the
 * block list is unchanged. pcapng_dsb_pad(gap) is the pad that moves the
 * output on by gap bytes modulo PCAPNG_ALIGN (gap a multiple of 4): 0 for
 * 0, else gap, or gap + PCAPNG_ALIGN when gap is too short for the
 * option; at most PCAPNG_DSB_PAD_MAX.
 */
#define PCAPNG_ALIGN 4096u
#define PCAPNG_DSB_PAD_TEXT "secretcap alignment padding"
#define PCAPNG_DSB_PAD_MIN 36u /* option header 4 + 28 + opt_endofopt 4 */
#define PCAPNG_DSB_PAD_MAX (PCAPNG_ALIGN + PCAPNG_DSB_PAD_MIN - 4u)
uint32_t pcapng_dsb_pad(uint64_t gap);

/* Largest secrets_len such that the whole DSB, alignment padding
 * included, is at most 16 MiB, the block size libpcap (and so tcpdump)
 * accepts. */
#define PCAPNG_DSB_MAX_SECRETS                                                 \
    ((uint32_t)(16u << 20) - 20u - PCAPNG_DSB_PAD_MAX)

/* Patches a copy of an input SHB for output: section length -> -1,
 * version 1.2 -> 1.0. shb points to a validated SHB of shb_len bytes in
 * order o; out receives shb_len bytes. */
void pcapng_shb_patch(uint8_t *out, const uint8_t *shb, size_t shb_len,
                      enum byte_order o);

#endif
