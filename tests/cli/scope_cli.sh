# scope_cli.sh - `inject --scope capture`: only the key-log lines of the
# capture's sessions are embedded (s03: 3 of 8 sessions; the expected lines
# are the key log's lines that carry one of the capture's client randoms),
# the stderr summary line, --scope bogus (exit 2), every input form giving
# the same bytes (file, pipe spooled to $TMPDIR, stdin from a regular file
# needing no spool, gzip), a missing $TMPDIR with a pipe (exit 1, the
# directory named, no output left), legacy RSA lines dropped and counted,
# batch mode's report fields, --keylog-for, and the warning for non-TLS
# secrets (embedded whole).
. "$(dirname "$0")/lib.sh"
need_binary
need_corpus
need_python

P=$CORPUS/s03-extra-keys/s03.pcap
K=$CORPUS/s03-extra-keys/s03_with_extra.keys
for f in "$P" "$K"; do
    [ -f "$f" ] || skip "corpus file missing: $f"
done
# The client randoms of s03's three ClientHellos (MANIFEST: 8 sessions in
# the key log, 3 in the capture); tshark confirms them when installed.
cat >"$T/randoms" <<'EOF'
203b8bb72397688f82fd08addae3b962970e33ddb31ed960aa9b4c7af5c9044d
5641af685bd45af961354af0fb723a996703910b0f32671f66651c4e27ad684a
d6e3f36a2127a5e78c432896690a0747125b39a1278f110115d21835371bc294
EOF
if have_tshark; then
    randoms_tshark "$P" "$T/tshark.randoms"
    expect_same "$T/tshark.randoms" "$T/randoms" "s03 randoms (tshark)"
fi
# The expected key log: the lines naming one of those randoms (field 2).
awk 'NR == FNR {r[tolower($1)] = 1; next}
     NF == 3 && (tolower($2) in r)' "$T/randoms" "$K" | tr -d '\r' | sort \
    >"$T/want.keys"
check "the expected key log has the 11 lines of 3 sessions" \
    test "$(wc -l <"$T/want.keys")" = 11
total=$(grep -c '^[A-Z]' "$K")
dropped=$((total - 11))
SUMMARY="--scope capture: 3 sessions (3 with complete keys, 0 partial, 0 without keys); key-log lines kept 11, dropped $dropped (0 legacy RSA)"

keys_of() {  # keys_of CAPTURE : its embedded TLS key log, sorted
    "$SECRETCAP" extract "$1" | sort
}

# File input.
run "$SECRETCAP" inject --scope capture -k "$K" -o "$T/file.pcapng" "$P"
expect_rc 0 "inject --scope capture"
expect_stdout_empty
expect_stderr_eq "secretcap: $P: $SUMMARY"
keys_of "$T/file.pcapng" >"$T/got.keys"
expect_same "$T/got.keys" "$T/want.keys" "embedded lines = the capture's sessions' lines"
check "no line of another session is embedded" \
    bash -c '! grep -qviF -f "$0" "$1"' "$T/randoms" "$T/got.keys"
# Default --scope all: everything, no summary.
run "$SECRETCAP" inject -k "$K" -o "$T/all.pcapng" "$P"
expect_rc 0 "--scope all (default)"
expect_stderr_empty
check "--scope all embeds every line" \
    test "$(keys_of "$T/all.pcapng" | wc -l)" = "$total"
run "$SECRETCAP" inject --scope all -k "$K" -o "$T/all2.pcapng" "$P"
expect_rc 0 "--scope all"
expect_same "$T/all2.pcapng" "$T/all.pcapng" "--scope all = default"
# -q: no summary.
run "$SECRETCAP" inject -q --scope capture -k "$K" -o "$T/quiet.pcapng" "$P"
expect_rc 0 "-q --scope capture"
expect_stderr_empty
expect_same "$T/quiet.pcapng" "$T/file.pcapng" "-q output"
# Still decrypts for tshark (the corpus oracle), when tshark is there.
if have_tshark && [ -x "$CORPUS/oracle.sh" ] && [ -f "$P.expect" ]; then
    check "oracle.sh passes on the --scope capture output" \
        bash "$CORPUS/oracle.sh" "$T/file.pcapng" "$P.expect"
fi

# --scope bogus
run "$SECRETCAP" inject --scope bogus -k "$K" -o "$T/bogus.pcapng" "$P"
expect_rc 2 "--scope bogus"
expect_stderr_eq "secretcap: --scope: 'bogus' is not one of: all capture
$TRY_HELP"
expect_absent "$T/bogus.pcapng"

