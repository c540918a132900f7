# output_is_input.sh - output == input is refused before anything is opened
# for writing: the same path, a relative spelling, a symlink to the input and
# a hard link to it. Exit 2 (a usage error: the command line is wrong), a
# "secretcap: ..." line plus the "Try" line, the input byte-identical, the
# link still a link, no temp files.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
D=$T/d
mkdir "$D"
cp "$FIXTURES/pcapng-le.pcapng" "$D/in.pcapng"
cp "$FIXTURES/pcapng-le.pcapng" "$D/orig"
ln -s in.pcapng "$D/sym.pcapng"
ln "$D/in.pcapng" "$D/hard.pcapng"

refused() {  # refused CMD...
    run "$@"
    expect_rc 2 "$*"
    expect_stderr_lines "secretcap: .+" "$TRY_HELP"
    expect_same "$D/in.pcapng" "$D/orig" "input changed by: $*"
    expect_no_temps "$D"
}
refused "$SECRETCAP" inject -k "$K" -o "$D/in.pcapng" "$D/in.pcapng"
refused "$SECRETCAP" inject -k "$K" -o "$D/../d/./in.pcapng" "$D/in.pcapng"
refused "$SECRETCAP" inject -k "$K" -o "$D/sym.pcapng" "$D/in.pcapng"
refused "$SECRETCAP" inject -k "$K" -o "$D/in.pcapng" "$D/sym.pcapng"
refused "$SECRETCAP" inject -k "$K" -o "$D/hard.pcapng" "$D/in.pcapng"
refused "$SECRETCAP" --inject-secrets "tls,$K" "$D/in.pcapng" "$D/in.pcapng"
refused "$SECRETCAP" --inject-secrets "tls,$K" "$D/in.pcapng" "$D/hard.pcapng"
check "symlink still a symlink" test -L "$D/sym.pcapng"
check "hard link still shares the inode" test "$D/hard.pcapng" -ef "$D/in.pcapng"
# In the working directory, relative names.
run_sh "cd '$D' && '$SECRETCAP' inject -k '$K' -o in.pcapng ./in.pcapng"
expect_rc 2 "relative names"
expect_same "$D/in.pcapng" "$D/orig" "input changed (relative names)"
# A key log as the output is not the input, but must not be clobbered
# either if it is also read: -o K -k K.
cp "$K" "$D/k.keys"
run "$SECRETCAP" inject -k "$D/k.keys" -o "$D/k.keys" "$D/in.pcapng"
expect_rc 2 "output == key log"
expect_same "$D/k.keys" "$K" "key log overwritten by -o"
expect_no_temps "$D"
finish
