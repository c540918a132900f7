/*
 * pipeline.h - the rewrite: capture in, pcapng with secrets out.
 *
 * inject_run() streams an opened input (pcap or pcapng, already
 * decompressed) to a writer:
 *   pcap:   SHB (v1.0, section length -1, shb_userappl) + one IDB (link
 *           type, snaplen, if_tsresol 9 for ns, if_fcslen from the FCS bits)
 *           + the DSBs + one EPB per record with the exact timestamp,
 *           lengths and bytes. A record longer than the snaplen keeps all its
 *           bytes; the IDB snaplen is raised (patched) so libpcap can read
 *           the result, with a warning.
 *   pcapng: every block passes through byte for byte (zero copy, large
 *           writes straight from the read buffer), except the SHB (section
 *           length -1, version 1.2 written as 1.0) and, with
 *           discard_existing, input DSBs (dropped). The DSBs go after the
 *           section's SHB and the IDBs that directly follow it, before the
 *           first other block, in that section's byte order; into the first
 *           section, or every section with all_sections.
 * Alignment: with o->align the last DSB at each insertion point carries an
 * opt_comment of padding (pcapng_write.h, pcapng_dsb_pad) so that the
 * input bytes after it keep their offset modulo 4096: a copy-on-write file
 * system can then share the input's blocks with the output. The rule
 * depends on the input and the options only, so the bytes are the same on
 * every output. Blocks dropped later in the file shift what follows them
 * again (only an insertion pads).
 *
 * Pass-through bytes from a plain file that is mapped (reader.h) go to the
 * writer with writer_copy(): copy_file_range or splice, no copy through
 * user space, falling back silently where the kernel refuses. At the end
 * the input is verified (input_verify): a file that changed while it was
 * read is an error, whatever the rest of the run said.
 *
 * Secrets larger than one DSB may hold (PCAPNG_DSB_MAX_SECRETS, the 16 MiB
 * libpcap limit) are split at line boundaries into several DSBs.
 *
 * Reader compatibility: every block written (but for secretcap's own
 * DSBs) goes through compat.h; at the end, one warning per kind of
 * problem that makes tshark, tcpdump or editcap refuse the output. With
 * o->strict the first such block is an error instead.
 *
 * Salvage: with o->salvage, an input cut short (sc_err.cut: the stream
 * ends inside a block, a record or a compressed frame) after its first
 * section header or pcap file header is not an error: every complete block
 * or record before the cut is written, the DSBs too if they were still to
 * come, and one warning names the cut (the reader's message), the blocks
 * kept, the last complete packet and the bytes dropped. Any other error is
 * still an error.
 */
#ifndef SC_PIPELINE_H
#define SC_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "input.h"
#include "keylog.h"
#include "output.h"

struct inject_opts {
    const struct keylog *const *secrets; /* in order; empty ones skipped */
    size_t n_secrets;
    bool discard_existing; /* drop the DSBs already in the input... */
    uint32_t discard_type; /* ...of this secrets type only (0: all types) */
    bool all_sections;     /* inject into every section, not just the first */
    bool salvage;          /* keep what precedes a cut (see above) */
    bool align;            /* pad inserted DSBs (see above) */
    bool strict; /* a block a major reader refuses is an error (compat.h) */
    const char *userappl; /* shb_userappl for pcap input */
    const struct sc_diag *diag;
    /* Called with the input offset (uncompressed bytes read so far) about
     * every PIPELINE_PROGRESS_STEP bytes, and once at the end; may be
     * NULL. */
    void (*progress)(void *ctx, uint64_t bytes_in);
    void *progress_ctx;
};

#define PIPELINE_PROGRESS_STEP ((uint64_t)16 << 20)

struct inject_stats {
    uint64_t sections;
    uint64_t blocks;  /* input blocks (pcapng) or records (pcap) */
    uint64_t packets; /* EPB/SPB/PB or pcap records */
    uint64_t dsbs_added;
    uint64_t dsbs_kept;
    uint64_t dsbs_dropped;
    uint64_t bytes_in; /* uncompressed input bytes */
    uint64_t bytes_out;
    /* Salvage: the input was cut at uncompressed offset cut_at; dropped
     * bytes after it (those read, or the rest of a plain file). */
    bool salvaged;
    uint64_t cut_at, dropped;
};

int inject_run(struct input *in, struct writer *w, const struct inject_opts *o,
               struct inject_stats *st, struct sc_err *err);

#endif