# A pipe: spooled to $TMPDIR, same bytes.
mkdir "$T/tmp"
run_sh "cat '$P' | TMPDIR='$T/tmp' '$SECRETCAP' inject --scope capture -k '$K' -o '$T/pipe.pcapng' -"
expect_rc 0 "--scope capture from a pipe"
expect_stderr_eq "secretcap: stdin: $SUMMARY"
expect_same "$T/pipe.pcapng" "$T/file.pcapng" "pipe input = file input"
check "the spool file is gone (unlinked)" test -z "$(ls -A "$T/tmp")"
# A pipe to stdout.
run_sh "cat '$P' | TMPDIR='$T/tmp' '$SECRETCAP' inject -q --scope capture -k '$K' -o - - >'$T/pipe2.pcapng'"
expect_rc 0 "pipe to stdout"
expect_same "$T/pipe2.pcapng" "$T/file.pcapng" "pipe to stdout"

# A missing TMPDIR with a pipe: exit 1, the directory named, no output.
mkdir "$T/outdir"
run_sh "cat '$P' | TMPDIR='$T/nonexistent' '$SECRETCAP' inject --scope capture -k '$K' -o '$T/outdir/x.pcapng' -"
expect_rc 1 "missing TMPDIR with a pipe"
expect_stderr_eq "secretcap: cannot create a temporary file in $T/nonexistent: No such file or directory"
expect_absent "$T/outdir/x.pcapng"
check "nothing left in the output directory" test -z "$(ls -A "$T/outdir")"

# stdin from a regular file: read twice by seeking, no spool needed.
RUN_STDIN=$P run env TMPDIR="$T/nonexistent" "$SECRETCAP" inject \
    --scope capture -k "$K" -o "$T/stdin.pcapng" -
expect_rc 0 "stdin from a regular file, TMPDIR missing"
expect_stderr_eq "secretcap: stdin: $SUMMARY"
expect_same "$T/stdin.pcapng" "$T/file.pcapng" "stdin (regular file) input"
# A regular file named on the command line needs no spool either.
run env TMPDIR="$T/nonexistent" "$SECRETCAP" inject --scope capture -k "$K" \
    -o "$T/file2.pcapng" "$P"
expect_rc 0 "named file, TMPDIR missing"
expect_same "$T/file2.pcapng" "$T/file.pcapng" "named file, TMPDIR missing"
# stdin from a regular file not at offset 0: the second pass starts where
# the first did (dd reads exactly the 5 prefix bytes).
{ printf 'xxxxx'; cat "$P"; } >"$T/prefixed"
run_sh "{ dd bs=5 count=1 of=/dev/null 2>/dev/null; TMPDIR='$T/nonexistent' '$SECRETCAP' inject -q --scope capture -k '$K' -o '$T/off.pcapng' -; } <'$T/prefixed'"
expect_rc 0 "stdin from a regular file at offset 5"
expect_stderr_empty
expect_same "$T/off.pcapng" "$T/file.pcapng" "stdin at offset 5"

# gzip: a file and a pipe give the same result.
gzip -c "$P" >"$T/s03.pcap.gz"
run "$SECRETCAP" inject --scope capture -k "$K" -o "$T/gz.pcapng" "$T/s03.pcap.gz"
expect_rc 0 "gzip file input"
expect_stderr_eq "secretcap: $T/s03.pcap.gz: $SUMMARY"
expect_same "$T/gz.pcapng" "$T/file.pcapng" "gzip file input"
run_sh "cat '$T/s03.pcap.gz' | TMPDIR='$T/tmp' '$SECRETCAP' inject -q --scope capture -k '$K' -o '$T/gzpipe.pcapng' -"
expect_rc 0 "gzip pipe input"
expect_same "$T/gzpipe.pcapng" "$T/file.pcapng" "gzip pipe input"
# gzip output.
run "$SECRETCAP" inject -q --scope capture -k "$K" -o "$T/out.pcapng.gz" "$P"
expect_rc 0 "gzip output"
check "gzip output decompresses to the same bytes" \
    cmp -s <(gzip -dc "$T/out.pcapng.gz") "$T/file.pcapng"

# Legacy RSA lines are dropped and counted.
{ cat "$K"; echo "RSA 0123456789abcdef 00112233445566778899aabbccddeeff"; } \
    >"$T/rsa.keys"
