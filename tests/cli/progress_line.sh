# progress_line.sh - the progress line: on stderr only when stderr is a
# terminal (script(1) gives a pty), never when it is not, never with -q;
# the output is the same either way.
. "$(dirname "$0")/lib.sh"
need_binary
command -v script >/dev/null 2>&1 || skip "script(1) not installed"
K=$FIXTURES/keys-valid.keys
IN=$FIXTURES/pcap-usec-le.pcap

run "$SECRETCAP" inject -k "$K" -o "$T/ref.pcapng" "$IN"
expect_rc 0

# A slow pipe (one second before the end of the input) makes the run long
# enough for the line (shown after half a second).
slow="{ cat '$IN'; sleep 1; } | '$SECRETCAP' inject"
run script -qec "$slow -k '$K' -o '$T/tty.pcapng' -" /dev/null
expect_rc 0 "progress on a terminal"
check "a progress line on the terminal" \
    grep -Eq 'secretcap: [0-9.]+ MiB read, [0-9]+ MiB/s' "$T/stdout"
expect_same "$T/tty.pcapng" "$T/ref.pcapng" "output with progress"

run script -qec "$slow -q -k '$K' -o '$T/q.pcapng' -" /dev/null
expect_rc 0 "-q on a terminal"
check "-q: no progress line" test ! -s "$T/stdout"
expect_same "$T/q.pcapng" "$T/ref.pcapng" "output with -q"

# stderr not a terminal: nothing at all.
run_sh "$slow -k '$K' -o '$T/notty.pcapng' -"
expect_rc 0 "stderr not a terminal"
expect_stderr_empty
expect_same "$T/notty.pcapng" "$T/ref.pcapng" "output without a terminal"

finish
