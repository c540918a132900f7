# help_version.sh - --help, inject --help, -h and --version: exit 0, text on
# stdout, nothing on stderr; help documents the exit codes and options.
. "$(dirname "$0")/lib.sh"
need_binary

run "$SECRETCAP" --version
expect_rc 0
expect_stderr_empty
check "--version prints exactly 'secretcap 0.1.0'" \
    test "$(cat "$T/stdout")" = "secretcap 0.1.0"

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
