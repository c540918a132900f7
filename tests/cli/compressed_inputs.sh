# compressed_inputs.sh - zstd and lz4 inputs in every command, the hostile
# streams (truncated frame, bad checksum, a frame declaring a 2 GiB window,
# only a skippable frame, trailing data, legacy lz4) with their exact
# messages and exit 1, --max-window, batch naming of .zst/.lz4 captures,
# and the corpus oracle: each shared-corpus capture compressed (gzip, zstd,
# lz4 in turn) and injected into a compressed output that tshark decrypts
# as it is.
. "$(dirname "$0")/lib.sh"
need_binary
for tool in zstd lz4; do
    command -v $tool >/dev/null 2>&1 || skip "$tool is not installed (apt-get install $tool)"
done
"$SECRETCAP" --version | grep -qx 'zstd: libzstd.*' || skip "this secretcap has no zstd (see --version)"
"$SECRETCAP" --version | grep -qx 'lz4: liblz4.*' || skip "this secretcap has no lz4 (see --version)"
K=$FIXTURES/keys-valid.keys
P=$FIXTURES/pcap-usec-le.pcap
NG=$FIXTURES/pcapng-be.pcapng
cd "$T" || exit 1

"$SECRETCAP" inject -q -k "$K" -o plain.pcapng "$P"
zstd -q -c "$P" >in.pcap.zst
lz4 -q -c "$P" >in.pcap.lz4

# expect_fails CMD... : exit 1, nothing written, no temp file.
expect_fails() {
    run "$SECRETCAP" inject -k "$K" -o out.pcapng "$@"
    expect_rc 1 "inject $*"
    expect_absent out.pcapng
    expect_no_temps .
}

