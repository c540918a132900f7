# compress_output.sh - every pair of input and output compression (none,
# gzip, zstd, lz4) for pcap and pcapng inputs: the output, decompressed by
# the real tool (zcat, zstd -dc, lz4 -dc), is exactly the uncompressed
# output of the plain input, and tshark reads the compressed file itself.
# The output format comes from the name (.gz, .zst, .lz4) or --compress
# (which wins); stdout is uncompressed unless --compress says otherwise;
# --level and --threads are checked against the format (usage errors,
# exit 2, nothing written).
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys

for tool in zstd lz4 gzip; do
    command -v $tool >/dev/null 2>&1 || skip "$tool is not installed (apt-get install $tool)"
done

# compress FORMAT IN OUT, decompress FORMAT IN OUT: the reference tools.
compress() {
    case $1 in
    none) cp "$2" "$3" ;;
    gzip) gzip -c "$2" >"$3" ;;
    zstd) zstd -q -c "$2" >"$3" ;;
    lz4) lz4 -q -c "$2" >"$3" ;;
    esac
}
decompress() {
    case $1 in
    none) cp "$2" "$3" ;;
    gzip) zcat "$2" >"$3" ;;
    zstd) zstd -q -dc "$2" >"$3" ;;
    lz4) lz4 -q -dc "$2" >"$3" ;;
    esac
}
suffix() {
    case $1 in
    none) echo "" ;; gzip) echo .gz ;; zstd) echo .zst ;; lz4) echo .lz4 ;;
    esac
}
magic() {  # the first 4 bytes a FORMAT file starts with
    case $1 in
    gzip) echo 1f8b ;; zstd) echo 28b52ffd ;; lz4) echo 04224d18 ;;
    esac
}

