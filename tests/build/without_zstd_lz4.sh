#!/usr/bin/env bash
# tests/build/without_zstd_lz4.sh - a build without libzstd and liblz4
# (-DSECRETCAP_WITH_ZSTD=OFF -DSECRETCAP_WITH_LZ4=OFF) still builds, says
# so in --version, refuses .zst/.lz4 inputs with the message that says how
# to read them (exit 1) and zstd/lz4 output as a usage error (exit 2), and
# still reads gzip. Run by .ci/run (not a CTest: it configures and builds a
# second tree).
#
#   tests/build/without_zstd_lz4.sh [BUILD_DIR]   (default: build-nocomp)
set -euo pipefail
set -x

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-nocomp}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd) # the checks below run in a scratch directory
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sc-nocomp.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cmake -S "$ROOT" -B "$BUILD" -DSECRETCAP_WITH_ZSTD=OFF -DSECRETCAP_WITH_LZ4=OFF \
    -DSECRETCAP_TESTS=OFF
cmake --build "$BUILD" -j2 --target secretcap
SC=$BUILD/secretcap
F=$ROOT/tests/fixtures/pcap-usec-le.pcap
K=$ROOT/tests/fixtures/keys-valid.keys

"$SC" --version >"$WORK/version"
grep -qx 'zstd: not built in' "$WORK/version"
grep -qx 'lz4: not built in' "$WORK/version"
"$SC" version --json | grep -q '"compression":\["gzip"\]'

cd "$WORK"
zstd -q -c "$F" >in.pcap.zst
lz4 -q -c "$F" >in.pcap.lz4
gzip -c "$F" >in.pcap.gz
for fmt in zstd lz4; do
    ext=$([ $fmt = zstd ] && echo zst || echo lz4)
    rc=0
    "$SC" inject -k "$K" -o out.pcapng in.pcap.$ext 2>err || rc=$?
    [ $rc -eq 1 ]
    grep -qx "secretcap: in.pcap.$ext: $fmt-compressed input, but this secretcap was built without lib$fmt; decompress it first ($fmt -dc in.pcap.$ext | secretcap ... -)" err
    [ ! -e out.pcapng ]
    rc=0
    "$SC" inject -k "$K" -o out.pcapng.$ext "$F" 2>err || rc=$?
    [ $rc -eq 2 ]
    grep -qx "secretcap: $fmt output needs lib$fmt: this secretcap was built without it" err
    [ ! -e out.pcapng.$ext ]
done
"$SC" inject -q -k "$K" -o out.pcapng in.pcap.gz
[ -s out.pcapng ]
set +x
echo "without_zstd_lz4.sh: a build without libzstd and liblz4 behaves"
