# output_missing_dir.sh - an output in a directory that does not exist, or
# that is a directory itself: exit 1, one line naming the output and the
# system error, nothing created.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
IN=$FIXTURES/pcapng-le.pcapng
run "$SECRETCAP" inject -k "$K" -o "$T/nodir/out.pcapng" "$IN"
expect_rc 1 "missing output dir"
expect_stderr_lines "secretcap: $T/nodir/out\.pcapng: .*No such file or directory"
expect_absent "$T/nodir"
run "$SECRETCAP" --inject-secrets "tls,$K" "$IN" "$T/nodir/out.pcapng"
expect_rc 1 "missing output dir (editcap form)"
expect_absent "$T/nodir"
mkdir "$T/isdir"
run "$SECRETCAP" inject -k "$K" -o "$T/isdir" "$IN"
expect_rc 1 "output is a directory"
expect_stderr_lines "secretcap: $T/isdir: .+"
check "directory left as it was" test -d "$T/isdir" -a -z "$(ls -A "$T/isdir")"
expect_no_temps "$T"
finish
