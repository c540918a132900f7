#!/usr/bin/env bash
# output_device.sh - an OUTPUT that exists and is not a regular file (a
# device such as /dev/null, /dev/stdout, a named pipe) is written as it is:
# never replaced by the renamed temp file, which would turn /dev/null into
# a regular file for the whole machine (seen once as root), nor
# /dev/stdout (a link into /proc) by one. A symbolic link keeps pointing at
# its file, which is what gets replaced. A directory is an error.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/sample/s01.keys
P=$FIXTURES/sample/s01.pcap
"$SECRETCAP" inject -k "$K" -o "$T/ref.pcapng" "$P" || { echo "FAIL: reference"; exit 1; }

run "$SECRETCAP" inject -k "$K" -o /dev/null "$P"
expect_rc 0 "-o /dev/null"
expect_stderr_empty
check "/dev/null is still a character device" test -c /dev/null
check "no temp file left in /dev" test -z "$(ls -A /dev | grep '^\.null\.')"

run "$SECRETCAP" strip -o /dev/null "$T/ref.pcapng"
expect_rc 0 "strip -o /dev/null"
check "/dev/null still a device after strip" test -c /dev/null

run_sh "'$SECRETCAP' inject -k '$K' -o /dev/stdout '$P' > '$T/via-stdout.pcapng'"
expect_rc 0 "-o /dev/stdout"
check "-o /dev/stdout: the output went to stdout" cmp -s "$T/via-stdout.pcapng" "$T/ref.pcapng"
check "/dev/stdout is still a symbolic link" test -L /dev/stdout
run_sh "'$SECRETCAP' inject -k '$K' -o /dev/stdout '$P' | cat > '$T/via-pipe.pcapng'"
expect_rc 0 "-o /dev/stdout into a pipe"
check "-o /dev/stdout into a pipe: the output went through it" cmp -s "$T/via-pipe.pcapng" "$T/ref.pcapng"

# A symbolic link to an output: the file it names is replaced, the link
# stays.
echo old >"$T/real.pcapng"
ln -s real.pcapng "$T/link.pcapng"
run "$SECRETCAP" inject -k "$K" -o "$T/link.pcapng" "$P"
expect_rc 0 "-o SYMLINK"
check "the link is still a link" test -L "$T/link.pcapng"
check "the file it names holds the output" cmp -s "$T/real.pcapng" "$T/ref.pcapng"
check "no temp file left" test "$(ls -A "$T" | grep -c '^\.')" -eq 0

mkfifo "$T/fifo"
cat "$T/fifo" >"$T/via-fifo.pcapng" &
reader=$!
run "$SECRETCAP" inject -k "$K" -o "$T/fifo" "$P"
wait "$reader"
expect_rc 0 "-o FIFO"
check "the FIFO is still a FIFO" test -p "$T/fifo"
check "-o FIFO: the reader got the output" cmp -s "$T/via-fifo.pcapng" "$T/ref.pcapng"

mkdir "$T/dir"
run "$SECRETCAP" inject -k "$K" -o "$T/dir" "$P"
expect_rc 1 "-o DIRECTORY"
check "the directory is untouched" test -d "$T/dir"
check "the directory is still empty" test -z "$(ls -A "$T/dir")"
finish
