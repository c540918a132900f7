/*
 * info.c - `secretcap info`: what each capture holds (capinfo.h), as a
 * readable report or as the stable JSON of docs/info-json.md. Several
 * inputs give one report each; a failed input is reported (with what was
 * read before the error) and the others still are; the exit status is 1 if
 * any failed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capinfo.h"
#include "cli.h"
#include "input.h"
#include "json.h"
#include "keylog.h"
#include "pcapng.h"
#include "secrets.h"

static const char info_help[] =
    "Usage: secretcap info [--json] INPUT...\n"
    "\n"
    "Describes each INPUT (pcap or pcapng, optionally compressed with gzip,\n"
    "zstd or lz4; '-' = stdin): format and compression, sections and their\n"
    "byte order, interfaces (link type, snaplen, timestamp resolution,\n"
    "name), packets, first and last packet time (UTC), blocks by type, and\n"
    "every Decryption Secrets Block: section, offset, secrets type (name and\n"
    "code), size, and for TLS the lines per label and the distinct client\n"
    "randoms. Secrets are never shown. A last line says which readers\n"
    "(tshark, tcpdump, editcap, capinfos) open the file, and why the\n"
    "others refuse it.\n"
    "\n"
    "Options:\n"
    "  -j, --json  one JSON document for all inputs (see docs/info-json.md)\n"
    "      --max-window MIB  largest zstd window accepted (default 128)\n"
    "      --max-record BYTES  accept pcap records up to BYTES (default:\n"
    "                  what libpcap and Wireshark read, 262144 for most)\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit status: 0 success, 1 an input could not be read completely (the\n"
    "other inputs are still reported), 2 usage error.\n";

/* Prints n bytes of untrusted text with non-printable bytes as \xNN. */
static void
put_safe(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch < 0x20 || ch >= 0x7f || ch == '\\')
            printf("\\x%02x", ch);
        else
            putchar(ch);
    }
}

static void
print_dsb(const struct capinfo_dsb *d)
{
    const char *tn = secrets_type_name(d->type);
    char type[40];
    size_t i;

    snprintf(type, sizeof(type), "%s 0x%08x", tn != NULL ? tn : "unknown",
             d->type);
    printf("    %-5" PRIu64 " %-7" PRIu64 " %-10" PRIu64 " %-21s %10u",
           d->number, d->section, d->offset, type, d->secrets_len);
    if (d->text)
        printf("  %" PRIu64 " line%s", d->lines, d->lines == 1 ? "" : "s");
    if (d->bad_lines > 0)
        printf(", %" PRIu64 " invalid", d->bad_lines);
    if (keylog_record_size(d->type) != 0)
        printf("  %" PRIu64 " record%s", d->records,
               d->records == 1 ? "" : "s");
    if (d->type == SECRETS_TLS && d->problem == NULL)
        printf(", %" PRIu64 " client random%s", d->client_randoms,
               d->client_randoms == 1 ? "" : "s");
    putchar('\n');
    for (i = 0; i < d->n_labels; i++)
        printf("          %-34s %" PRIu64 "\n", d->labels[i].name,
               d->labels[i].count);
    if (d->other_label_lines > 0)
        printf("          %-34s %" PRIu64 "\n", "(other labels)",
               d->other_label_lines);
    if (d->problem != NULL)
        printf("          problem: %s\n", d->problem);
}

/* Which readers open the file, and why the others refuse it. */
static void
print_readers(const struct capinfo *ci)
{
    char why[COMPAT_WHAT_MAX + 600];
    int i;

    printf("  readers:        ");
    for (i = 0; i < CAPINFO_N_READERS; i++)
        printf(" %s %s%s", capinfo_readers[i].name,
               compat_reason(&ci->compat, capinfo_readers[i].bit) < 0 ? "yes"
                                                                      : "no",
               i + 1 < CAPINFO_N_READERS ? "," : "\n");
    for (i = 0; i < CAPINFO_N_READERS; i++) {
        int k = compat_reason(&ci->compat, capinfo_readers[i].bit);

        if (k < 0)
            continue;
        compat_format(&ci->compat, k, false, why, sizeof(why));
        printf("    %s: %s\n", capinfo_readers[i].name, why);
    }
}