# --- every command reads zstd and lz4 -------------------------------------
for z in in.pcap.zst in.pcap.lz4; do
    fmt=${z##*.}; [ "$fmt" = zst ] && fmt=zstd
    run "$SECRETCAP" info "$z"
    expect_rc 0 "info $z"
    check "info $z names the compression" grep -qx "  format:          pcap ($fmt-compressed)" "$T/stdout"
    check "info $z shows the compressed size" grep -q "^  compressed:      $(stat -c %s "$z") bytes" "$T/stdout"
    run "$SECRETCAP" info --json "$z"
    check "info --json $z: compression \"$fmt\"" grep -q "\"compression\": \"$fmt\"" "$T/stdout"
    run "$SECRETCAP" sessions "$z"
    expect_rc 0 "sessions $z"
    check "sessions $z names the compression" grep -q "^$z: pcap ($fmt), " "$T/stdout"
    run "$SECRETCAP" inject -q -k "$K" -o out.pcapng "$z"
    expect_same out.pcapng plain.pcapng "inject $z"
    "$SECRETCAP" inject -q -k "$K" -o - "$NG" | $fmt -q -c >ng.$fmt
    "$SECRETCAP" inject -q -k "$K" -o - "$NG" | "$SECRETCAP" extract - >keys.plain
    run "$SECRETCAP" extract ng.$fmt
    expect_rc 0 "extract from $fmt"
    expect_same "$T/stdout" keys.plain "extract from $fmt gives what extract of the plain file does"
    run "$SECRETCAP" strip -o stripped.pcapng ng.$fmt
    expect_rc 0 "strip $fmt"
    rm -f out.pcapng ng.$fmt stripped.pcapng
done

# --- hostile zstd streams ---------------------------------------------------
zstd -q --check -c "$P" >ok.zst
size=$(stat -c %s ok.zst)
head -c $((size - 3)) ok.zst >trunc.zst
expect_fails trunc.zst
expect_stderr_match "^secretcap: trunc\.zst: uncompressed offset [0-9]+ \(compressed offset $((size - 3))\): zstd stream truncated \(unexpected end of file\) \(--salvage writes every complete block before the cut\)\$"
# A flipped bit in the XXH64 content checksum (the frame's last 4 bytes).
python3 -c 'import sys; b=bytearray(open("ok.zst","rb").read()); b[-1]^=1; open("badsum.zst","wb").write(b)'
expect_fails badsum.zst
expect_stderr_match "^secretcap: badsum\.zst: uncompressed offset [0-9]+ \(compressed offset [0-9]+\): corrupt zstd data \(Restored data doesn't match checksum\)\$"
# A frame header declaring a 2 GiB window (window descriptor 0xa8: 2^31).
printf '\050\265\057\375\000\250' >win2g.zst
expect_fails win2g.zst
expect_stderr_eq "secretcap: win2g.zst: compressed offset 0: zstd frame needs a 2048 MiB window, more than the 128 MiB limit (raise it with --max-window MIB)"
# A real 256 MiB-window stream: refused by default, read with --max-window.
zstd -q --long=28 -c <"$P" >win256.zst
expect_fails win256.zst
expect_stderr_eq "secretcap: win256.zst: compressed offset 0: zstd frame needs a 256 MiB window, more than the 128 MiB limit (raise it with --max-window MIB)"
run "$SECRETCAP" inject -q --max-window 256 -k "$K" -o out.pcapng win256.zst
expect_rc 0 "--max-window 256"
expect_same out.pcapng plain.pcapng "--max-window 256 output"
rm -f out.pcapng
for cmd in "info" "sessions" "extract" "strip -o x.pcapng"; do
    # shellcheck disable=SC2086
    run "$SECRETCAP" $cmd win256.zst
    expect_rc 1 "$cmd refuses the 256 MiB window"
    # shellcheck disable=SC2086
    run "$SECRETCAP" $cmd --max-window 300 win256.zst
    check "$cmd --max-window 300 reads it (rc $(cat "$T/rc" 2>/dev/null))" \
        sh -c "! grep -q 'window' '$T/stderr'"
done
# Only a skippable frame.
printf '\120\052\115\030\004\000\000\000abcd' >skip.zst
expect_fails skip.zst
expect_stderr_eq "secretcap: skip.zst: empty file (after zstd decompression)"
# Trailing data after the last frame (garbage; zero padding).
{ cat ok.zst; printf 'garbage!'; } >trail.zst
expect_fails trail.zst
expect_stderr_eq "secretcap: trail.zst: compressed offset $size: data after the last zstd frame is not a zstd frame"
{ cat ok.zst; head -c 16 /dev/zero; } >zeros.zst
expect_fails zeros.zst
expect_stderr_eq "secretcap: zeros.zst: compressed offset $size: data after the last zstd frame is not a zstd frame"
# Two frames and skippable frames between them are one stream.
{ printf '\120\052\115\030\000\000\000\000'; head -c 100 "$P" | zstd -q -c
  printf '\121\052\115\030\002\000\000\000hi'; tail -c +101 "$P" | zstd -q -c; } >multi.zst
run "$SECRETCAP" inject -q -k "$K" -o out.pcapng multi.zst
expect_rc 0 "frames and skippable frames"
expect_same out.pcapng plain.pcapng "two frames and skippable frames"
rm -f out.pcapng
# The stream on stdin, truncated: the same error, named stdin.
run_sh "'$SECRETCAP' inject -k '$K' -o out.pcapng - <trunc.zst"
expect_rc 1 "truncated zstd on stdin"
expect_stderr_match "^secretcap: stdin: uncompressed offset [0-9]+ \(compressed offset $((size - 3))\): zstd stream truncated"
expect_absent out.pcapng

# --- hostile lz4 streams ----------------------------------------------------
lz4 -q -BX -c "$P" >ok.lz4 # block checksums on, content checksum on (default)
size=$(stat -c %s ok.lz4)
head -c $((size - 2)) ok.lz4 >trunc.lz4
expect_fails trunc.lz4
expect_stderr_match "^secretcap: trunc\.lz4: uncompressed offset [0-9]+ \(compressed offset $((size - 2))\): lz4 stream truncated \(unexpected end of file\) \(--salvage writes every complete block before the cut\)\$"
python3 -c 'import sys; b=bytearray(open("ok.lz4","rb").read()); b[-1]^=1; open("badsum.lz4","wb").write(b)'
expect_fails badsum.lz4
expect_stderr_match "^secretcap: badsum\.lz4: uncompressed offset [0-9]+ \(compressed offset [0-9]+\): corrupt lz4 data \(ERROR_contentChecksum_invalid\)\$"
# A flipped byte inside the first block's data: its block checksum fails.
python3 -c 'import sys; b=bytearray(open("ok.lz4","rb").read()); b[20]^=0x40; open("badblock.lz4","wb").write(b)'
expect_fails badblock.lz4
expect_stderr_match "^secretcap: badblock\.lz4: uncompressed offset 0 \(compressed offset [0-9]+\): corrupt lz4 data \(ERROR_blockChecksum_invalid\)\$"
{ cat ok.lz4; printf 'xyz'; } >trail.lz4
expect_fails trail.lz4
expect_stderr_eq "secretcap: trail.lz4: compressed offset $size: data after the last lz4 frame is not a lz4 frame"
lz4 -q -l -c "$P" >legacy.lz4
expect_fails legacy.lz4
expect_stderr_eq "secretcap: legacy.lz4: legacy lz4 format (lz4 -l) is not supported; decompress it first (lz4 -dc legacy.lz4 | secretcap ... -)"
{ lz4 -q -c "$P"; lz4 -q -c "$P" | head -c 0; } >one.lz4
cat one.lz4 one.lz4 >two.lz4
run "$SECRETCAP" info two.lz4
expect_rc 1 "two pcap files in two frames are not one capture"

# A leading skippable frame (zstd and lz4 share its magic): the frame after
# it decides.
{ printf '\120\052\115\030\004\000\000\000abcd'; lz4 -q -c "$P"; } >skipfirst.lz4
run "$SECRETCAP" inject -q -k "$K" -o out.pcapng skipfirst.lz4
expect_rc 0 "lz4 after a leading skippable frame"
expect_same out.pcapng plain.pcapng "lz4 after a leading skippable frame"
run "$SECRETCAP" info skipfirst.lz4
check "info calls it lz4" grep -qx "  format:          pcap (lz4-compressed)" "$T/stdout"
rm -f out.pcapng

# --- compression inside compression -----------------------------------------
zstd -q -c in.pcap.lz4 >nested.zst
expect_fails nested.zst
expect_stderr_eq "secretcap: nested.zst: lz4 data inside zstd is not supported"

# --- --max-window usage errors ----------------------------------------------
for bad in 0 2049 12x -5 ""; do
    run "$SECRETCAP" info --max-window "$bad" in.pcap.zst
    expect_rc 2 "--max-window '$bad'"
    expect_stderr_eq "secretcap: --max-window: '$bad' is not a number of MiB from 1 to 2048
$TRY_HELP"
done

# --- batch: .zst / .lz4 inputs and outputs ----------------------------------
mkdir -p caps sub/out
cp in.pcap.zst caps/a.pcap.zst
cp in.pcap.lz4 caps/b.pcap.lz4
"$SECRETCAP" inject -q -k "$K" -o caps/c.pcapng.zst "$NG"
run "$SECRETCAP" inject -q -k "$K" --compress zstd -O sub/out --report rep.jsonl caps
expect_rc 0 "batch --compress zstd"
for f in a b c; do
    expect_exists sub/out/$f.pcapng.zst
done
zstd -q -dc sub/out/a.pcapng.zst >a.pcapng
expect_same a.pcapng plain.pcapng "batch output of a.pcap.zst"
check "the report names the .zst outputs" grep -q '"output":"sub/out/a.pcapng.zst"' rep.jsonl
run "$SECRETCAP" inject -q -k "$K" --compress lz4 -O sub/lz caps
expect_rc 0 "batch --compress lz4"
expect_exists sub/lz/b.pcapng.lz4
# In place: a .pcapng.zst with zstd output replaces itself; the others get
# <stem>.pcapng.zst beside them.
run "$SECRETCAP" inject -q -k "$K" --compress zstd --in-place caps/c.pcapng.zst caps/a.pcap.zst
expect_rc 0 "batch --in-place --compress zstd"
expect_exists caps/a.pcapng.zst
expect_exists caps/a.pcap.zst
check "no c.pcapng.pcapng.zst" test ! -e caps/c.pcapng.pcapng.zst

# --- the corpus oracle on compressed inputs and outputs ----------------------
if [ -d "$CORPUS" ] && have_tshark; then
    i=0
    for exp in "$CORPUS"/s0*/*.expect; do
        c=${exp%.expect}
        case $c in *.gz | *.zst | *.lz4) continue ;; esac
        set -- "$(dirname "$c")"/*.keys
        k=$1
        case $((i % 3)) in
        0) inc=gzip; outs=.zst ;; 1) inc=zstd; outs=.lz4 ;; 2) inc=lz4; outs=.gz ;;
        esac
        $inc -q -c "$c" >corpus.in
        run "$SECRETCAP" inject -q -k "$k" -o "corpus.pcapng$outs" corpus.in
        expect_rc 0 "$(basename "$c") as $inc"
        CHECKS=$((CHECKS + 1))
        if ! "$CORPUS/oracle.sh" "corpus.pcapng$outs" "$exp" >oracle.out 2>&1; then
            fail "$(basename "$c") ($inc in, $outs out) does not decrypt: $(tail -1 oracle.out)"
        fi
        rm -f corpus.in "corpus.pcapng$outs"
        i=$((i + 1))
    done
    check "the corpus oracle ran on compressed captures" test $i -ge 5
else
    echo "SKIP (part): compressed corpus oracle: no shared corpus at $CORPUS or no tshark"
fi
finish
