# toolbox_extract.sh - `secretcap extract`: TLS gives one normalised key log
# (union of the TLS DSBs in order, duplicates once, LF ends), whatever the
# byte order or compression; other types give the payloads as stored;
# --split names files like editcap 4.4; no matching DSB and pcap input are
# errors (exit 1); usage errors exit 2; hostile DSBs are reported, not
# trusted. Also the editcap form --extract-secrets.
. "$(dirname "$0")/lib.sh"
need_binary
S=$SECRETCAP
F=$FIXTURES

# TLS from a mixed capture: 2 distinct lines, CRLF normalised, in order.
for f in dsb-mixed.pcapng dsb-mixed-be.pcapng dsb-mixed.pcapng.gz; do
    run "$S" extract "$F/$f"
    expect_rc 0 "extract $f"
    expect_stderr_empty
    cp "$T/stdout" "$T/$f.keys"
    check "$f: 2 lines" test "$(wc -l <"$T/stdout")" -eq 2
    check "$f: no CR" test "$(tr -cd '\r' <"$T/stdout" | wc -c)" -eq 0
done
expect_same "$T/dsb-mixed.pcapng.keys" "$T/dsb-mixed-be.pcapng.keys" "byte order changes extract"
expect_same "$T/dsb-mixed.pcapng.keys" "$T/dsb-mixed.pcapng.gz.keys" "gzip changes extract"
check "first line is the first DSB's" test "$(head -c 14 "$T/dsb-mixed.pcapng.keys")" = "CLIENT_RANDOM "

# -o FILE is the same bytes; written atomically, no temp left.
mkdir "$T/o"
run "$S" extract -o "$T/o/k.keys" "$F/dsb-mixed.pcapng"
expect_rc 0 "extract -o"
expect_stdout_empty
expect_same "$T/o/k.keys" "$T/dsb-mixed.pcapng.keys"
expect_no_temps "$T/o"

# Other types: payloads as stored.
run "$S" extract -t ssh "$F/dsb-mixed.pcapng"
expect_rc 0 "extract -t ssh"
expect_same "$T/stdout" "$F/ssh.keys" "ssh payload"
run "$S" extract -t 0x12345678 -o "$T/unk.bin" "$F/dsb-mixed.pcapng"
expect_rc 0 "extract unknown type"
check "unknown type payload is 13 bytes" test "$(wc -c <"$T/unk.bin")" -eq 13

# --split: one file per matching DSB, editcap names.
run "$S" extract --split -t all -o "$T/o/s.txt" "$F/dsb-mixed.pcapng"
expect_rc 0 "extract --split"
for i in 0 1 2 3; do expect_exists "$T/o/s_0000$i.txt"; done
expect_absent "$T/o/s_00004.txt"
expect_absent "$T/o/s.txt"
expect_same "$T/o/s_00001.txt" "$F/ssh.keys" "split file 1 is the SSH DSB"
run "$S" extract --split "$F/dsb-mixed.pcapng"
expect_rc 2 "--split without -o"
expect_stderr_eq "secretcap: --split needs -o FILE (the name the numbered files are derived from)
$TRY_HELP"

# Nothing of that type: exit 1, nothing written.
run "$S" extract -t wg -o "$T/o/none" "$F/dsb-mixed.pcapng"
expect_rc 1 "no wg DSB"
expect_stderr_eq "secretcap: $F/dsb-mixed.pcapng: no secrets blocks of type wg (4 of other types; see 'secretcap info')"
expect_absent "$T/o/none"
run "$S" extract "$F/pcapng-le.pcapng"
expect_rc 1 "no DSB at all"
expect_stderr_eq "secretcap: $F/pcapng-le.pcapng: no secrets blocks"
run "$S" extract "$F/pcap-usec-le.pcap"
expect_rc 1 "pcap input"
expect_stderr_eq "secretcap: $F/pcap-usec-le.pcap: is a pcap file; it holds no secrets blocks"

# Hostile payloads: reported, skipped, the valid DSB kept.
run "$S" extract "$F/dsb-binary-tls.pcapng"
expect_rc 0 "binary TLS DSBs"
check "one valid line kept" test "$(wc -l <"$T/stdout")" -eq 1
expect_stderr_match 'DSB #1: no valid key-log line; block skipped$'
expect_stderr_match 'DSB #2: key log is UTF-16; re-save it as UTF-8; block skipped$'
expect_stderr_not_match '[0-9a-f]{16}'
run "$S" extract -q "$F/dsb-zero-length.pcapng"
expect_rc 1 "only an empty TLS DSB"
expect_stderr_eq "secretcap: $F/dsb-zero-length.pcapng: no valid key-log line in its 1 TLS secrets block"
run "$S" extract "$F/dsb-5000.pcapng"
expect_rc 0 "5000 DSBs"
check "5000 lines" test "$(wc -l <"$T/stdout")" -eq 5000
run "$S" extract "$F/dsb-secrets-past-block.pcapng"
expect_rc 1 "secrets length past the block"
expect_stdout_empty

# Output may not be the input; usage errors.
cp "$F/dsb-mixed.pcapng" "$T/in.pcapng"
run "$S" extract -o "$T/in.pcapng" "$T/in.pcapng"
expect_rc 2 "output is input"
expect_same "$T/in.pcapng" "$F/dsb-mixed.pcapng" "input untouched"
run "$S" extract -t nope "$F/dsb-mixed.pcapng"
expect_rc 2 "bad type"
run "$S" extract
expect_rc 2 "no input"
expect_stderr_eq "secretcap: no input capture given
$TRY_HELP"
run "$S" extract --help
expect_rc 0 "--help"
expect_stderr_empty
check "help mentions --split" grep -q -- '--split' "$T/stdout"

# editcap form: one DSB -> OUTPUT, several -> _00000..., '-' -> stdout.
run "$S" --extract-secrets "$F/dsb-mixed.pcapng" "$T/o/e.keys"
expect_rc 0 "--extract-secrets, 4 DSBs"
for i in 0 1 2 3; do expect_exists "$T/o/e_0000$i.keys"; done
expect_absent "$T/o/e.keys"
"$S" inject -k "$F/keys-valid.keys" -o "$T/one.pcapng" "$F/pcapng-le.pcapng"
run "$S" --extract-secrets "$T/one.pcapng" "$T/o/one.keys"
expect_rc 0 "--extract-secrets, 1 DSB"
expect_same "$T/o/one.keys" "$F/keys-valid.normalised" "editcap form, one DSB"
run "$S" --extract-secrets "$F/dsb-mixed.pcapng" -
expect_rc 0 "--extract-secrets to stdout"
cat "$T/o/e_0000"[0-3].keys >"$T/cat"
expect_same "$T/stdout" "$T/cat" "stdout is the concatenation"
run "$S" --extract-secrets --discard-all-secrets "$F/dsb-mixed.pcapng" "$T/o/x"
expect_rc 2 "--extract-secrets with another option"
finish
