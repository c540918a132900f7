# gzip_trailing.sh - a gzip input followed by zero bytes (tape padding) is
# read like gzip(1) reads it, with its warning "decompression OK, trailing
# zero bytes ignored" (issue 13), from a file and from a pipe, also after a
# multi-member stream; any other trailing data stays an error (exit 1,
# nothing written).
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
cd "$T" || exit 1
{ gzip -c "$FIXTURES/pcapng-le.pcapng"; head -c 70000 /dev/zero; } >z.pcapng.gz
run "$SECRETCAP" inject -k "$K" -o out.pcapng z.pcapng.gz
expect_rc 0 "gzip + 70000 zero bytes"
expect_stderr_eq "secretcap: warning: z.pcapng.gz: decompression OK, 70000 trailing zero bytes ignored"
expect_exists out.pcapng
run "$SECRETCAP" inject -k "$K" -o ref.pcapng "$FIXTURES/pcapng-le.pcapng"
expect_same out.pcapng ref.pcapng "the output of the padded gzip"
run_sh "cat z.pcapng.gz | '$SECRETCAP' inject -k '$K' -o pipe.pcapng -"
expect_rc 0 "from a pipe"
expect_stderr_eq "secretcap: warning: stdin: decompression OK, 70000 trailing zero bytes ignored"
{ head -c 200 "$FIXTURES/pcapng-le.pcapng" | gzip -c; tail -c +201 "$FIXTURES/pcapng-le.pcapng" | gzip -c; head -c 3 /dev/zero; } >m.pcapng.gz
run "$SECRETCAP" inject -k "$K" -o m.pcapng m.pcapng.gz
expect_rc 0 "two members + 3 zero bytes"
expect_stderr_eq "secretcap: warning: m.pcapng.gz: decompression OK, 3 trailing zero bytes ignored"
expect_same m.pcapng ref.pcapng "the output of the padded two-member gzip"
# No padding: no warning.
gzip -c "$FIXTURES/pcapng-le.pcapng" >plain.pcapng.gz
run "$SECRETCAP" inject -k "$K" -o plain.pcapng plain.pcapng.gz
expect_rc 0 "plain gzip"
expect_stderr_empty
# Other trailing data is still an error.
{ gzip -c "$FIXTURES/pcapng-le.pcapng"; head -c 5 /dev/zero; printf 'junk'; } >j.pcapng.gz
n=$(($(gzip -c "$FIXTURES/pcapng-le.pcapng" | wc -c) + 5))
run "$SECRETCAP" inject -k "$K" -o j.pcapng j.pcapng.gz
expect_rc 1 "zeros then junk"
expect_stderr_eq "secretcap: j.pcapng.gz: compressed offset $n: trailing garbage after gzip member"
expect_absent j.pcapng
finish
