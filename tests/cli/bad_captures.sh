# bad_captures.sh - every defective capture in tests/fixtures (the table is
# tests/fixtures/bad-captures.tsv, written by make_fixtures.py): exit 1 within
# 10 s, exactly one stderr line "secretcap: <path>: <what>" where <what>
# names the offset (and for pcapng the block number and type) of the bad
# block; no output file, a pre-existing output byte-identical, no temp files,
# the input unchanged. Also a directory and /dev/zero as input.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
O=$T/out
mkdir "$O"
(cd "$FIXTURES" && find . -type f -exec md5sum {} + | sort >"$T/before.md5")
echo "precious old output" >"$T/old.pcapng"
cp "$T/old.pcapng" "$T/old.copy"

ere_quote() { printf '%s' "$1" | sed 's/[][\.|$(){}?+*^]/\\&/g'; }

n=0
while IFS=$'\t' read -r name re; do
    case $name in ''|'#'*) continue ;; esac
    n=$((n + 1))
    in=$FIXTURES/$name
    # 1. new output name: nothing may appear.
    run timeout 10 "$SECRETCAP" inject -k "$K" -o "$O/$name.pcapng" "$in"
    expect_rc 1 "$name"
    expect_stderr_lines "secretcap: $(ere_quote "$in"): $re"
    expect_stdout_empty
    expect_absent "$O/$name.pcapng"
    # 2. existing output: left exactly as it was.
    run timeout 10 "$SECRETCAP" inject -k "$K" -o "$T/old.pcapng" "$in"
    expect_rc 1 "$name over an existing output"
    expect_same "$T/old.pcapng" "$T/old.copy" "$name: existing output modified"
    # 3. the editcap form fails the same way.
    run timeout 10 "$SECRETCAP" --inject-secrets "tls,$K" "$in" "$O/$name.e.pcapng"
    expect_rc 1 "$name (editcap form)"
    expect_absent "$O/$name.e.pcapng"
done <"$FIXTURES/bad-captures.tsv"
check "bad-captures.tsv lists the bad fixtures (found $n)" test "$n" -ge 30
expect_no_temps "$O"
expect_no_temps "$T"

# The same through stdin (a pipe): still exit 1 and an offset.
run_sh "cat '$FIXTURES/trunc-in-epb-data.pcapng' | '$SECRETCAP' inject -k '$K' -o '$O/pipe.pcapng' -"
expect_rc 1 "truncated pcapng on stdin"
expect_stderr_lines "secretcap: .*offset [0-9]+: block #3 \(EPB\): .+"
expect_absent "$O/pipe.pcapng"
run_sh "cat '$FIXTURES/gzip-bad-crc.pcap.gz' | '$SECRETCAP' inject -k '$K' -o '$O/pipe.pcapng' -"
expect_rc 1 "gzip with a bad CRC on stdin"
expect_absent "$O/pipe.pcapng"

# Not captures at all.
run timeout 10 "$SECRETCAP" inject -k "$K" -o "$O/dir.pcapng" "$FIXTURES"
expect_rc 1 "a directory as input"
expect_stderr_lines "secretcap: $(ere_quote "$FIXTURES"): .+"
expect_absent "$O/dir.pcapng"
run timeout 10 "$SECRETCAP" inject -k "$K" -o "$O/zero.pcapng" /dev/zero
expect_rc 1 "/dev/zero as input (must not read forever)"
expect_stderr_lines "secretcap: /dev/zero: .*not a capture file.*"
expect_absent "$O/zero.pcapng"
run "$SECRETCAP" inject -k "$K" -o "$O/none.pcapng" "$T/no-such-file.pcap"
expect_rc 1 "missing input"
expect_stderr_lines "secretcap: $(ere_quote "$T")/no-such-file\.pcap: .*No such file or directory.*"
expect_absent "$O/none.pcapng"

(cd "$FIXTURES" && find . -type f -exec md5sum {} + | sort >"$T/after.md5")
expect_same "$T/before.md5" "$T/after.md5" "fixtures modified by the runs"
finish
