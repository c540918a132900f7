# compress_output.sh - gzip output: a .gz OUTPUT name or --compress gzip
# gives a gzip file (or stream on stdout) that zcat turns back into exactly
# the uncompressed output, and tshark reads; --compress none keeps a .gz
# name uncompressed; --level is checked (usage errors, exit 2).
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys

for f in pcap-usec-le.pcap pcapng-be.pcapng pcapng-3-sections-mixed.pcapng \
    pcap-caplen-gt-snaplen.pcap; do
    in=$FIXTURES/$f
    run "$SECRETCAP" inject -q -k "$K" -o "$T/plain.pcapng" "$in"
    expect_rc 0 "plain output of $f"
    # By name.
    run "$SECRETCAP" inject -q -k "$K" -o "$T/out.pcapng.gz" "$in"
    expect_rc 0 "-o out.pcapng.gz $f"
    expect_stderr_empty
    check "$f: .gz output starts with the gzip magic" \
        test "$(head -c2 "$T/out.pcapng.gz" | od -An -tx1 | tr -d ' ')" = 1f8b
    zcat "$T/out.pcapng.gz" >"$T/unz.pcapng"
    expect_same "$T/unz.pcapng" "$T/plain.pcapng" "zcat of the .gz output of $f"
    expect_tshark_reads "$T/out.pcapng.gz"
    # By option, to stdout, every level.
    for level in 1 6 9; do
        run_sh "'$SECRETCAP' inject -q --compress gzip --level $level -k '$K' -o - '$in' | zcat >'$T/unz2.pcapng'"
        expect_rc 0 "--compress gzip --level $level -o - $f"
        expect_same "$T/unz2.pcapng" "$T/plain.pcapng" "level $level stdout output of $f"
    done
    # --compress none wins over the name.
    run "$SECRETCAP" inject -q --compress none -k "$K" -o "$T/none.pcapng.gz" "$in"
    expect_rc 0
    expect_same "$T/none.pcapng.gz" "$T/plain.pcapng" "--compress none of $f"
    rm -f "$T"/*.pcapng "$T"/*.gz
done

# Usage errors.
run "$SECRETCAP" inject --level 0 -k "$K" -o "$T/x.gz" "$FIXTURES/pcapng-le.pcapng"
expect_rc 2 "--level 0"
expect_stderr_eq "secretcap: --level: '0' is not a number from 1 to 9
$TRY_HELP"
run "$SECRETCAP" inject --level 3x -k "$K" -o "$T/x.gz" "$FIXTURES/pcapng-le.pcapng"
expect_rc 2 "--level 3x"
run "$SECRETCAP" inject --compress zstd -k "$K" -o "$T/x" "$FIXTURES/pcapng-le.pcapng"
expect_rc 2 "--compress zstd"
expect_stderr_eq "secretcap: --compress: 'zstd' is not one of: gzip none
$TRY_HELP"
run "$SECRETCAP" inject --level 5 -k "$K" -o "$T/x.pcapng" "$FIXTURES/pcapng-le.pcapng"
expect_rc 2 "--level without gzip output"
expect_stderr_eq "secretcap: --level needs gzip output (--compress gzip or an output name ending in .gz)
$TRY_HELP"
expect_absent "$T/x.pcapng"
expect_no_temps "$T"
finish
