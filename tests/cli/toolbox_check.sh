# toolbox_check.sh - `secretcap check`: the exact report (labels, client
# randoms, TLS 1.2/1.3 completeness, duplicates and conflicts as file:line,
# across files), never a secret in the output; exit 1 for an unusable key
# log (UTF-16, binary, empty, a capture), 0 otherwise; JSON that parses;
# other types with --type.
. "$(dirname "$0")/lib.sh"
need_binary
S=$SECRETCAP
F=$FIXTURES
A=$(printf 'a%.0s' $(seq 64)); B=$(printf 'b%.0s' $(seq 64))
printf 'CLIENT_HANDSHAKE_TRAFFIC_SECRET %s 0123456789abcdef0123456789abcdef\nCLIENT_RANDOM %s 0123456789abcdef0123456789abcdef\nCLIENT_RANDOM %s 0123456789ABCDEF0123456789ABCDEF\nCLIENT_RANDOM %s fedcba9876543210fedcba9876543210\n' \
    "$A" "$B" "$B" "$B" >"$T/c.keys"
cd "$T" || exit 1
run "$S" check c.keys
expect_rc 0 "problems are not fatal"
expect_stderr_empty
cat >"$T/want" <<'X'
c.keys: 4 valid lines, 0 invalid, 0 comment or blank
total: 4 valid lines, 4 distinct (0 exact duplicates)
labels:
  CLIENT_HANDSHAKE_TRAFFIC_SECRET    1
  CLIENT_RANDOM                      3
client randoms: 2 (TLS 1.2: 1, TLS 1.3 complete: 0, TLS 1.3 incomplete: 1, other: 0)
duplicates: 1, conflicts: 1
problems:
  c.keys:3: CLIENT_RANDOM: duplicate of c.keys:2
  c.keys:4: CLIENT_RANDOM: conflicts with c.keys:2 (same client random, different secret)
  c.keys:1: TLS 1.3 client random without SERVER_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0 (first line of this client random)
result: usable
X
expect_same "$T/stdout" "$T/want" "check report"
check "no secret in the report" sh -c "! grep -Eq '[0-9a-fA-F]{16}' '$T/stdout'"

# Across files, with warnings for bad lines (file:line, no hex).
cp "$F/keys-some-bad.keys" "$F/keys-valid.keys" .
run "$S" check keys-some-bad.keys keys-valid.keys
expect_rc 0 "two files"
expect_stderr_lines \
    'secretcap: warning: keys-some-bad.keys:3: secret is not hex' \
    'secretcap: warning: keys-some-bad.keys:5: secret has an odd number of hex digits' \
    'secretcap: warning: keys-some-bad.keys:6: client random is 62 hex digits, expected 64' \
    'secretcap: warning: keys-some-bad.keys:7: expected 3 fields separated by single spaces, found a tab' \
    'secretcap: warning: keys-some-bad.keys:8: expected 3 fields separated by single spaces, found 2'
check "per-file line" grep -qx 'keys-valid.keys: 7 valid lines, 0 invalid, 3 comment or blank' "$T/stdout"
check "complete TLS 1.3 and a TLS 1.2" grep -qx 'client randoms: 2 (TLS 1.2: 1, TLS 1.3 complete: 1, TLS 1.3 incomplete: 0, other: 0)' "$T/stdout"
check "cross-file duplicate" grep -qx '  keys-valid.keys:9: CLIENT_RANDOM: duplicate of keys-some-bad.keys:11' "$T/stdout"
run "$S" check -q keys-some-bad.keys
expect_rc 0 "-q"
expect_stderr_empty

# Unusable key logs: exit 1, the others still reported.
for k in keys-utf16.keys keys-binary.keys keys-empty.keys keys-only-comments.keys; do
    run "$S" check "$F/$k"
    expect_rc 1 "$k is unusable"
    check "$k: NOT usable" grep -qx 'result: NOT usable' "$T/stdout"
done
run "$S" check "$F/keys-utf16.keys" keys-valid.keys
expect_rc 1 "one unusable of two"
expect_stderr_eq "secretcap: $F/keys-utf16.keys: key log is UTF-16; re-save it as UTF-8"
check "the usable one reported" grep -qx 'keys-valid.keys: 7 valid lines, 0 invalid, 3 comment or blank' "$T/stdout"
run "$S" check "$F/pcapng-le.pcapng"
expect_rc 1 "a capture"
run "$S" check "$T/missing.keys"
expect_rc 1 "missing file"
RUN_STDIN=$F/keys-valid.keys run "$S" check -
expect_rc 0 "stdin"
check "stdin named" grep -q '^(stdin): 7 valid lines' "$T/stdout"

# Other types.
for t in ssh wg opcua esp; do
    run "$S" check -t "$t" "$F/$t.keys"
    expect_rc 0 "check -t $t"
    expect_stderr_empty
done
run "$S" check -t esp "$F/esp-bad.keys"
expect_rc 0 "esp with bad rows"
expect_stderr_lines \
    'secretcap: warning: .*esp-bad.keys:2: expected 10 comma-separated fields .*, found 9' \
    'secretcap: warning: .*esp-bad.keys:3: field 1: text after a closing quote'
run "$S" check -t zigbee-nwk "$F/zigbee-nwk-bad-size.keys"
expect_rc 1 "zigbee size"
run "$S" check -t zigbee-aps "$F/zigbee-aps.keys"
expect_rc 0 "zigbee-aps"

# JSON.
if command -v python3 >/dev/null 2>&1; then
    run "$S" check --json c.keys keys-some-bad.keys
    expect_rc 0 "--json"
    expect_stderr_empty "--json: warnings go into the JSON"
    check "JSON facts" python3 - "$T/stdout" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["secretcap_check"] == 1 and d["type"] == "tls" and d["usable"] is True
assert [f["file"] for f in d["files"]] == ["c.keys", "keys-some-bad.keys"]
assert len(d["files"][1]["warnings"]) == 5
assert d["duplicates"] == 1 and d["conflicts"] == 1
kinds = [(p["kind"], p["file"], p["line"]) for p in d["problems"]]
assert ("conflict", "c.keys", 4) in kinds and ("incomplete", "c.keys", 1) in kinds
PY
fi
run "$S" check
expect_rc 2 "no key log"
run "$S" check -t 0x12345678 c.keys
expect_rc 2 "unknown type"
run "$S" check --help
expect_rc 0 "--help"
finish
