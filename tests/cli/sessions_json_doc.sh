# sessions_json_doc.sh - the example of docs/sessions-json.md is exactly
# what `secretcap sessions --json` prints for it (the documented command,
# run in tests/fixtures), and the text report of the same run names the
# partial session's missing label and the unmatched line.
. "$(dirname "$0")/lib.sh"
need_binary
S=$SECRETCAP
DOC=$(dirname "$0")/../../docs/sessions-json.md

# The command line and the JSON block that follow "## Example".
awk '/^## Example/ { on = 1 } on && /^```json$/ { inb = 1; next }
     inb && /^```$/ { exit } inb { print }' "$DOC" >"$T/want"
check "the doc has an example" test -s "$T/want"
check "the doc shows the command" grep -qF \
    'secretcap sessions --json -k sessions-example.keys traffic/tls-3conn.pcap' "$DOC"

cd "$FIXTURES" || exit 1
run "$S" sessions --json -k sessions-example.keys traffic/tls-3conn.pcap
expect_rc 0 "sessions --json"
expect_stderr_empty
expect_same "$T/want" "$T/stdout" "documented example"

run "$S" sessions -k sessions-example.keys traffic/tls-3conn.pcap
expect_rc 0 "sessions (text)"
check "partial names the missing label" grep -qF \
    'keys partial (missing SERVER_HANDSHAKE_TRAFFIC_SECRET)' "$T/stdout"
check "summary" grep -qxF \
    '  summary: 3 sessions: 1 with complete keys, 1 partial, 1 none' "$T/stdout"
check "unmatched line" grep -qxF \
    '  1 key-log line of no session in this capture (CLIENT_RANDOM 1)' "$T/stdout"
run "$S" sessions --require-keys -k sessions-example.keys traffic/tls-3conn.pcap
expect_rc 1 "--require-keys with a partial and a none"
expect_stderr_eq "secretcap: traffic/tls-3conn.pcap: --require-keys: 2 sessions without complete keys, 0 flows without handshake"
finish
