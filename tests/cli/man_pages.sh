# man_pages.sh - the man pages in docs/: secretcap(1) and one page per
# command, secretcap-COMMAND(1). Each is formatted by man(1) with groff's
# warnings on (any warning is a failure), names the version the binary
# prints, and mentions every option of its command's --help (so the pages
# cannot fall behind the code); the overview names every page in SEE ALSO
# and every page exists for every command. Skips visibly without man.
. "$(dirname "$0")/lib.sh"
need_binary
command -v man >/dev/null 2>&1 || skip "man not installed (Debian: man-db, groff-base)"

DOCS=$(cd "$LIB_DIR/../../docs" && pwd)
COMMANDS="inject extract strip info check sessions"
VERSION=$("$SECRETCAP" --version | head -n1 | cut -d' ' -f2)

# The options of 'secretcap CMD --help' ("" = the overview), as in
# tests/cli/completion.sh: every --long option named, the -s options of
# the option table, less extract's reference to --extract-secrets.
help_options() {
    # shellcheck disable=SC2086
    "$SECRETCAP" $1 --help >"$T/help.txt" 2>&1 || return 1
    {
        grep -oE -- '(^|[^a-z0-9-])--[a-z][a-z0-9-]*' "$T/help.txt" |
            sed 's/^[^-]*//'
        grep -oE -- '^ +-[a-zA-Z],' "$T/help.txt" | tr -d ' ,'
    } | sort -u | { if [ "$1" = extract ]; then
        grep -vx -- --extract-secrets
    else
        cat
    fi; }
}

# The roff source as plain text: "\-" -> "-", font escapes dropped.
plain_source() {
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(en/-/g' "$1"
}

for cmd in "" $COMMANDS; do
    page=$DOCS/secretcap${cmd:+-$cmd}.1
    name=$(basename "$page")
    if [ ! -f "$page" ]; then
        fail "$name is missing"
        continue
    fi
    # groff warnings (man --warnings = groff -ww) go to stderr.
    run env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page"
    expect_rc 0 "man -l $name"
    expect_stderr_empty "man --warnings $name: groff warnings"
    check "$name renders to text" grep -q 'NAME' "$T/stdout"
    check "$name: .TH names secretcap $VERSION" \
        grep -q "^\.TH .*\"secretcap $VERSION\"" "$page"
    for section in NAME SYNOPSIS DESCRIPTION '"EXIT STATUS"' '"SEE ALSO"'; do
        check "$name has the section $section" grep -q "^\.SH $section" "$page"
    done
    plain_source "$page" >"$T/page.txt"
    help_options "$cmd" >"$T/help.opts" || fail "secretcap $cmd --help failed"
    missing=
    while read -r o; do
        grep -qE -- "(^|[^a-zA-Z0-9-])$o([^a-zA-Z0-9-]|\$)" "$T/page.txt" ||
            missing="$missing $o"
    done <"$T/help.opts"
    check "$name: options of 'secretcap $cmd --help' not documented:$missing" \
        test -z "$missing"
done

# The overview lists every command's page, and every page points back.
for cmd in $COMMANDS; do
    check "secretcap.1 SEE ALSO names secretcap-$cmd(1)" \
        grep -q "^\.BR secretcap\\\\-$cmd (1)" "$DOCS/secretcap.1"
    check "secretcap-$cmd.1 SEE ALSO names secretcap(1)" \
        grep -q '^\.BR secretcap (1)' "$DOCS/secretcap-$cmd.1"
done
# The editcap forms and the version report are in the overview.
for o in --inject-secrets --discard-all-secrets --extract-secrets --version \
    TMPDIR SSLKEYLOGFILE; do
    check "secretcap.1 documents $o" grep -q -- "$o" <(plain_source "$DOCS/secretcap.1")
done

finish
