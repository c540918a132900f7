# usage_errors.sh - bad command lines exit 2 with "secretcap: <what>" and the
# "Try 'secretcap --help'" line, write nothing to stdout and create no file.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
IN=$FIXTURES/pcap-usec-le.pcap
O=$T/out.pcapng

usage() {  # usage ERE-for-first-line CMD...
    local re=$1; shift
    run "$@"
    expect_rc 2 "$*"
    expect_stderr_lines "secretcap: .*($re).*" "$TRY_HELP"
    expect_stdout_empty
    expect_absent "$O"
}

usage '' "$SECRETCAP"
usage 'bogus' "$SECRETCAP" --bogus
usage 'bogus' "$SECRETCAP" inject --bogus -k "$K" -o "$O" "$IN"
usage 'frobnicate' "$SECRETCAP" frobnicate
usage '(-o|output)' "$SECRETCAP" inject -k "$K" "$IN"
usage '(-k|key ?log|secrets)' "$SECRETCAP" inject -o "$O" "$IN"
usage '(input|INPUT|argument)' "$SECRETCAP" inject -k "$K" -o "$O"
usage '(input|argument|operand|extra|too many)' "$SECRETCAP" inject -k "$K" -o "$O" "$IN" "$IN"
usage '(-k|keylog|argument)' "$SECRETCAP" inject -o "$O" "$IN" -k
usage 'foo' "$SECRETCAP" inject -s "foo:$K" -o "$O" "$IN"
usage '(TYPE:FILE|:|secrets)' "$SECRETCAP" inject -s "tls" -o "$O" "$IN"
usage 'foo' "$SECRETCAP" --inject-secrets "foo,$K" "$IN" "$O"
# Type names are case-sensitive, as in editcap.
usage 'TLS' "$SECRETCAP" --inject-secrets "TLS,$K" "$IN" "$O"
# editcap options other than --inject-secrets / --discard-all-secrets.
usage '-F.*not supported|not supported.*-F' "$SECRETCAP" -F pcapng --inject-secrets "tls,$K" "$IN" "$O"
usage '-c.*not supported|not supported.*-c' "$SECRETCAP" -c 10 --inject-secrets "tls,$K" "$IN" "$O"
# editcap form needs both INPUT and OUTPUT.
usage '' "$SECRETCAP" --inject-secrets "tls,$K" "$IN"
# editcap's --inject-secrets with no file name segfaults in 4.0; not here.
usage '' "$SECRETCAP" --inject-secrets tls "$IN" "$O"
finish
