/*
 * secrets_extract.c - the DSB walk and the split file names of
 * secrets_extract.h. The payload is handed over as a view into the block
 * the reader validated; nothing is copied or trusted here.
 */
#include "secrets_extract.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pcapng.h"

int
secrets_each_dsb(struct input *in, dsb_fn fn, void *ctx, uint64_t *n_dsbs,
                 struct sc_err *err)
{
    struct pcapng_reader pr;
    struct pcapng_block b;
    struct pcapng_dsb f;
    struct dsb_view v;
    uint64_t n = 0;
    int rc;

    if (n_dsbs != NULL)
        *n_dsbs = 0;
    if (in->format != FMT_PCAPNG)
        return sc_err_set(err, SC_ERR_DATA,
                          "%s: is a pcap file; it holds no secrets blocks",
                          in->name);
    pcapng_init(&pr, in->rd);
    while ((rc = pcapng_next(&pr, &b, err)) == 1) {
        if (b.type != PCAPNG_BT_DSB)
            continue;
        /* Validated: 16 + pad4(secrets_len) + 4 <= b.len. */
        pcapng_dsb_fields(&b, &f);
        v.number = ++n;
        v.section = b.section;
        v.offset = b.offset;
        v.type = f.secrets_type;
        v.len = f.secrets_len;
        v.data = f.secrets;
        if (n_dsbs != NULL)
            *n_dsbs = n;
        if (fn(ctx, &v, err) < 0) {
            rc = -1;
            break;
        }
    }
    pcapng_free(&pr);
    return input_finish(in, rc < 0 ? -1 : 0, err);
}

int
secrets_split_name(const char *path, uint64_t index, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t stem;
    int n;

    base = base != NULL ? base + 1 : path;
    dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        dot = path + strlen(path);
    stem = (size_t)(dot - path);
    if (stem > (size_t)INT32_MAX)
        return -1;
    n = snprintf(out, cap, "%.*s_%05" PRIu64 "%s", (int)stem, path, index, dot);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}
