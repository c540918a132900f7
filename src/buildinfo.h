/*
 * buildinfo.h - what this build of secretcap is: its version, the git
 * revision it was built from, and the version of every library compiled
 * in (for --version and `version --json`).
 */
#ifndef SC_BUILDINFO_H
#define SC_BUILDINFO_H

struct buildinfo {
    const char *version; /* "0.1.0" */
    const char *git;     /* short revision ("-dirty" when modified), or NULL
                            when not built from a git checkout */
    /* Library versions, NULL when not built in. */
    const char *zlib;   /* gzip input and output */
    const char *isal;   /* faster gzip (ISA-L); the version built against */
    const char *zstd;   /* libzstd */
    const char *lz4;    /* liblz4 */
    const char *crypto; /* OpenSSL libcrypto (QUIC Initial decryption) */
};

/* Fills bi; every string has static storage. */
void buildinfo_get(struct buildinfo *bi);

#endif
