/*
 * sessions.c - `secretcap sessions`: every TLS, DTLS and QUIC session whose
 * ClientHello is in each capture, the key status of each against the key
 * logs given and the capture's own DSBs, and why a capture will not
 * decrypt (sessions without keys, flows whose handshake is not in the
 * capture). Text by default, the JSON of docs/sessions-json.md with
 * --json. The work is scope.h's; this file only prints.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "scope.h"
#include "scope_json.h"
#include "secrets.h"
#include "traffic/tls.h"

static const char sessions_help[] =
    "Usage: secretcap sessions [--json] [-k KEYLOG]... [--require-keys] "
    "INPUT...\n"
    "\n"
    "Lists every TLS-over-TCP, DTLS and QUIC session whose ClientHello is in\n"
    "each INPUT (pcap or pcapng, plain or gzip, zstd or lz4; '-' = stdin),\n"
    "one line each: protocol, version offered (and chosen, from the\n"
    "ServerHello), client -> server, section/interface, first packet number\n"
    "and time, server name (SNI), ALPN, the client random, and the key\n"
    "status from the key logs and the DSBs already in the capture:\n"
    "complete, partial (naming the missing labels) or none. Then a\n"
    "summary: sessions by key status, flows with TLS/DTLS/QUIC traffic but\n"
    "no handshake in the capture (they cannot be decrypted whatever the\n"
    "keys), and the key-log lines of no session of the capture, per label.\n"
    "Secret values are never shown.\n"
    "\n"
    "Decoded on any port: Ethernet (802.1Q/802.1ad tags), Linux SLL/SLL2,\n"
    "NULL/LOOP, raw IP; VXLAN, GRE and ERSPAN; IPv4/IPv6 with fragments;\n"
    "TLS 1.0-1.3 over TCP (also after STARTTLS), DTLS 1.0-1.3, QUIC v1, v2\n"
    "and draft-29 (Initial packets decrypted).\n"
    "\n"
    "Options:\n"
    "  -k, --keylog FILE    TLS key log to judge the sessions against; may be\n"
    "                       repeated; '-' = stdin\n"
    "  -j, --json           one JSON document (see docs/sessions-json.md)\n"
    "      --require-keys   exit 1 unless every session has complete keys\n"
    "                       and every TLS, DTLS or QUIC flow has its whole\n"
    "                       handshake in the capture\n"
    "      --max-flows N    flows tracked at once (default 262144); the least\n"
    "                       recently seen is dropped beyond\n"
    "      --max-window MIB largest zstd window accepted (default 128)\n"
    "      --max-record BYTES  accept pcap records up to BYTES (default:\n"
    "                       what libpcap and Wireshark read, 262144 for most)\n"
    "  -q, --quiet          no key-log warnings\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 success, 1 an input could not be read completely (the\n"
    "others are still reported) or, with --require-keys, keys are missing,\n"
    "2 usage error.\n";

/* Prints untrusted text (already printable ASCII from tls.c) or "-". */
static const char *
or_dash(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "-";
}

static void
print_labels(uint16_t bits)
{
    const char *sep = "";

    for (unsigned b = 0; b < SL_COUNT; b++)
        if (bits & (1u << b)) {
            printf("%s%s", sep, scope_label_name(b));
            sep = ", ";
        }
}

static void
print_session(const struct tr_session *s, const struct scope_judgement *j)
{
    char c[64], v[64], t[64], o[16], ch[16], hex[65];

    tr_endpoint_format(&s->client, c, sizeof(c));
    tr_endpoint_format(&s->server, v, sizeof(v));
    capinfo_format_ts(&s->first.ts, t, sizeof(t));
    tls_version_name(s->offered, o, sizeof(o));
    printf("  %-4s %-8s", tr_proto_name(s->protocol), o);
    if (s->protocol == TR_QUIC)
        printf(" quic 0x%08x", s->quic_version);
    else if (s->chosen != 0)
        printf(" chose %s", tls_version_name(s->chosen, ch, sizeof(ch)));
    printf("  %s -> %s  section %" PRIu64 " if %u  packet %" PRIu64 " %s\n", c,
           v, s->first.section, s->first.iface, s->first.packet, t);
    printf("       sni %s  alpn %s  random %s\n       keys %s",
           or_dash(s->server_name), or_dash(s->alpn),
           scope_random_hex(s->random, hex), scope_keys_name(j->keys));
    if (s->rejected)
        printf(" (not needed: the server refused this QUIC version with "
               "Version Negotiation)");
    if (j->missing != 0) {
        printf(" (missing ");
        print_labels(j->missing);
        putchar(')');
    }
    putchar('\n');
}

