# inject_options.sh - --discard-all-secrets drops the input's DSBs (before
# or after the packets) and keeps everything else; without it they are kept
# after the injected ones; --all-sections puts DSBs into every section, the
# default into the first only; a one-section file is the same either way.
. "$(dirname "$0")/lib.sh"
need_binary
need_python
K=$FIXTURES/keys-valid.keys
NORM=$FIXTURES/keys-valid.normalised

for f in pcapng-dsb-before-idb.pcapng pcapng-all-blocks.pcapng; do
    in=$FIXTURES/$f
    extract "$in" >"$T/old.dsb"
    check "$f has a DSB of its own" test -s "$T/old.dsb"
    run "$SECRETCAP" inject -k "$K" -o "$T/keep.pcapng" "$in"
    expect_rc 0 "$f"
    expect_compare "$in" "$T/keep.pcapng"
    extract "$T/keep.pcapng" >"$T/keep.dsb"
    cat "$NORM" "$T/old.dsb" >"$T/want.dsb"
    expect_same "$T/keep.dsb" "$T/want.dsb" "$f: injected secrets, then the old ones"
    run "$SECRETCAP" inject --discard-all-secrets -k "$K" -o "$T/drop.pcapng" "$in"
    expect_rc 0 "$f --discard-all-secrets"
    expect_compare "$in" "$T/drop.pcapng" --discarded
    extract "$T/drop.pcapng" >"$T/drop.dsb"
    expect_same "$T/drop.dsb" "$NORM" "$f --discard-all-secrets: only the new secrets"
done

M=$FIXTURES/pcapng-3-sections-mixed.pcapng
run "$SECRETCAP" inject -k "$K" -o "$T/first.pcapng" "$M"
expect_rc 0
expect_compare "$M" "$T/first.pcapng" --sections first
run "$SECRETCAP" inject --all-sections -k "$K" -o "$T/all.pcapng" "$M"
expect_rc 0
expect_compare "$M" "$T/all.pcapng" --sections all
extract "$T/all.pcapng" >"$T/all.dsb"
cat "$NORM" "$NORM" "$NORM" >"$T/want3"
expect_same "$T/all.dsb" "$T/want3" "--all-sections: the same secrets in each of 3 sections"
run "$SECRETCAP" inject --all-sections -k "$K" -o "$T/one-all.pcapng" "$FIXTURES/pcapng-le.pcapng"
run "$SECRETCAP" inject -k "$K" -o "$T/one.pcapng" "$FIXTURES/pcapng-le.pcapng"
expect_same "$T/one-all.pcapng" "$T/one.pcapng" "--all-sections on a one-section file"
# Where the DSB goes: right after the SHB and the leading IDBs.
check "all-blocks: DSB after the 2 IDBs, before the NRB" \
    test "$(python3 "$TOOLS/pcapng_blocks.py" list "$T/drop.pcapng" | awk 'NR<=5 {printf "%s ", $4}')" = "SHB IDB IDB DSB NRB "
finish
