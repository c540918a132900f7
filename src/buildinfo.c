/*
 * buildinfo.c - the version, git revision and library versions of this
 * build (see buildinfo.h). Run-time versions where the library reports one
 * (zlibVersion, ZSTD_versionString, LZ4_versionString, OpenSSL_version),
 * so a newer shared library shows as what is really used; ISA-L has no
 * such call, so its version is the one of the headers built against.
 */
#include "buildinfo.h"

#include <openssl/crypto.h>
#include <zlib.h>

#include "gitrev.h"
#include "lz4_source.h"
#include "zstd_source.h"

#ifdef SECRETCAP_HAVE_ISAL
#include <isa-l.h>
#define STR2(x) #x
#define STR(x) STR2(x)
#define ISAL_VERSION_TEXT                                                      \
    STR(ISAL_MAJOR_VERSION)                                                    \
    "." STR(ISAL_MINOR_VERSION) "." STR(ISAL_PATCH_VERSION)
#endif

void
buildinfo_get(struct buildinfo *bi)
{
    bi->version = SECRETCAP_VERSION;
    bi->git = SECRETCAP_GIT[0] != '\0' ? SECRETCAP_GIT : NULL;
    bi->zlib = zlibVersion();
#ifdef SECRETCAP_HAVE_ISAL
    bi->isal = ISAL_VERSION_TEXT;
#else
    bi->isal = NULL;
#endif
    bi->zstd = zstd_library_version();
    bi->lz4 = lz4_library_version();
#ifdef OPENSSL_VERSION_STRING
    bi->crypto = OpenSSL_version(OPENSSL_VERSION_STRING);
#else
    bi->crypto = OpenSSL_version(OPENSSL_VERSION);
#endif
}
