#!/bin/sh
# fuzz/ci-short.sh - the CI fuzz step: every target (pcap, pcapng, keylog,
# inject, traffic) for FUZZ_SECONDS (default 60) each, so about 5 minutes of
# fuzzing plus the build, ASan + UBSan, fails (exit 1) on any finding. Needs
# clang and libFuzzer (Debian: clang, libclang-rt-14-dev). See
# docs/fuzzing.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/run.sh" "${FUZZ_SECONDS:-60}" pcap pcapng keylog inject traffic