static void
print_text(const struct capinfo *ci, const char *name, bool failed)
{
    char b[64], r[16];
    size_t i;
    uint32_t k;

    printf("%s\n", name);
    if (ci->compression != COMPRESSION_NONE)
        printf("  format:          %s (%s-compressed)\n",
               format_name(ci->format),
               compression_info(ci->compression)->name);
    else
        printf("  format:          %s\n", format_name(ci->format));
    printf("  size:            %" PRIu64 " bytes%s\n", ci->bytes,
           ci->compression != COMPRESSION_NONE ? " (uncompressed)" : "");
    if (ci->compressed_bytes >= 0)
        printf("  compressed:      %" PRId64 " bytes (%.1f%%)\n",
               ci->compressed_bytes,
               ci->bytes > 0
                   ? 100.0 * (double)ci->compressed_bytes / (double)ci->bytes
                   : 0.0);
    printf("  packets:         %" PRIu64 "\n", ci->packets);
    capinfo_format_ts(&ci->first, b, sizeof(b));
    printf("  first packet:    %s\n", b);
    capinfo_format_ts(&ci->last, b, sizeof(b));
    printf("  last packet:     %s\n", b);
    if (ci->packets_no_ts > 0)
        printf("  without time:    %" PRIu64 " (simple packet blocks)\n",
               ci->packets_no_ts);
    printf("  sections:        %zu\n", ci->n_sections);
    for (i = 0; i < ci->n_sections; i++) {
        const struct capinfo_section *s = &ci->sections[i];

        printf("  section %zu:       offset %" PRIu64 ", %s, version %u.%u",
               i + 1, s->offset,
               s->order == BO_LE ? "little-endian" : "big-endian", s->major,
               s->minor);
        if (s->has_length && s->length == -1)
            printf(", length unspecified");
        else if (s->has_length)
            printf(", length %" PRId64, s->length);
        printf(", %" PRIu64 " packet%s\n", s->packets,
               s->packets == 1 ? "" : "s");
        printf("    %-4s %-22s %10s %-10s %8s %10s  %s\n", "if", "link type",
               "snaplen", "resolution", "tsoffset", "packets", "name");
        for (k = 0; k < s->n_ifaces; k++) {
            const struct capinfo_iface *f = &s->ifaces[k];
            const char *ln = capinfo_linktype_name(f->linktype);

            snprintf(b, sizeof(b), "%u%s%s", f->linktype, ln ? " " : "",
                     ln ? ln : "");
            capinfo_format_resol(f->tsresol, r, sizeof(r));
            printf("    %-4u %-22s %10u %-10s %8" PRId64 " %10" PRIu64 "  ", k,
                   b, f->snaplen, r, f->tsoffset, f->packets);
            if (f->name != NULL)
                put_safe(f->name, f->name_len);
            else
                putchar('-');
            putchar('\n');
        }
    }
    if (ci->format == FMT_PCAPNG) {
        printf("  blocks:          %" PRIu64 "\n", ci->blocks);
        for (i = 0; i < ci->n_btypes; i++)
            printf("    %-12s %10" PRIu64 "\n",
                   pcapng_block_name(ci->btypes[i].type, b),
                   ci->btypes[i].count);
        if (ci->other_blocks > 0)
            printf("    %-12s %10" PRIu64 "\n", "(other)", ci->other_blocks);
    }
    printf("  secrets blocks:  %zu\n", ci->n_dsbs);
    if (ci->n_dsbs > 0)
        printf("    %-5s %-7s %-10s %-21s %10s  %s\n", "dsb", "section",
               "offset", "secrets type", "bytes", "content");
    for (i = 0; i < ci->n_dsbs; i++)
        print_dsb(&ci->dsbs[i]);
    if (!failed)
        print_readers(ci);
}

int
cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"max-window", required_argument, NULL, 'W'},
        {"max-record", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct json j;
    struct input_opts io = {0};
    bool as_json = false;
    int c, i, rc = 0, stdin_uses = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            as_json = true;
            break;
        case 'M':
            if ((rc = cli_parse_max_record(optarg, &io)) != 0)
                return rc;
            break;
        case 'W':
            if ((rc = cli_parse_max_window(optarg, &io)) != 0)
                return rc;
            break;
        case 'h':
            fputs(info_help, stdout);
            return 0;
        default:
            return cli_option_error(c, argv);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error("no input capture given");
    for (i = optind; i < argc; i++)
        if (strcmp(argv[i], "-") == 0 && ++stdin_uses > 1)
            return cli_usage_error("stdin can be read only once");
    json_init(&j);
    if (as_json) {
        json_obj_begin(&j);
        json_key(&j, "secretcap_info");
        json_u64(&j, 1);
        json_key(&j, "files");
        json_arr_begin(&j);
    }
    for (i = optind; i < argc; i++) {
        struct input in = {0};
        struct capinfo ci;
        struct sc_err err;
        bool failed = false;
        const char *name = strcmp(argv[i], "-") == 0 ? "stdin" : argv[i];

        memset(&ci, 0, sizeof(ci));
        sc_err_clear(&err);
        if (input_open(&in, argv[i], &io, &err) < 0)
            failed = true;
        else if (capinfo_scan(&ci, &in, &err) < 0)
            failed = true;
        if (failed && (err.kind == SC_ERR_INTR || err.kind == SC_ERR_PIPE)) {
            capinfo_free(&ci);
            input_close(&in);
            json_free(&j);
            return cli_report(&err);
        }
        if (as_json) {
            capinfo_to_json(&ci, name, failed ? &err : NULL, &j);
        } else if (in.rd != NULL) {
            if (i > optind)
                putchar('\n');
            print_text(&ci, name, failed);
        }
        if (failed) {
            fflush(stdout);
            cli_report(&err);
            rc = EXIT_DATA;
        }
        capinfo_free(&ci);
        input_close(&in);
    }
    if (as_json) {
        json_arr_end(&j);
        json_obj_end(&j);
        json_end(&j);
        if (json_failed(&j)) {
            fprintf(stderr, "%s: out of memory\n", cli_progname);
            json_free(&j);
            return EXIT_DATA;
        }
        fwrite(j.buf, 1, j.len, stdout);
    }
    json_free(&j);
    return cli_flush_stdout(rc);
}