run "$SECRETCAP" inject --scope capture -k "$T/rsa.keys" -o "$T/rsa.pcapng" "$P"
expect_rc 0 "key log with a legacy RSA line"
expect_stderr_eq "secretcap: warning: $T/rsa.keys:$(($(wc -l <"$K") + 1)): 1 line with a Wireshark-only legacy label (RSA, PMS_CLIENT_RANDOM); only Wireshark uses them
secretcap: $P: --scope capture: 3 sessions (3 with complete keys, 0 partial, 0 without keys); key-log lines kept 11, dropped $((dropped + 1)) (1 legacy RSA)"
keys_of "$T/rsa.pcapng" >"$T/rsa.got"
expect_same "$T/rsa.got" "$T/want.keys" "RSA line not embedded"

# Keys for only some sessions: the summary says so.
grep -iF -f <(head -1 "$T/randoms") "$K" >"$T/one.keys"
run "$SECRETCAP" inject --scope capture -k "$T/one.keys" -o "$T/one.pcapng" "$P"
expect_rc 0 "keys of one session"
expect_stderr_match '^secretcap: .*: --scope capture: 3 sessions \(1 with complete keys, 0 partial, 2 without keys\); key-log lines kept [0-9]+, dropped 0 \(0 legacy RSA\)$'

# Batch mode: the report gains the session and line counts.
mkdir -p "$T/in"
cp "$P" "$T/in/s03.pcap"
cp "$K" "$T/in/s03.keys"
run "$SECRETCAP" inject -O "$T/outb" --scope capture -k "$K" \
    --report "$T/report.json" "$T/in/s03.pcap"
expect_rc 0 "batch --scope capture --report"
cat >"$T/report.py" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(rows) == 1, rows
r = rows[0]
want = {"status": "done", "sessions": 3, "sessions_complete": 3,
        "sessions_partial": 0, "sessions_without_keys": 0,
        "flows_without_handshake": 0, "keylog_lines_kept": 11,
        "keylog_lines_dropped": int(sys.argv[2]), "keylog_lines_legacy": 0}
for k, v in want.items():
    assert r.get(k) == v, (k, r.get(k), v)
EOF
check "report has sessions/keylog_lines_kept/keylog_lines_dropped" \
    python3 "$T/report.py" "$T/report.json" "$dropped"
keys_of "$T/outb/s03.pcapng" >"$T/batch.got"
expect_same "$T/batch.got" "$T/want.keys" "batch output's key log"
# Without --scope capture the report has no such fields.
run "$SECRETCAP" inject -O "$T/outb2" -k "$K" --report "$T/report2.json" \
    "$T/in/s03.pcap"
expect_rc 0 "batch --report without --scope"
check "no session fields without --scope capture" \
    bash -c '! grep -q "keylog_lines_kept" "$0"' "$T/report2.json"

# --keylog-for with --scope capture.
run "$SECRETCAP" inject -O "$T/outk" --scope capture \
    --keylog-for '{dir}/{stem}.keys' --report "$T/report3.json" "$T/in/s03.pcap"
expect_rc 0 "--keylog-for with --scope capture"
keys_of "$T/outk/s03.pcapng" >"$T/kf.got"
expect_same "$T/kf.got" "$T/want.keys" "--keylog-for output's key log"
check "--keylog-for report counts" \
    python3 "$T/report.py" "$T/report3.json" "$dropped"

# Non-TLS secrets: a warning, and they are embedded whole.
if [ -f "$FIXTURES/ssh.keys" ]; then
    SSH=$FIXTURES/ssh.keys
else
    SSH=$T/ssh.keys
    printf '%s SHARED_SECRET %s\n' 0123456789abcdef0123456789abcdef \
        00112233445566778899aabbccddeeff >"$SSH"
fi
run "$SECRETCAP" inject --scope capture -k "$K" -s "ssh:$SSH" \
    -o "$T/ssh.pcapng" "$P"
expect_rc 0 "--scope capture with ssh secrets"
expect_stderr_eq "secretcap: warning: --scope capture filters TLS key logs only; the ssh secrets are embedded whole
secretcap: $P: $SUMMARY"
keys_of "$T/ssh.pcapng" >"$T/ssh.got"
expect_same "$T/ssh.got" "$T/want.keys" "TLS lines still filtered"
check "ssh secrets embedded whole" \
    cmp -s <("$SECRETCAP" extract -t ssh "$T/ssh.pcapng" | sort) \
    <(grep -v '^#' "$SSH" | grep . | tr -d '\r' | sort)
finish
