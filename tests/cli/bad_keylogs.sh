# bad_keylogs.sh - key-log validation. Not a key log (UTF-16, binary, empty,
# only comments, a capture, a directory, a missing file): exit 1, one line
# naming the key-log file, no output. Some bad lines: exit 0 with one
# "secretcap: warning: FILE:LINE: ..." per bad line and no secret hex in
# stderr; --strict turns the first bad line into an error (exit 1). A UTF-8
# BOM: stripped with a warning; -q silences warnings.
. "$(dirname "$0")/lib.sh"
need_binary
IN=$FIXTURES/pcapng-le.pcapng
O=$T/out.pcapng
q() { printf '%s' "$1" | sed 's/[][\.|$(){}?+*^]/\\&/g'; }

for k in keys-utf16.keys keys-binary.keys keys-empty.keys \
    keys-only-comments.keys pcapng-le.pcapng pcap-usec-le.pcap.gz; do
    run "$SECRETCAP" inject -k "$FIXTURES/$k" -o "$O" "$IN"
    expect_rc 1 "-k $k"
    expect_stderr_lines "secretcap: $(q "$FIXTURES/$k")(:[0-9]+)?: .+"
    expect_absent "$O"
    # Also when a good key log comes first: one bad file fails the run.
    run "$SECRETCAP" inject -k "$FIXTURES/keys-valid.keys" -k "$FIXTURES/$k" -o "$O" "$IN"
    expect_rc 1 "-k keys-valid.keys -k $k"
    expect_absent "$O"
done
run "$SECRETCAP" inject -k "$FIXTURES" -o "$O" "$IN"
expect_rc 1 "a directory as key log"
expect_stderr_lines "secretcap: $(q "$FIXTURES"): .+"
expect_absent "$O"
run "$SECRETCAP" inject -k "$T/missing.keys" -o "$O" "$IN"
expect_rc 1 "a missing key log"
expect_stderr_lines "secretcap: $(q "$T/missing.keys"): .*No such file or directory.*"
expect_absent "$O"
run "$SECRETCAP" --inject-secrets "tls,$FIXTURES/keys-utf16.keys" "$IN" "$O"
expect_rc 1 "editcap form with a UTF-16 key log"
expect_absent "$O"

# Some bad lines: warnings naming file:line, exit 0, only the good lines kept.
SB=$FIXTURES/keys-some-bad.keys
run "$SECRETCAP" inject -k "$SB" -o "$O" "$IN"
expect_rc 0 "keys-some-bad.keys"
w="secretcap: warning: $(q "$SB")"
expect_stderr_lines "$w:3: .+" "$w:5: .+" "$w:6: .+" "$w:7: .+" "$w:8: .+"
expect_stderr_not_match '[0-9A-Fa-f]{16}' "warnings must not echo secret hex"
if command -v python3 >/dev/null 2>&1 && [ -s "$O" ]; then
    extract "$O" >"$T/dsb.txt"
    expect_same "$T/dsb.txt" "$FIXTURES/keys-some-bad.normalised" \
        "DSB text for keys-some-bad.keys"
fi
rm -f "$O"
run "$SECRETCAP" inject -q -k "$SB" -o "$O" "$IN"
expect_rc 0 "keys-some-bad.keys -q"
expect_stderr_empty "-q must silence key-log warnings"
rm -f "$O"
run "$SECRETCAP" inject --strict -k "$SB" -o "$O" "$IN"
expect_rc 1 "keys-some-bad.keys --strict"
expect_stderr_lines "secretcap: $(q "$SB"):3: .+"
expect_stderr_not_match '[0-9A-Fa-f]{16}' "errors must not echo secret hex"
expect_absent "$O"
run "$SECRETCAP" inject --strict -k "$FIXTURES/keys-valid.keys" -o "$O" "$IN"
expect_rc 0 "a valid key log with --strict"
expect_stderr_empty
rm -f "$O"

# UTF-8 BOM: stripped with a warning that says so.
run "$SECRETCAP" inject -k "$FIXTURES/keys-bom.keys" -o "$O" "$IN"
expect_rc 0 "keys-bom.keys"
expect_stderr_lines "secretcap: warning: $(q "$FIXTURES/keys-bom.keys")(:1)?: .*([Bb][Oo][Mm]|byte.order.mark).*"
rm -f "$O"

# Key log from stdin ("-"), with the capture from a file.
RUN_STDIN=$SB run "$SECRETCAP" inject -k - -o "$O" "$IN"
expect_rc 0 "key log on stdin"
check "stdin key-log warnings name a line" grep -Eq '^secretcap: warning: .+:3: ' "$T/stderr"
expect_stderr_not_match '[0-9A-Fa-f]{16}'
finish