first=1
for f in pcap-usec-le.pcap pcapng-be.pcapng pcapng-3-sections-mixed.pcapng; do
    run "$SECRETCAP" inject -q -k "$K" -o "$T/plain.pcapng" "$FIXTURES/$f"
    expect_rc 0 "plain output of $f"
    for inc in none gzip zstd lz4; do
        in=$T/in$(suffix $inc)
        compress $inc "$FIXTURES/$f" "$in"
        for outc in none gzip zstd lz4; do
            out=$T/out.pcapng$(suffix $outc)
            run "$SECRETCAP" inject -q -k "$K" -o "$out" "$in"
            expect_rc 0 "$f as $inc -> $outc (by name)"
            expect_stderr_empty
            if [ $outc != none ]; then
                m=$(magic $outc)
                check "$f $inc -> $outc: output starts with the $outc magic" \
                    test "$(head -c$((${#m} / 2)) "$out" | od -An -tx1 | tr -d ' \n')" = "$m"
            fi
            decompress $outc "$out" "$T/unz.pcapng"
            expect_same "$T/unz.pcapng" "$T/plain.pcapng" "$f $inc -> $outc, decompressed by the $outc tool"
            # tshark opens the compressed output itself (once per format).
            [ $first = 1 ] && [ $inc = none ] && expect_tshark_reads "$out"
            rm -f "$out"
        done
        # By option, to stdout.
        for outc in gzip zstd lz4; do
            run_sh "'$SECRETCAP' inject -q --compress $outc -k '$K' -o - '$in' >'$T/stdout.bin'"
            expect_rc 0 "--compress $outc -o - ($f as $inc)"
            decompress $outc "$T/stdout.bin" "$T/unz.pcapng"
            expect_same "$T/unz.pcapng" "$T/plain.pcapng" "$f $inc -> --compress $outc on stdout"
        done
        # stdin in, any compression.
        run_sh "'$SECRETCAP' inject -q -k '$K' -o '$T/fromstdin.pcapng' - <'$in'"
        expect_rc 0 "$f as $inc on stdin"
        expect_same "$T/fromstdin.pcapng" "$T/plain.pcapng" "$f as $inc on stdin"
        rm -f "$in" "$T/fromstdin.pcapng"
    done
    first=0
    # Every level and thread count gives the same capture.
    for spec in "gzip 1" "gzip 9" "zstd 1" "zstd 19" "lz4 1" "lz4 12"; do
        set -- $spec
        run "$SECRETCAP" inject -q --compress $1 --level $2 -k "$K" -o "$T/lv" "$FIXTURES/$f"
        expect_rc 0 "--compress $1 --level $2 ($f)"
        decompress $1 "$T/lv" "$T/unz.pcapng"
        expect_same "$T/unz.pcapng" "$T/plain.pcapng" "$f --compress $1 --level $2"
    done
    for t in 0 1 2 4; do
        run "$SECRETCAP" inject -q -T $t -k "$K" -o "$T/t.pcapng.zst" "$FIXTURES/$f"
        expect_rc 0 "-T $t ($f)"
        decompress zstd "$T/t.pcapng.zst" "$T/unz.pcapng"
        expect_same "$T/unz.pcapng" "$T/plain.pcapng" "$f zstd -T $t"
    done
    # --compress none wins over the name; --compress zstd over .gz.
    run "$SECRETCAP" inject -q --compress none -k "$K" -o "$T/none.pcapng.gz" "$FIXTURES/$f"
    expect_rc 0
    expect_same "$T/none.pcapng.gz" "$T/plain.pcapng" "--compress none of $f"
    run "$SECRETCAP" inject -q --compress zstd -k "$K" -o "$T/z.pcapng.gz" "$FIXTURES/$f"
    expect_rc 0
    decompress zstd "$T/z.pcapng.gz" "$T/unz.pcapng"
    expect_same "$T/unz.pcapng" "$T/plain.pcapng" "--compress zstd -o x.gz of $f"
    rm -f "$T"/*.pcapng "$T"/*.gz "$T"/*.zst "$T"/lv
done

# strip writes compressed output the same way.
run "$SECRETCAP" inject -q -k "$K" -o "$T/with.pcapng.lz4" "$FIXTURES/pcapng-be.pcapng"
expect_rc 0
run "$SECRETCAP" strip -q -o "$T/stripped.pcapng.zst" "$T/with.pcapng.lz4"
expect_rc 0 "strip lz4 -> zstd"
run "$SECRETCAP" strip -q -o "$T/stripped.pcapng" "$T/with.pcapng.lz4"
expect_rc 0 "strip lz4 -> none"
decompress zstd "$T/stripped.pcapng.zst" "$T/unz.pcapng"
expect_same "$T/unz.pcapng" "$T/stripped.pcapng" "strip to .zst"

# Usage errors: exit 2, nothing written.
F=$FIXTURES/pcapng-le.pcapng
run "$SECRETCAP" inject --level 0 -k "$K" -o "$T/x.gz" "$F"
expect_rc 2 "--level 0"
expect_stderr_eq "secretcap: --level: '0' is not a compression level (gzip 1-9, zstd 1-19, lz4 1-12)
$TRY_HELP"
run "$SECRETCAP" inject --level 3x -k "$K" -o "$T/x.gz" "$F"
expect_rc 2 "--level 3x"
run "$SECRETCAP" inject --level 10 -k "$K" -o "$T/x.gz" "$F"
expect_rc 2 "--level 10 with gzip"
expect_stderr_eq "secretcap: --level: 10 is not a gzip level (1 to 9)
$TRY_HELP"
run "$SECRETCAP" inject --level 20 -k "$K" -o "$T/x.zst" "$F"
expect_rc 2 "--level 20 with zstd"
expect_stderr_eq "secretcap: --level: 20 is not a zstd level (1 to 19)
$TRY_HELP"
run "$SECRETCAP" inject --level 13 --compress lz4 -k "$K" -o - "$F"
expect_rc 2 "--level 13 with lz4"
expect_stderr_eq "secretcap: --level: 13 is not a lz4 level (1 to 12)
$TRY_HELP"
run "$SECRETCAP" inject --compress xz -k "$K" -o "$T/x" "$F"
expect_rc 2 "--compress xz"
expect_stderr_eq "secretcap: --compress: 'xz' is not one of: gzip zstd lz4 none
$TRY_HELP"
run "$SECRETCAP" inject --level 5 -k "$K" -o "$T/x.pcapng" "$F"
expect_rc 2 "--level without compressed output"
expect_stderr_eq "secretcap: --level needs compressed output (--compress gzip|zstd|lz4 or an output name ending in .gz, .zst or .lz4)
$TRY_HELP"
run "$SECRETCAP" inject -T 2 -k "$K" -o "$T/x.pcapng.gz" "$F"
expect_rc 2 "-T with gzip output"
expect_stderr_eq "secretcap: --threads needs zstd output (--compress zstd or an output name ending in .zst)
$TRY_HELP"
run "$SECRETCAP" inject --threads -1 -k "$K" -o "$T/x.zst" "$F"
expect_rc 2 "--threads -1"
expect_stderr_eq "secretcap: --threads: '-1' is not a number from 0 to 256
$TRY_HELP"
run "$SECRETCAP" strip --level 4 -o "$T/x.pcapng" "$F"
expect_rc 2 "strip --level without compressed output"
for x in x.pcapng x.gz x.zst x.pcapng.gz; do
    expect_absent "$T/$x"
done
expect_no_temps "$T"
finish
