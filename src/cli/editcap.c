/*
 * editcap.c - the editcap-compatible forms:
 *   secretcap --inject-secrets TYPE,FILE [...] [--discard-all-secrets] IN OUT
 *   secretcap --extract-secrets IN OUT        (editcap 4.4; see extract.c)
 * It takes the editcap options secretcap implements, so a script can swap
 * the binary name; any other editcap option is refused with exit 2 rather
 * than silently ignored.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "secrets.h"

enum { OPT_DISCARD = 256, OPT_INJECT_SECRETS, OPT_EXTRACT_SECRETS };

/* The editcap-compatible form. */
int
cmd_editcap(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"inject-secrets", required_argument, NULL, OPT_INJECT_SECRETS},
        {"discard-all-secrets", no_argument, NULL, OPT_DISCARD},
        {"extract-secrets", no_argument, NULL, OPT_EXTRACT_SECRETS},
        {NULL, 0, NULL, 0},
    };
    struct inject_args cli = {0};
    bool extract = false;
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_INJECT_SECRETS:
            if (strcmp(optarg, "help") == 0) {
                printf("%s\n", secrets_type_list());
                return 0;
            }
            if ((rc = cli_add_secret_arg(&cli, optarg, ',')) != 0)
                return rc;
            break;
        case OPT_DISCARD:
            cli.discard = true;
            break;
        case OPT_EXTRACT_SECRETS:
            extract = true;
            break;
        case ':':
            return cli_usage_error("option '%s' needs an argument",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("editcap option '%s' is not supported "
                                   "(only --inject-secrets, "
                                   "--discard-all-secrets and "
                                   "--extract-secrets are)",
                                   argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("expected INPUT and OUTPUT after the options");
    if (extract) {
        /* As in editcap 4.4: nothing else may be combined with it. */
        if (cli.n_files > 0 || cli.discard)
            return cli_usage_error("--extract-secrets cannot be combined "
                                   "with --inject-secrets or "
                                   "--discard-all-secrets");
        return cli_extract_secrets(argv[optind], argv[optind + 1]);
    }
    cli.input = argv[optind];
    cli.output = argv[optind + 1];
    return cli_run_inject(&cli);
}
