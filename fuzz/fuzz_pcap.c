/*
 * fuzz_pcap.c - the classic pcap reader: pcap_open + pcap_next over a
 * memory source until the end or an error.
 *
 * Each input is read twice: once in one piece and once in small reads
 * (1, 3 or 4096 bytes per read, from the selector), and both runs must
 * agree on everything (records, their fields and bytes, the final error
 * message): parsing must not depend on how the bytes arrive. Selector bit 2
 * hides the source size (a pipe: truncation is found by reading, not from
 * the size).
 */
#include <string.h>

#include "fuzz.h"
#include "input.h"
#include "pcap.h"
#include "reader.h"
#include "source.h"

/* A summary of one run, compared between the two runs. */
struct outcome {
    int open_rc, last_rc;
    uint64_t records;
    uint64_t hash; /* over every record's fields and bytes */
    struct sc_err err;
};

static uint64_t
mix(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull; /* FNV-1a */
    return h;
}

static void
run(const uint8_t *data, size_t size, size_t chunk, int pipe,
    struct outcome *out)
{
    struct sc_err err = {0};
    struct source *src = source_mem(data, size, chunk, "fuzz", &err);
    struct reader *rd;
    struct pcap_reader pr;
    struct pcap_record rec;
    int rc;

    memset(out, 0, sizeof(*out));
    out->hash = 0xcbf29ce484222325ull;
    FUZZ_CHECK(src != NULL, "source_mem: %s", err.msg);
    if (pipe)
        src->size = -1;
    rd = reader_new(src, FUZZ_READER_MAX, &err);
    FUZZ_CHECK(rd != NULL, "reader_new: %s", err.msg);
    out->open_rc = pcap_open(&pr, rd, "fuzz", &err);
    if (out->open_rc == 0) {
        FUZZ_CHECK(pr.hdr.rec_hdr_len == 16 || pr.hdr.rec_hdr_len == 24,
                   "record header length %u", pr.hdr.rec_hdr_len);
        while ((rc = pcap_next(&pr, &rec, &err)) == 1) {
            uint32_t f[6] = {rec.ts_sec,  rec.ts_frac, rec.caplen,
                             rec.origlen, rec.ifindex, rec.protocol};

            out->records++;
            FUZZ_CHECK(rec.number == out->records, "record number %llu",
                       (unsigned long long)rec.number);
            FUZZ_CHECK(rec.caplen <= PCAP_MAX_CAPLEN, "caplen %u", rec.caplen);
            FUZZ_CHECK(rec.offset + pr.hdr.rec_hdr_len + rec.caplen <= size,
                       "record past the input");
            FUZZ_CHECK(rec.caplen == 0 ||
                           memcmp(rec.data,
                                  data + rec.offset + pr.hdr.rec_hdr_len,
                                  rec.caplen) == 0,
                       "record bytes differ from the input");
            out->hash = mix(out->hash, (const uint8_t *)f, sizeof(f));
            out->hash = mix(out->hash, &rec.pkt_type, 1);
            out->hash = mix(out->hash, rec.data, rec.caplen);
        }
        out->last_rc = rc;
        FUZZ_CHECK(pr.records == out->records, "records %llu",
                   (unsigned long long)pr.records);
        if (rc == 0)
            FUZZ_CHECK(reader_offset(rd) == size,
                       "clean end at %llu of %zu bytes",
                       (unsigned long long)reader_offset(rd), size);
    }
    if (out->open_rc < 0 || out->last_rc < 0)
        FUZZ_CHECK(err.kind != SC_ERR_NONE && err.msg[0] != '\0',
                   "error without a message");
    out->err = err;
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
    FUZZ_CHECK(
        whole.open_rc == pieces.open_rc && whole.last_rc == pieces.last_rc &&
            whole.records == pieces.records && whole.hash == pieces.hash,
        "chunk %zu differs: rc %d/%d, %llu/%llu records", fuzz_chunk(sel),
        whole.last_rc, pieces.last_rc, (unsigned long long)whole.records,
        (unsigned long long)pieces.records);
    FUZZ_CHECK(whole.err.kind == pieces.err.kind &&
                   strcmp(whole.err.msg, pieces.err.msg) == 0,
               "chunk %zu: message \"%s\" vs \"%s\"", fuzz_chunk(sel),
               whole.err.msg, pieces.err.msg);
    return 0;
}
