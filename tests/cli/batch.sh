# batch.sh - `secretcap inject` over folders: -O OUTDIR -r, content-based
# recognition, mirrored tree, --keylog-for, --require-keys, --skip-existing,
# --files-from (NUL and newline), --in-place (+ --rm), -j, --report,
# --fail-fast, and a failure in one capture not stopping the others.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys

# A tree: captures with and without their own key log, a non-capture, a
# broken capture, a gzip'd capture, a nested folder.
mkdir -p "$T/in/sub/deeper" "$T/out"
cp "$FIXTURES/pcap-usec-le.pcap" "$T/in/a.pcap"
cp "$K" "$T/in/a.keys"
cp "$FIXTURES/pcapng-be.pcapng" "$T/in/sub/b.pcapng"
cp "$K" "$T/in/sub/b.keys"
cp "$FIXTURES/pcap-usec-le.pcap.gz" "$T/in/sub/deeper/c.pcap.gz"
cp "$K" "$T/in/sub/deeper/c.keys"
cp "$FIXTURES/pcapng-le.pcapng" "$T/in/nokeys.pcapng"
printf 'not a capture\n' >"$T/in/notes.txt"
cp "$FIXTURES/trunc-in-epb-data.pcapng" "$T/in/sub/broken.pcapng"
cp "$K" "$T/in/sub/broken.keys"
(cd "$T/in" && find . -type f -exec sha256sum {} + | sort) >"$T/in.sums"

run "$SECRETCAP" inject --keylog-for '{dir}/{stem}.keys' -r -j 2 \
    -O "$T/out" --report "$T/report.jsonl" "$T/in"
expect_rc 1 "one broken capture: exit 1 after doing the others"
expect_stderr_match "secretcap: .*broken\.pcapng: offset [0-9]+: block #[0-9]+"
expect_stderr_match "nokeys\.pcapng: skipped: no key log found"
expect_stderr_match "3 done, 1 skipped, 1 failed"
expect_stderr_match "5 not captures" "the key logs and notes.txt are not captures"
for f in a sub/b sub/deeper/c; do
    expect_exists "$T/out/$f.pcapng"
done
expect_absent "$T/out/nokeys.pcapng"
expect_absent "$T/out/sub/broken.pcapng"
expect_absent "$T/out/notes.pcapng"
expect_no_temps "$T/out/sub"
check "inputs untouched" sh -c \
    "cd '$T/in' && find . -type f -exec sha256sum {} + | sort | cmp -s - '$T/in.sums'"
check "outputs are what a single inject gives" sh -c \
    "'$SECRETCAP' inject -k '$K' -o '$T/single.pcapng' '$T/in/sub/b.pcapng' && cmp '$T/single.pcapng' '$T/out/sub/b.pcapng'"
check "report: one valid JSON object per input" python3 - "$T/report.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["path"].split("/in/")[1]: r for r in rows}
assert set(by) == {"a.pcap", "sub/b.pcapng", "sub/deeper/c.pcap.gz",
                   "nokeys.pcapng", "sub/broken.pcapng"}, by.keys()
assert by["a.pcap"]["status"] == "done" and by["a.pcap"]["packets"] > 0
assert by["a.pcap"]["secrets_blocks"] == 1
assert by["a.pcap"]["output"].endswith("/out/a.pcapng")
assert by["nokeys.pcapng"]["status"] == "skipped"
assert by["sub/broken.pcapng"]["status"] == "failed"
assert "offset" in by["sub/broken.pcapng"]["error"]
PY

# Rerun with --skip-existing: the done ones are skipped, nothing rewritten.
touch -d '1 hour ago' "$T/in/a.pcap"
cp "$T/out/a.pcapng" "$T/a.before"
run "$SECRETCAP" inject -k "$K" -r -O "$T/out" --skip-existing -q "$T/in/a.pcap"
expect_rc 0 "skip-existing"
expect_same "$T/out/a.pcapng" "$T/a.before"

# --require-keys: a capture without its key log is an error.
run "$SECRETCAP" inject --keylog-for '{dir}/{stem}.keys' --require-keys \
    -O "$T/out2" "$T/in/nokeys.pcapng"
