# help_version.sh - --help, inject --help, -h and --version: exit 0, text on
# stdout, nothing on stderr; help documents the exit codes and options.
. "$(dirname "$0")/lib.sh"
need_binary

run "$SECRETCAP" --version
expect_rc 0
expect_stderr_empty
check "--version starts with 'secretcap 0.1.0' (and the git revision)" \
    grep -Eqx 'secretcap 0\.1\.0( \(git [0-9a-f]{12}(-dirty)?\))?' <(head -n1 "$T/stdout")
for feature in "gzip: zlib [0-9.]+(, ISA-L [0-9.]+)?" \
    "zstd: (libzstd [0-9.]+|not built in)" "lz4: (liblz4 [0-9.]+|not built in)" \
    "crypto: OpenSSL [0-9][0-9a-z.]* \(QUIC Initial decryption\)"; do
    check "--version has a line '$feature'" grep -Eqx "$feature" "$T/stdout"
done
check "--version has 5 lines" test "$(wc -l <"$T/stdout")" -eq 5
cp "$T/stdout" "$T/version.txt"
run "$SECRETCAP" version
expect_rc 0
expect_same "$T/stdout" "$T/version.txt" "'version' prints what --version does"
run "$SECRETCAP" version --json
expect_rc 0
expect_stderr_empty
if command -v python3 >/dev/null 2>&1; then
    check "version --json is one JSON object with the same versions" python3 - "$T/stdout" "$T/version.txt" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
v = json.loads(lines[0])
text = open(sys.argv[2]).read()
assert text.startswith("secretcap " + v["version"]), v
assert (v["git"] is None) == ("(git " not in text.splitlines()[0])
libs = v["libraries"]
assert set(libs) == {"zlib", "isa-l", "libzstd", "liblz4", "libcrypto"}, libs
assert "zlib " + libs["zlib"] in text
for name, lib in (("zstd", "libzstd"), ("lz4", "liblz4")):
    assert (name in v["compression"]) == (libs[lib] is not None)
    assert (libs[lib] is None) == (name + ": not built in" in text)
assert v["compression"][0] == "gzip"
PY
fi
run "$SECRETCAP" --version --json
expect_rc 2 "--version takes no arguments"

for args in "--help" "inject --help" "inject -h"; do
    # shellcheck disable=SC2086
    run "$SECRETCAP" $args
    expect_rc 0 "$args"
    expect_stderr_empty
    check "'$args' prints usage on stdout" grep -q 'inject' "$T/stdout"
    [ "$args" = --help ] && continue
    for opt in --keylog --secrets --output --discard-all-secrets \
        --all-sections --strict --quiet; do
        check "'$args' mentions $opt" grep -q -- "$opt" "$T/stdout"
    done
done
run "$SECRETCAP" --help
check "--help documents the editcap form" grep -q -- '--inject-secrets' "$T/stdout"
check "--help documents exit status 2" grep -Eiq '(^|[^0-9])2[^0-9].*usage|usage.*(^|[^0-9])2([^0-9]|$)' "$T/stdout"
check "--help documents exit status 1" grep -Eq '(^|[^0-9])1([^0-9]|$)' "$T/stdout"
finish
