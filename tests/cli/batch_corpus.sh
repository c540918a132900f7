# batch_corpus.sh - issue 5's acceptance run: a folder made of the shared
# corpus (each capture renamed next to its key log as <stem>.keys) converts
# with one command and -j 2, and every output decrypts in tshark.
. "$(dirname "$0")/lib.sh"
need_binary
need_corpus
need_tshark
n=0
while IFS= read -r exp; do
    cap=${exp%.expect}
    keys=$(ls "$(dirname "$cap")"/*.keys)
    n=$((n + 1))
    name=$(printf 'c%03d-%s' "$n" "$(basename "$cap")")
    mkdir -p "$T/in/$(dirname "${cap#"$CORPUS"/}")"
    dir="$T/in/$(dirname "${cap#"$CORPUS"/}")"
    cp "$cap" "$dir/$name"
    stem=${name%.gz}
    stem=${stem%.pcapng}
    stem=${stem%.pcap}
    cp "$keys" "$dir/$stem.keys"
    cp "$exp" "$T/$name.expect"
    printf '%s\t%s\n' "$dir/$name" "$T/$name.expect" >>"$T/list"
done < <(find "$CORPUS" -name '*.expect' | sort)

run "$SECRETCAP" inject --keylog-for '{dir}/{stem}.keys' --require-keys -r \
    -j 2 -O "$T/out" --report "$T/report.jsonl" "$T/in"
expect_rc 0 "the whole corpus folder"
expect_stderr_match "^secretcap: $n done, 0 skipped, 0 failed"
check "report has $n lines" test "$(wc -l <"$T/report.jsonl")" -eq "$n"
ok=0
while IFS=$'\t' read -r cap exp; do
    rel=${cap#"$T"/in/}
    stem=${rel%.gz}
    stem=${stem%.pcapng}
    stem=${stem%.pcap}
    if "$CORPUS/oracle.sh" "$T/out/$stem.pcapng" "$exp" >"$T/oracle.out" 2>&1
    then
        ok=$((ok + 1))
    else
        fail "$rel does not decrypt: $(tail -1 "$T/oracle.out")"
    fi
done <"$T/list"
echo "batch_corpus: $ok of $n outputs decrypt"
check "every output decrypts ($ok of $n)" test "$ok" -eq "$n"
finish