expect_rc 1 "require-keys"
expect_stderr_match "nokeys\.pcapng: no key log found"

# --files-from, NUL-separated (find -print0) and newline-separated.
(cd "$T/in" && find . -name '*.pcap*' -print0) >"$T/list0"
run_sh "cd '$T/in' && '$SECRETCAP' inject -k '$K' -O '$T/out3' -q --files-from '$T/list0'"
expect_rc 1 "files-from: the broken one fails"
expect_exists "$T/out3/sub/deeper/c.pcapng"
expect_exists "$T/out3/nokeys.pcapng"
# Absolute paths are named by their base name; two inputs for one output
# name: the second one fails, the first one's result stays.
cp "$FIXTURES/pcapng-le.pcapng" "$T/in/sub/a.pcapng"
printf '%s\n' "$T/in/a.pcap" "$T/in/sub/a.pcapng" >"$T/list2"
run "$SECRETCAP" inject -k "$K" -O "$T/out7" -q --files-from "$T/list2"
expect_rc 1 "output name collision"
expect_stderr_match "sub/a\.pcapng: output .*/out7/a\.pcapng is also the output of .*/in/a\.pcap"
expect_exists "$T/out7/a.pcapng"
rm "$T/in/sub/a.pcapng"
printf '%s\n' "$T/in/a.pcap" "$T/in/sub/b.pcapng" >"$T/list1"
RUN_STDIN="$T/list1" run "$SECRETCAP" inject -k "$K" -O "$T/out4" -q \
    --files-from -
expect_rc 0 "files-from stdin"
expect_exists "$T/out4/a.pcapng"
expect_exists "$T/out4/b.pcapng"

# --fail-fast with one worker: nothing after the first failure is started.
mkdir "$T/ff"
cp "$FIXTURES/trunc-in-epb-data.pcapng" "$T/ff/1-broken.pcapng"
cp "$FIXTURES/pcapng-le.pcapng" "$T/ff/2-good.pcapng"
run "$SECRETCAP" inject -k "$K" -j 1 --fail-fast -O "$T/out5" "$T/ff"
expect_rc 1 "fail-fast"
expect_absent "$T/out5/2-good.pcapng"

# --in-place: pcapng replaced atomically; pcap gets <stem>.pcapng beside
# it, and the original goes only with --rm.
mkdir "$T/ip"
cp "$FIXTURES/pcapng-le.pcapng" "$T/ip/x.pcapng"
cp "$FIXTURES/pcap-usec-le.pcap" "$T/ip/y.pcap"
cp "$FIXTURES/pcap-nsec-le.pcap" "$T/ip/z.pcap"
"$SECRETCAP" inject -k "$K" -o "$T/x.want" "$FIXTURES/pcapng-le.pcapng"
run "$SECRETCAP" inject -k "$K" --in-place -q "$T/ip/x.pcapng" "$T/ip/y.pcap"
expect_rc 0 "in-place"
expect_same "$T/ip/x.pcapng" "$T/x.want" "pcapng replaced by its result"
expect_exists "$T/ip/y.pcapng"
expect_exists "$T/ip/y.pcap"
run "$SECRETCAP" inject -k "$K" --in-place --rm -q "$T/ip/z.pcap"
expect_rc 0 "in-place --rm"
expect_exists "$T/ip/z.pcapng"
expect_absent "$T/ip/z.pcap"
expect_no_temps "$T/ip"

# Usage errors.
run "$SECRETCAP" inject -k "$K" -o "$T/o" -O "$T/out6" "$T/in/a.pcap"
expect_rc 2 "-o with -O"
run "$SECRETCAP" inject -k "$K" "$T/in/a.pcap" "$T/in/sub/b.pcapng" -o "$T/o"
expect_rc 2 "several inputs need -O or --in-place"
run "$SECRETCAP" inject -k "$K" -j 0 -O "$T/out6" "$T/in/a.pcap"
expect_rc 2 "-j 0"
run "$SECRETCAP" inject --keylog-for '{dir}/{nope}' -O "$T/out6" "$T/in/a.pcap"
expect_rc 2 "bad template"
finish
