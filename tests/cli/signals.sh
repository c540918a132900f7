# signals.sh - SIGTERM, SIGINT or SIGHUP while secretcap is in the middle of
# a run (blocked reading a FIFO after part of the capture): exit 128+N, the
# temp file removed, the pre-existing output untouched, nothing printed but
# nothing left behind either.
. "$(dirname "$0")/lib.sh"
need_binary
K=$FIXTURES/keys-valid.keys
IN=$FIXTURES/pcapng-le.pcapng
mkdir "$T/d"
printf 'previous output\n' >"$T/d/out.pcapng"
cp "$T/d/out.pcapng" "$T/old"

for sig in TERM INT HUP; do
    mkfifo "$T/fifo"
    # Hold the FIFO open for writing first (read-write: does not block),
    # so that secretcap finds a writer and the start of a capture.
    exec 3<>"$T/fifo"
    cat "$IN" >&3
    "$SECRETCAP" inject -k "$K" -o "$T/d/out.pcapng" "$T/fifo" \
        2>"$T/stderr" &
    pid=$!
    # Wait until the output is open (its temp file exists): secretcap is
    # then blocked reading the rest of the capture.
    for _ in $(seq 100); do
        ls -A "$T/d" | grep -q '^\.out\.pcapng\.' && break
        sleep 0.05
    done
    check "SIG$sig: temp file seen while running" \
        sh -c "ls -A '$T/d' | grep -q '^\\.out\\.pcapng\\.'"
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    exec 3>&-
    check "SIG$sig: exit status $((128 + $(kill -l "$sig"))) (got $rc)" \
        test "$rc" -eq $((128 + $(kill -l "$sig")))
    expect_same "$T/d/out.pcapng" "$T/old" "SIG$sig: old output untouched"
    expect_no_temps "$T/d"
    check "SIG$sig: nothing else in the folder" \
        test "$(ls -A "$T/d")" = "out.pcapng"
    rm -f "$T/fifo"
done
finish
