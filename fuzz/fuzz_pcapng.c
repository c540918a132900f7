/*
 * fuzz_pcapng.c - the pcapng block reader: pcapng_init + pcapng_next over a
 * memory source, and for every block it accepts: its options
 * (pcapng_opts_begin/next), the SHB and DSB fields, every byte of the view.
 *
 * As in fuzz_pcap.c, each input is read in one piece and in small reads
 * and the two runs must agree exactly. Invariants checked per block: the
 * view is the input's bytes at the block offset, the length framing holds,
 * every option value and the DSB secrets lie inside the block.
 */
#include <string.h>

#include "fuzz.h"
#include "input.h"
#include "pcapng.h"
#include "reader.h"
#include "source.h"

struct outcome {
    int last_rc;
    uint64_t blocks, sections, options;
    uint64_t hash;
    struct sc_err err;
};

static uint64_t
mix(uint64_t h, const void *v, size_t n)
{
    const uint8_t *p = v;

    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void
check_block(const uint8_t *data, size_t size, const struct pcapng_block *b,
            struct outcome *out)
{
    const uint8_t *end = b->data + b->len - 4;
    struct pcapng_opt_iter it;
    struct pcapng_opt o;

    FUZZ_CHECK(b->len >= 12 && b->len % 4 == 0 && b->len <= PCAPNG_MAX_BLOCK,
               "block length %u", b->len);
    FUZZ_CHECK(b->offset + b->len <= size, "block past the input");
    FUZZ_CHECK(memcmp(b->data, data + b->offset, b->len) == 0,
               "block view differs from the input");
    FUZZ_CHECK(bo_get32(b->order, b->data + 4) == b->len &&
                   bo_get32(b->order, end) == b->len,
               "framing");
    (void)fuzz_touch(b->data, b->len);
    out->hash = mix(out->hash, b->data, b->len);
    if (b->type == PCAPNG_BT_SHB) {
        struct pcapng_shb s;

        pcapng_shb_fields(b, &s);
        FUZZ_CHECK(s.major == 1 && (s.minor == 0 || s.minor == 2),
                   "SHB version %u.%u accepted", s.major, s.minor);
        out->hash = mix(out->hash, &s.section_length, sizeof(s.section_length));
    } else if (b->type == PCAPNG_BT_DSB) {
        struct pcapng_dsb d;

        pcapng_dsb_fields(b, &d);
        FUZZ_CHECK(d.secrets >= b->data + 16 &&
                       (uint64_t)d.secrets_len <= (uint64_t)(end - d.secrets),
                   "DSB secrets (%u bytes) past the block", d.secrets_len);
        (void)fuzz_touch(d.secrets, d.secrets_len);
    }
    if (pcapng_opts_begin(b, &it) == 0) {
        FUZZ_CHECK(it.p >= b->data + 8 && it.p <= end &&
                       it.left == (size_t)(end - it.p),
                   "options area outside the block");
        while (pcapng_opts_next(&it, &o) == 1) {
            FUZZ_CHECK(o.code != 0, "opt_endofopt returned as an option");
            FUZZ_CHECK(o.value >= b->data + 12 &&
                           (size_t)o.len <= (size_t)(end - o.value),
                       "option %u (%u bytes) past the block", o.code, o.len);
            (void)fuzz_touch(o.value, o.len);
            out->options++;
            out->hash = mix(out->hash, &o.code, sizeof(o.code));
        }
    }
}

static void
run(const uint8_t *data, size_t size, size_t chunk, int pipe,
    struct outcome *out)
{
    struct sc_err err = {0};
    struct source *src = source_mem(data, size, chunk, "fuzz", &err);
    struct reader *rd;
    struct pcapng_reader pr;
    struct pcapng_block b;
    uint64_t next_off = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    out->hash = 0xcbf29ce484222325ull;
    FUZZ_CHECK(src != NULL, "source_mem: %s", err.msg);
    if (pipe)
        src->size = -1;
    rd = reader_new(src, FUZZ_READER_MAX, &err);
    FUZZ_CHECK(rd != NULL, "reader_new: %s", err.msg);
    pcapng_init(&pr, rd);
    while ((rc = pcapng_next(&pr, &b, &err)) == 1) {
        out->blocks++;
        FUZZ_CHECK(b.number == out->blocks, "block number");
        FUZZ_CHECK(b.offset == next_off, "block at %llu, expected %llu",
                   (unsigned long long)b.offset, (unsigned long long)next_off);
        FUZZ_CHECK(out->blocks > 1 || b.type == PCAPNG_BT_SHB,
                   "first block is not an SHB");
        FUZZ_CHECK(b.section == pr.sections && b.section >= 1,
                   "section number");
        FUZZ_CHECK(pr.n_ifaces <= pr.cap_ifaces &&
                       pr.n_ifaces <= PCAPNG_MAX_IFACES,
                   "interface table");
        next_off = b.offset + b.len;
        check_block(data, size, &b, out);
    }
    out->last_rc = rc;
    out->sections = pr.sections;
    if (rc == 0)
        FUZZ_CHECK(reader_offset(rd) == size && next_off == size,
                   "clean end at %llu of %zu bytes",
                   (unsigned long long)reader_offset(rd), size);
    else
        FUZZ_CHECK(err.kind != SC_ERR_NONE && err.msg[0] != '\0',
                   "error without a message");
    out->err = err;
    pcapng_free(&pr);
    reader_free(rd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_selector(data, size);
    int pipe = (sel >> 2) & 1;
    struct outcome whole, pieces;

    run(data, size, 0, pipe, &whole);
    run(data, size, fuzz_chunk(sel), pipe, &pieces);
    FUZZ_CHECK(whole.last_rc == pieces.last_rc &&
                   whole.blocks == pieces.blocks &&
                   whole.sections == pieces.sections &&
                   whole.options == pieces.options && whole.hash == pieces.hash,
               "chunk %zu differs: rc %d/%d, %llu/%llu blocks", fuzz_chunk(sel),
               whole.last_rc, pieces.last_rc, (unsigned long long)whole.blocks,
               (unsigned long long)pieces.blocks);
    FUZZ_CHECK(whole.err.kind == pieces.err.kind &&
                   strcmp(whole.err.msg, pieces.err.msg) == 0,
               "chunk %zu: message \"%s\" vs \"%s\"", fuzz_chunk(sel),
               whole.err.msg, pieces.err.msg);
    return 0;
}
