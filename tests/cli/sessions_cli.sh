# sessions_cli.sh - `secretcap sessions`: help and usage errors (exit 2), a
# non-capture (exit 1, the file named), the text listing of the corpus's
# s01 (two session lines), --json (parsed with python3: files[].sessions[]
# with protocol, client_random, server_name, keys, missing), --require-keys
# (exit 0 with complete keys, 1 and one stderr line with partial ones),
# stdin input, two inputs, and that no secret of the key log is ever shown.
. "$(dirname "$0")/lib.sh"
need_binary
need_corpus
need_python

S01=$CORPUS/s01-tls13/s01.pcap
K01=$CORPUS/s01-tls13/s01.keys
S04=$CORPUS/s04-partial-keys/s04.pcapng
K04=$CORPUS/s04-partial-keys/s04_conn1_conn3.keys
for f in "$S01" "$K01" "$S04" "$K04"; do
    [ -f "$f" ] || skip "corpus file missing: $f"
done

# --help
run "$SECRETCAP" sessions --help
expect_rc 0 "sessions --help"
expect_stderr_empty
check "--help starts with the usage line" \
    grep -q '^Usage: secretcap sessions ' "$T/stdout"
check "--help mentions --require-keys" grep -q -- '--require-keys' "$T/stdout"
check "--help mentions --json" grep -q -- '--json' "$T/stdout"

# Usage errors: exit 2, the message and the hint, nothing on stdout.
run "$SECRETCAP" sessions
expect_rc 2 "no input"
expect_stdout_empty
expect_stderr_eq "secretcap: no input capture given
$TRY_HELP"

run "$SECRETCAP" sessions --bogus "$S01"
expect_rc 2 "unknown option"
expect_stdout_empty
expect_stderr_eq "secretcap: unknown option '--bogus'
$TRY_HELP"

for bad in 3 abc -5 '' 99999999999999999999 1073741825; do
    run "$SECRETCAP" sessions --max-flows "$bad" "$S01"
    expect_rc 2 "--max-flows '$bad'"
    expect_stdout_empty
    expect_stderr_eq "secretcap: --max-flows: '$bad' is not a number from 16 to 1073741824
$TRY_HELP"
done
run "$SECRETCAP" sessions --max-flows 16 "$S01"
expect_rc 0 "--max-flows 16"

run "$SECRETCAP" sessions - - <"$S01"
expect_rc 2 "stdin twice"

# A file that is not a capture: exit 1, the message names it.
printf 'just some text\n' >"$T/notes.txt"
run "$SECRETCAP" sessions "$T/notes.txt"
expect_rc 1 "not a capture"
expect_stderr_eq "secretcap: $T/notes.txt: not a capture file (no pcap or pcapng magic at offset 0)"
run "$SECRETCAP" sessions "$T/missing.pcap"
expect_rc 1 "missing file"
expect_stderr_match "^secretcap: $T/missing.pcap: cannot open: No such file or directory\$"

# Text: exactly two session lines for s01, the summary line, exit 0.
run "$SECRETCAP" sessions -k "$K01" "$S01"
expect_rc 0 "sessions -k s01.keys s01.pcap"
expect_stderr_empty
check "first line names the file, format, packets and sessions" \
    test "$(head -1 "$T/stdout")" = "$S01: pcap, 37 packets, 2 sessions"
check "exactly 2 session lines" \
    test "$(grep -c '^  tls  TLS 1.3 ' "$T/stdout")" = 2
check "exactly 2 client randoms" \
    test "$(grep -Ec ' random [0-9a-f]{64}$' "$T/stdout")" = 2
check "both sessions have complete keys" \
    test "$(grep -c '^       keys complete$' "$T/stdout")" = 2
check "summary line" grep -qx \
    '  summary: 2 sessions: 2 with complete keys, 0 partial, 0 none' \
    "$T/stdout"
cp "$T/stdout" "$T/text.out"
cp "$T/stderr" "$T/text.err"

# The randoms are the ClientHellos' (tshark as the oracle when present).
grep -Eo ' random [0-9a-f]{64}$' "$T/text.out" | awk '{print $2}' | sort \
    >"$T/randoms"
if have_tshark; then
    randoms_tshark "$S01" "$T/tshark.randoms"
    expect_same "$T/randoms" "$T/tshark.randoms" "client randoms vs tshark"
fi

# Secrets never appear: not one secret value of the key log, in any mode.
awk 'NF == 3 && $1 !~ /^#/ {print $3}' "$K01" >"$T/secrets"
check "the key log has secrets to look for" test -s "$T/secrets"
check "the secret search finds them in the key log itself" \
    grep -qiF -f "$T/secrets" "$K01"
