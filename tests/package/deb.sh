#!/usr/bin/env bash
# tests/package/deb.sh - builds the Debian package in a build folder,
# installs it, uses the installed secretcap, and removes it again.
#
#   tests/package/deb.sh [BUILD_DIR]      (default: build)
#
# Run as root on a Debian machine after the normal build (.ci/run does), not
# under CTest: it installs into /usr. Needs cpack (cmake), dpkg-dev
# (dpkg-shlibdeps), man-db and apt-get. Checks: `cpack -G DEB` writes
# secretcap_<version>_<arch>.deb (its `dpkg -I` and `dpkg -c` are shown);
# `dpkg -i` installs it (then `apt-get -f install` when dependencies are
# missing); /usr/bin/secretcap runs and prints its version; man finds
# secretcap(1) and secretcap-inject(1); an inject of the sample capture
# with its key log gives a pcapng in which `secretcap info` shows a DSB;
# the bash completion file is installed and loads; `dpkg -r` removes the
# binary. Loud on purpose (set -x) and stops at the first failure.
set -euo pipefail
set -x

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
SAMPLE=$ROOT/tests/fixtures/sample
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sc-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ "$(id -u)" != 0 ]; then
    echo "deb.sh: must run as root (it installs the package)" >&2
    exit 1
fi
if dpkg -s secretcap >/dev/null 2>&1; then
    echo "deb.sh: a secretcap package is already installed; remove it first" >&2
    exit 1
fi

# ---------------------------------------------------------------- build
rm -f "$BUILD"/secretcap_*.deb
(cd "$BUILD" && cpack -G DEB)
deb=$(ls "$BUILD"/secretcap_*.deb)
[ "$(echo "$deb" | wc -l)" -eq 1 ]
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg-deb -f "$deb" Architecture)
[ "$(basename "$deb")" = "secretcap_${version}_${arch}.deb" ]
[ "$arch" = "$(dpkg --print-architecture)" ]
dpkg -I "$deb"
# (into files, then grep: "cmd | grep -q" dies of SIGPIPE under pipefail)
dpkg -c "$deb" | tee "$WORK/contents"
[ "$(dpkg-deb -f "$deb" Section)" = net ]
[ -n "$(dpkg-deb -f "$deb" Description)" ]
dpkg-deb -f "$deb" Depends >"$WORK/depends"
grep -q 'libc6' "$WORK/depends"
for path in /usr/bin/secretcap /usr/share/man/man1/secretcap.1.gz \
    /usr/share/man/man1/secretcap-inject.1.gz \
    /usr/share/bash-completion/completions/secretcap \
    /usr/share/doc/secretcap/README.md; do
    grep -q " \.$path\$" "$WORK/contents"
done

# -------------------------------------------------------------- install
if ! dpkg -i "$deb"; then
    DEBIAN_FRONTEND=noninteractive apt-get -f install -y
fi
dpkg -s secretcap | grep -q '^Status: install ok installed$'

[ "$(command -v secretcap)" = /usr/bin/secretcap ]
secretcap --version
secretcap --version >"$WORK/version"
head -n1 "$WORK/version" | grep -Eqx "secretcap $version( \(git [0-9a-f]+(-dirty)?\))?"
grep -Eqx 'zstd: libzstd [0-9.]+' "$WORK/version"
grep -Eqx 'lz4: liblz4 [0-9.]+' "$WORK/version"
man -w secretcap
man -w secretcap-inject
for cmd in extract strip info check sessions; do
    man -w "secretcap-$cmd"
done
# The installed pages format without groff warnings.
man --warnings -E UTF-8 secretcap 2>"$WORK/man.err" >/dev/null
[ ! -s "$WORK/man.err" ]

# One inject on the sample, checked with the installed secretcap itself.
(cd "$WORK" && secretcap inject -k "$SAMPLE/s01.keys" -o s01.pcapng \
    "$SAMPLE/s01.pcap")
secretcap info "$WORK/s01.pcapng" | tee "$WORK/info.txt"
grep -Eq '^ +secrets blocks: +[1-9]' "$WORK/info.txt"
grep -Eq ' tls 0x544c534b ' "$WORK/info.txt"
secretcap extract "$WORK/s01.pcapng" >"$WORK/s01.keys"
[ -s "$WORK/s01.keys" ]
if command -v tshark >/dev/null 2>&1; then
    # Decrypted with no key-log option: the two HTTP requests of the sample.
    HOME=$WORK XDG_CONFIG_HOME=$WORK tshark -r "$WORK/s01.pcapng" \
        -Y http.request >"$WORK/tshark.txt"
    [ "$(wc -l <"$WORK/tshark.txt")" -eq 2 ]
fi

# Shell completion: installed where bash-completion looks, and it loads.
f=/usr/share/bash-completion/completions/secretcap
[ -f "$f" ]
bash --norc --noprofile -c ". '$f' && complete -p secretcap" >"$WORK/complete"
grep -qx 'complete -F _secretcap secretcap' "$WORK/complete"
# ... and bash-completion's on-demand loader finds it by the command name.
if [ -f /usr/share/bash-completion/bash_completion ]; then
    bash --norc --noprofile -c '. /usr/share/bash-completion/bash_completion
        _completion_loader secretcap; complete -p secretcap' >"$WORK/complete"
    grep -qx 'complete -F _secretcap secretcap' "$WORK/complete"
fi
[ -f /usr/share/zsh/vendor-completions/_secretcap ]
[ -f /usr/share/fish/vendor_completions.d/secretcap.fish ]
[ -f /usr/share/doc/secretcap/README.md ]

# --------------------------------------------------------------- remove
dpkg -r secretcap
[ ! -e /usr/bin/secretcap ]
hash -r
# (not "! cmd": set -e ignores a negated command's status)
if command -v secretcap; then exit 1; fi
[ ! -e "$f" ]
if man -w secretcap 2>/dev/null; then exit 1; fi

set +x
echo "deb.sh: $(basename "$deb") built, installed, used and removed"