static void
print_text(const char *name, const struct scope *sc)
{
    size_t n, nn;
    const struct tr_session *s = tr_table_sessions(sc->table, &n);
    const struct tr_stats *st = tr_table_stats(sc->table);
    const struct tr_nohs *nh = tr_table_nohs(sc->table, &nn);

    printf("%s: %s%s%s%s, %" PRIu64 " packets, %zu session%s\n", name,
           format_name(sc->format),
           sc->compression != COMPRESSION_NONE ? " (" : "",
           sc->compression != COMPRESSION_NONE
               ? compression_info(sc->compression)->name
               : "",
           sc->compression != COMPRESSION_NONE ? ")" : "", sc->packets, n,
           n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        print_session(&s[i], &sc->judge[i]);
    printf("  summary: %zu session%s: %zu with complete keys, %zu partial, "
           "%zu none",
           n, n == 1 ? "" : "s", sc->n_complete, sc->n_partial, sc->n_none);
    if (sc->n_rejected > 0)
        printf(", %zu refused by Version Negotiation (no keys needed)",
               sc->n_rejected);
    putchar('\n');
    if (st->nohs > 0) {
        printf("  %" PRIu64 " flow%s without handshake in the capture: %s "
               "cannot be decrypted whatever the keys (the capture started "
               "after the handshake, or missed it)\n",
               st->nohs, st->nohs == 1 ? "" : "s",
               st->nohs == 1 ? "it" : "they");
        for (size_t i = 0; i < nn; i++) {
            char a[64], b[64], t[64];

            tr_endpoint_format(&nh[i].a, a, sizeof(a));
            tr_endpoint_format(&nh[i].b, b, sizeof(b));
            capinfo_format_ts(&nh[i].first.ts, t, sizeof(t));
            printf("    %-4s %s <-> %s  section %" PRIu64 " if %u  packet "
                   "%" PRIu64 " %s, %" PRIu64 " packets\n",
                   tr_proto_name(nh[i].protocol), a, b, nh[i].first.section,
                   nh[i].first.iface, nh[i].first.packet, t, nh[i].packets);
        }
        if (st->nohs > nn)
            printf("    ... and %" PRIu64 " more\n", st->nohs - nn);
    }
    if (st->incomplete > 0)
        printf("  %" PRIu64 " handshake%s started but not complete in the "
               "capture (cut short, or packets lost)\n",
               st->incomplete, st->incomplete == 1 ? "" : "s");
    if (sc->unmatched > 0) {
        const char *sep = "";

        printf("  %" PRIu64 " key-log line%s of no session in this capture (",
               sc->unmatched, sc->unmatched == 1 ? "" : "s");
        for (size_t i = 0; i <= SCOPE_MAX_LABELS; i++) {
            if ((i >= sc->n_labels && i != SCOPE_MAX_LABELS) ||
                sc->labels[i].lines == 0)
                continue;
            printf("%s%s %" PRIu64, sep,
                   i == SCOPE_MAX_LABELS ? "(other labels)"
                                         : sc->labels[i].name,
                   sc->labels[i].lines);
            sep = ", ";
        }
        printf(")\n");
    }
    if (sc->legacy > 0)
        printf("  %" PRIu64 " legacy RSA key-log line%s (not tied to a "
               "session)\n",
               sc->legacy, sc->legacy == 1 ? "" : "s");
    if (st->pkt.unsupported > 0)
        printf("  %" PRIu64 " packet%s of link types not decoded\n",
               st->pkt.unsupported, st->pkt.unsupported == 1 ? "" : "s");
    if (st->flows_evicted > 0 || st->pending_dropped > 0)
        printf("  %" PRIu64 " flows dropped at the flow cap, %" PRIu64
               " handshakes given up at the memory cap (see --max-flows)\n",
               st->flows_evicted, st->pending_dropped);
}

/* True when sc has a session without complete keys, a flow without
 * handshake or a handshake cut short: something will not decrypt. */
static bool
lacks_keys(const struct scope *sc)
{
    const struct tr_stats *st = tr_table_stats(sc->table);

    return sc->n_partial > 0 || sc->n_none > 0 || st->nohs > 0 ||
           st->incomplete > 0;
}

/* Writes out what j holds so far (the JSON of many sessions is never kept
 * whole). */
static void
json_flush(struct json *j)
{
    if (j->len == 0)
        return;
    fwrite(j->buf, 1, j->len, stdout);
    j->len = 0;
    j->buf[0] = '\0';
}

int
cmd_sessions(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"keylog", required_argument, NULL, 'k'},
        {"json", no_argument, NULL, 'j'},
        {"require-keys", no_argument, NULL, 'R'},
        {"max-flows", required_argument, NULL, 'F'},
        {"quiet", no_argument, NULL, 'q'},
        {"max-window", required_argument, NULL, 'W'},
        {"max-record", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct inject_args a;
    struct loaded_secrets s = {0};
    struct sc_diag diag = {cli_print_warning, &a.quiet};
    const struct keylog *logs[MAX_SECRET_FILES];
    struct scope_opts so = {0};
    struct json j;
    bool as_json = false, require = false;
    int c, i, rc = 0, stdin_uses = 0;

    memset(&a, 0, sizeof(a));
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":k:jqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if ((rc = cli_add_secret_arg(&a, optarg, 0)) != 0)
                return rc;
            break;
        case 'j':
            as_json = true;
            break;
        case 'R':
            require = true;
            break;
        case 'F': {
            uint64_t v;

            if (!cli_parse_uint(optarg, 16, 1u << 30, &v))
                return cli_usage_error("--max-flows: '%s' is not a number "
                                       "from 16 to 1073741824",
                                       optarg);
            so.limits.max_flows = (size_t)v;
            break;
        }
        case 'q':
            a.quiet = true;
            break;
        case 'M':
            if ((rc = cli_parse_max_record(optarg, &a.in_opts)) != 0)
                return rc;
            break;
        case 'W':
            if ((rc = cli_parse_max_window(optarg, &a.in_opts)) != 0)
                return rc;
            break;
        case 'h':
            fputs(sessions_help, stdout);
            return 0;
        default:
            return cli_option_error(c, argv);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error("no input capture given");
    for (size_t k = 0; k < a.n_files; k++)
        if (strcmp(a.files[k].path, "-") == 0)
            stdin_uses++;
    for (i = optind; i < argc; i++)
        if (strcmp(argv[i], "-") == 0 && ++stdin_uses > 1)
            return cli_usage_error("stdin can be read only once");
    if ((rc = cli_load_secrets(&a, &s, &diag)) != 0) {
        cli_free_secrets(&s);
        return rc;
    }
    for (size_t k = 0; k < s.n; k++)
        logs[k] = &s.logs[k];
    json_init(&j);
    if (as_json) {
        json_obj_begin(&j);
        json_key(&j, "secretcap_sessions");
        json_u64(&j, 1);
        json_key(&j, "files");
        json_arr_begin(&j);
    }
    for (i = optind; i < argc; i++) {
        const char *name = strcmp(argv[i], "-") == 0 ? "stdin" : argv[i];
        struct input in = {0};
        struct scope sc;
        struct sc_err err;
        bool failed = false, opened;

        memset(&sc, 0, sizeof(sc));
        sc_err_clear(&err);
        opened = input_open(&in, argv[i], &a.in_opts, &err) == 0;
        if (!opened || scope_scan(&sc, &in, &so, &err) < 0 ||
            scope_judge(&sc, logs, s.n, &err) < 0)
            failed = true;
        if (failed && (err.kind == SC_ERR_INTR || err.kind == SC_ERR_PIPE)) {
            scope_free(&sc);
            input_close(&in);
            json_free(&j);
            cli_free_secrets(&s);
            return cli_report(&err);
        }
        if (failed && sc.judge == NULL && sc.table != NULL) {
            struct sc_err e2; /* what was read before the error */

            (void)scope_judge(&sc, logs, s.n, &e2);
        }
        if (as_json) {
            size_t n = 0;

            scope_json_begin(&j, name, opened ? &sc : NULL,
                             failed ? &err : NULL);
            if (sc.table != NULL && sc.judge != NULL)
                tr_table_sessions(sc.table, &n);
            for (size_t k = 0; k < n; k++) {
                scope_json_session(&j, &sc, k);
                if (j.len > (64u << 10))
                    json_flush(&j);
            }
            scope_json_end(&j, sc.judge != NULL ? &sc : NULL);
        } else if (sc.table != NULL && sc.judge != NULL) {
            if (i > optind)
                putchar('\n');
            print_text(name, &sc);
        }
        if (failed) {
            fflush(stdout);
            cli_report(&err);
            rc = EXIT_DATA;
        } else if (require && lacks_keys(&sc)) {
            const struct tr_stats *st = tr_table_stats(sc.table);

            fflush(stdout);
            fprintf(stderr,
                    "%s: %s: --require-keys: %zu session%s without complete "
                    "keys, %" PRIu64 " flow%s without handshake",
                    cli_progname, name, sc.n_partial + sc.n_none,
                    sc.n_partial + sc.n_none == 1 ? "" : "s", st->nohs,
                    st->nohs == 1 ? "" : "s");
            if (st->incomplete > 0)
                fprintf(stderr, ", %" PRIu64 " handshake%s cut short",
                        st->incomplete, st->incomplete == 1 ? "" : "s");
            fputc('\n', stderr);
            rc = EXIT_DATA;
        }
        scope_free(&sc);
        input_close(&in);
    }
    if (as_json) {
        json_arr_end(&j);
        json_obj_end(&j);
        json_end(&j);
    }
    if (json_failed(&j)) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        rc = EXIT_DATA;
    } else {
        json_flush(&j);
    }
    json_free(&j);
    cli_free_secrets(&s);
    return cli_flush_stdout(rc);
}