no_secrets() {  # no_secrets WHAT FILE...
    local what=$1; shift
    check "no secret value in $what" \
        bash -c '! grep -qiF -f "$0" "$@"' "$T/secrets" "$@"
}
no_secrets "text output" "$T/text.out" "$T/text.err"
run "$SECRETCAP" sessions --json -k "$K01" "$S01"
no_secrets "JSON output" "$T/stdout" "$T/stderr"
run "$SECRETCAP" sessions -k "$K01" "$S04"
no_secrets "output for another capture" "$T/stdout" "$T/stderr"

# JSON: one document; files[0].sessions[*] with the documented members.
run "$SECRETCAP" sessions --json -k "$K01" "$S01"
expect_rc 0 "sessions --json"
expect_stderr_empty
cat >"$T/check.py" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
nfiles = int(sys.argv[2])
assert len(doc["files"]) == nfiles, doc["files"]
for f in doc["files"]:
    assert f["error"] is None, f["error"]
    assert len(f["sessions"]) >= 1
    for s in f["sessions"]:
        assert s["protocol"] in ("tls", "dtls", "quic"), s["protocol"]
        assert re.fullmatch("[0-9a-f]{64}", s["client_random"]), s
        assert "server_name" in s
        assert s["server_name"] is None or isinstance(s["server_name"], str)
        assert s["keys"] in ("complete", "partial", "none"), s["keys"]
        assert isinstance(s["missing"], list)
        assert (s["keys"] == "complete") == (s["missing"] == []), s
if len(sys.argv) > 3:
    print("\n".join(s["client_random"] for s in doc["files"][0]["sessions"]))
EOF
check "--json parses and has the session members" \
    python3 "$T/check.py" "$T/stdout" 1
python3 "$T/check.py" "$T/stdout" 1 print 2>/dev/null | sort >"$T/json.randoms"
expect_same "$T/json.randoms" "$T/randoms" "JSON randoms vs text randoms"

# Two inputs: two file objects (and two listings in text).
run "$SECRETCAP" sessions --json -k "$K01" -k "$K04" "$S01" "$S04"
expect_rc 0 "two inputs --json"
check "two inputs give two file objects" python3 "$T/check.py" "$T/stdout" 2
run "$SECRETCAP" sessions -k "$K01" "$S01" "$S04"
expect_rc 0 "two inputs, text"
check "two file header lines" \
    test "$(grep -Ec '^[^ ].*: pcapn?g?, [0-9]+ packets, [0-9]+ sessions?$' "$T/stdout")" = 2

# --require-keys
run "$SECRETCAP" sessions --require-keys -k "$K01" "$S01"
expect_rc 0 "--require-keys with complete keys"
expect_stderr_empty
run "$SECRETCAP" sessions --require-keys -k "$K04" "$S04"
expect_rc 1 "--require-keys with partial keys"
expect_stderr_eq "secretcap: $S04: --require-keys: 2 sessions without complete keys, 0 flows without handshake"
check "the listing is still printed" \
    grep -q '^  summary: 4 sessions: 2 with complete keys, 0 partial, 2 none$' \
    "$T/stdout"
run "$SECRETCAP" sessions --require-keys "$S01"
expect_rc 1 "--require-keys without any key log"
expect_stderr_eq "secretcap: $S01: --require-keys: 2 sessions without complete keys, 0 flows without handshake"

# stdin: the same listing, named "stdin".
RUN_STDIN=$S01 run "$SECRETCAP" sessions -k "$K01" -
expect_rc 0 "sessions from stdin"
expect_stderr_empty
check "stdin header line" \
    test "$(head -1 "$T/stdout")" = "stdin: pcap, 37 packets, 2 sessions"
check "stdin listing equals the file listing after the header" \
    cmp -s <(tail -n +2 "$T/stdout") <(tail -n +2 "$T/text.out")
run_sh "cat '$S01' | '$SECRETCAP' sessions -k '$K01' -"
expect_rc 0 "sessions from a pipe"
check "pipe listing equals the file listing after the header" \
    cmp -s <(tail -n +2 "$T/stdout") <(tail -n +2 "$T/text.out")

# gzip'd input: same sessions.
if [ -f "$S01.gz" ]; then
    run "$SECRETCAP" sessions -k "$K01" "$S01.gz"
    expect_rc 0 "gzip input"
    check "gzip header line" \
        test "$(head -1 "$T/stdout")" = "$S01.gz: pcap (gzip), 37 packets, 2 sessions"
fi
finish
