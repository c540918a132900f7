/*
 * pcapng_write.c - building the pcapng blocks secretcap writes itself (see
 * pcapng_write.h).
 *
 * Encodes the SHB (§4.1), IDB (§4.2), EPB (§4.3) and DSB (§4.8) of
 * draft-ietf-opsawg-pcapng in a chosen byte order into caller buffers. One
 * rule for options throughout: a block gets an options area only when it
 * has at least one option, and that area always ends with opt_endofopt
 * ("the last option MUST be opt_endofopt" when options are present). So an
 * SHB without shb_userappl is 28 bytes, an IDB without if_tsresol and
 * if_fcslen 20, an EPB without epb_flags 32 + padded data, a DSB 20 +
 * padded secrets, as Wireshark writes them. All padding is zero.
 *
 * No allocation, no I/O, no re-encoding of blocks read from input: the only
 * input block touched is the SHB, patched in a copy by pcapng_shb_patch.
 */
#include "pcapng_write.h"

#include <assert.h>
#include <string.h>

#include "pcapng.h"

#define OPT_ENDOFOPT 0
#define OPT_SHB_USERAPPL 4
#define OPT_IF_TSRESOL 9
#define OPT_IF_FCSLEN 13

#define SHB_USERAPPL_MAX 256

/* Writes one option header and its value, zero-padded. Returns the bytes
 * written (4 + pad4(len)). */
static size_t
put_opt(uint8_t *p, enum byte_order o, uint16_t code, const void *val,
        uint16_t len)
{
    size_t padded = (size_t)pad4(len);

    bo_put16(o, p, code);
    bo_put16(o, p + 2, len);
    if (len > 0)
        memcpy(p + 4, val, len);
    memset(p + 4 + len, 0, padded - len);
    return 4 + padded;
}

static size_t
put_endofopt(uint8_t *p, enum byte_order o)
{
    return put_opt(p, o, OPT_ENDOFOPT, NULL, 0);
}

size_t
pcapng_build_shb(uint8_t *buf, enum byte_order o, const char *userappl)
{
    size_t ua_len = userappl != NULL ? strnlen(userappl, SHB_USERAPPL_MAX) : 0;
    size_t n = 24;

    bo_put32(o, buf, PCAPNG_BT_SHB);
    bo_put32(o, buf + 8, PCAPNG_BOM);
    /* "Writers MUST NOT write a major version other than 1 or a minor
     * version other than 0." */
    bo_put16(o, buf + 12, 1);
    bo_put16(o, buf + 14, 0);
    /* Section length -1: "not specified", so nothing has to be known (or
     * patched) about what follows. */
    bo_put64(o, buf + 16, UINT64_MAX);
    if (ua_len > 0) {
        n += put_opt(buf + n, o, OPT_SHB_USERAPPL, userappl, (uint16_t)ua_len);
        n += put_endofopt(buf + n, o);
    }
    n += 4;
    assert(n <= PCAPNG_SHB_MAX);
    bo_put32(o, buf + 4, (uint32_t)n);
    bo_put32(o, buf + n - 4, (uint32_t)n);
    return n;
}

size_t
pcapng_build_idb(uint8_t *buf, enum byte_order o, uint16_t linktype,
                 uint32_t snaplen, int tsresol, int fcslen_bits)
{
    size_t n = 16;

    bo_put32(o, buf, PCAPNG_BT_IDB);
    bo_put16(o, buf + 8, linktype);
    bo_put16(o, buf + 10, 0); /* reserved, "MUST be zero" */
    bo_put32(o, buf + PCAPNG_IDB_SNAPLEN_OFF, snaplen);
    if (tsresol >= 0) {
        uint8_t v = (uint8_t)tsresol;

        n += put_opt(buf + n, o, OPT_IF_TSRESOL, &v, 1);
    }
    if (fcslen_bits >= 0) {
        /* One octet, "in bits"; pcap FCS lengths are at most 15 words. */
        uint8_t v = (uint8_t)fcslen_bits;

        assert(fcslen_bits <= UINT8_MAX);
        n += put_opt(buf + n, o, OPT_IF_FCSLEN, &v, 1);
    }
    if (n > 16)
        n += put_endofopt(buf + n, o);
    n += 4;
    assert(n <= PCAPNG_IDB_MAX);
    bo_put32(o, buf + 4, (uint32_t)n);
    bo_put32(o, buf + n - 4, (uint32_t)n);
    return n;
}

size_t
pcapng_build_dsb_head(uint8_t *buf, enum byte_order o, uint32_t secrets_type,
                      uint32_t secrets_len, uint32_t pad)
{
    uint64_t len = 20 + pad4(secrets_len) + pad;

    assert(len <= UINT32_MAX);
    bo_put32(o, buf, PCAPNG_BT_DSB);
    bo_put32(o, buf + 4, (uint32_t)len);
    bo_put32(o, buf + 8, secrets_type);
    /* The unpadded length: readers must not see the padding as secrets. */
    bo_put32(o, buf + 12, secrets_len);
    return PCAPNG_DSB_HDR_LEN;
}

size_t
pcapng_build_dsb_tail(uint8_t *buf, enum byte_order o, uint32_t secrets_len,
                      uint32_t pad)
{
    uint64_t len = 20 + pad4(secrets_len) + pad;
    size_t n = (size_t)(pad4(secrets_len) - secrets_len);

    memset(buf, 0, n);
    if (pad > 0) {
        /* opt_comment (1) of pad - 8 bytes (a multiple of 4: no padding of
         * its own), then opt_endofopt. */
        size_t text = sizeof(PCAPNG_DSB_PAD_TEXT) - 1;

        assert(pad >= PCAPNG_DSB_PAD_MIN && pad <= PCAPNG_DSB_PAD_MAX &&
               pad % 4 == 0);
        bo_put16(o, buf + n, 1);
        bo_put16(o, buf + n + 2, (uint16_t)(pad - 8));
        memcpy(buf + n + 4, PCAPNG_DSB_PAD_TEXT, text);
        memset(buf + n + 4 + text, ' ', pad - 8 - text);
        bo_put32(o, buf + n + pad - 4, 0);
        n += pad;
    }
    bo_put32(o, buf + n, (uint32_t)len);
    return n + 4;
}

uint32_t
pcapng_dsb_pad(uint64_t gap)
{
    uint32_t g = (uint32_t)(gap % PCAPNG_ALIGN);

    assert(g % 4 == 0);
    if (g == 0)
        return 0;
    return g >= PCAPNG_DSB_PAD_MIN ? g : g + PCAPNG_ALIGN;
}

void
pcapng_shb_patch(uint8_t *out, const uint8_t *shb, size_t shb_len,
                 enum byte_order o)
{
    assert(shb_len >= 24);
    memcpy(out, shb, shb_len);
    /* Our output changes what follows the SHB, so a section length from
     * the input would be wrong: -1 is "not specified". */
    bo_put64(o, out + 16, UINT64_MAX);
    /* "Readers MUST treat 1.2 as 1.0 [...] MUST NOT write 1.2". */
    if (bo_get16(o, out + 12) == 1 && bo_get16(o, out + 14) == 2)
        bo_put16(o, out + 14, 0);
}
