# completion.sh - the shell completion in completion/: the bash function
# driven through COMP_WORDS/COMP_CWORD in a clean `bash --norc` (once
# without and, when installed, once with the bash-completion package's
# helpers): commands, options, secrets types, compression names, file
# filtering; every option of each command's --help is completed, and no
# completed option is missing from --help (so the completion cannot fall
# behind the code, nor invent options). The zsh file loads in zsh and the
# fish file parses in fish; each skips visibly when that shell is missing.
. "$(dirname "$0")/lib.sh"
need_binary

COMPLETION_DIR=$(cd "$LIB_DIR/../../completion" && pwd)
BASH_SCRIPT=$COMPLETION_DIR/secretcap.bash
BASH_COMPLETION_LIB=/usr/share/bash-completion/bash_completion

# Options the completion may offer before they appear in --help (while a
# change to the code is under way: " --opt1 --opt2 "); none today.
NEW_OPTIONS=" "

# The driver, run by a clean bash: comp 'LINE' prints the candidates for
# LINE (the cursor at its end), sorted, one a line. LINE is split into
# COMP_WORDS as readline does: at blanks, and ":" and "=" (in the default
# COMP_WORDBREAKS) become words of their own.
cat >"$T/driver.bash" <<'EOF'
comp() {
    local line=$1 w= c i
    COMP_WORDS=()
    for ((i = 0; i < ${#line}; i++)); do
        c=${line:i:1}
        case $c in
        ' ') [ -n "$w" ] && COMP_WORDS+=("$w"); w= ;;
        : | =) [ -n "$w" ] && COMP_WORDS+=("$w"); COMP_WORDS+=("$c"); w= ;;
        *) w+=$c ;;
        esac
    done
    if [ -n "$w" ] || [ "${line: -1}" = ' ' ]; then
        COMP_WORDS+=("$w")
    fi
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _secretcap secretcap "${COMP_WORDS[COMP_CWORD]}" \
        "${COMP_WORDS[COMP_CWORD - 1]}"
    [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}
EOF

# in_bash MODE 'COMMANDS': runs COMMANDS in `bash --norc --noprofile` with
# the completion loaded (MODE plain: alone; MODE helpers: after the
# bash-completion package), in $T/files; output to stdout.
in_bash() {
    local pre=
    [ "$1" = helpers ] && pre=". '$BASH_COMPLETION_LIB'; "
    (cd "$T/files" && env -i PATH="$PATH" HOME="$T" TERM=dumb \
        bash --norc --noprofile -c \
        "$pre. '$BASH_SCRIPT' && . '$T/driver.bash' && $2")
}

# expect_comp MODE 'LINE' 'EXPECTED WORDS': the candidates are exactly
# these (order does not matter).
expect_comp() {
    local mode=$1 line=$2 want got
    want=$(printf '%s\n' $3 | sort)
    got=$(in_bash "$mode" "comp '$line'" 2>"$T/comp.err")
    CHECKS=$((CHECKS + 1))
    if [ "$got" != "$want" ] || [ -s "$T/comp.err" ]; then
        fail "[$mode] '$line<TAB>': expected [$(echo $want)], got [$(echo $got)]"
        sed 's/^/    stderr| /' "$T/comp.err"
        return 1
    fi
}

# help_options CMD: the --long options named anywhere in 'secretcap CMD
# --help' and the -s options of its option table, less the references to
# another command's options (extract's help names the editcap form's
# --extract-secrets).
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

mkdir -p "$T/files/caps" "$T/files/only"
for f in a.pcap b.pcapng c.cap d.ntar e.pcap.gz f.pcapng.zst g.cap.lz4 \
    keys.log k2.keys k3.txt notes.md x.pcap.bz2; do
    : >"$T/files/$f"
done
: >"$T/files/only/sslkeys"

# ----------------------------------------------------------- loading
run bash --norc --noprofile -c ". '$BASH_SCRIPT' && complete -p secretcap"
expect_rc 0 "sourcing completion/secretcap.bash"
expect_stderr_empty
check "complete -p secretcap names _secretcap" \
    grep -qx 'complete -F _secretcap secretcap' "$T/stdout"

modes=plain
if [ -f "$BASH_COMPLETION_LIB" ]; then
    modes="plain helpers"
else
    echo "NOTE: $TEST_NAME: bash-completion not installed: testing the plain fallback only"
fi

for m in $modes; do
    # Commands and top-level options.
    expect_comp "$m" 'secretcap in' 'inject info'
    expect_comp "$m" 'secretcap inj' 'inject'
    expect_comp "$m" 'secretcap s' 'sessions strip'
    expect_comp "$m" 'secretcap --inj' '--inject-secrets'
    # Options of a command.
    expect_comp "$m" 'secretcap inject --com' '--compress'
    expect_comp "$m" 'secretcap inject --k' '--keylog --keylog-for'
    expect_comp "$m" 'secretcap info --j' '--json'
    expect_comp "$m" 'secretcap sessions --max-' '--max-flows --max-record --max-window'
    # Values.
    expect_comp "$m" 'secretcap inject --compress ' 'gzip zstd lz4 none'
    expect_comp "$m" 'secretcap inject --compress z' 'zstd'
    expect_comp "$m" 'secretcap inject --compress=' 'gzip zstd lz4 none'
    expect_comp "$m" 'secretcap inject --compress=l' 'lz4'
    expect_comp "$m" 'secretcap inject --scope ' 'all capture'
    expect_comp "$m" 'secretcap inject -s ' \
        'tls: ssh: wg: opcua: esp: zigbee-nwk: zigbee-aps:'
    expect_comp "$m" 'secretcap inject --secrets zig' 'zigbee-nwk: zigbee-aps:'
    expect_comp "$m" 'secretcap --inject-secrets ' \
        'tls, ssh, wg, opcua, esp, zigbee-nwk, zigbee-aps,'
    expect_comp "$m" 'secretcap --inject-secrets tls,k' \
        'tls,k2.keys tls,k3.txt tls,keys.log'
    # After "tls:" bash replaces only what follows the colon.
    expect_comp "$m" 'secretcap inject -s ssh:k' 'k2.keys k3.txt keys.log'
    expect_comp "$m" 'secretcap extract --type ' \
        'tls ssh wg opcua esp zigbee-nwk zigbee-aps all'
    expect_comp "$m" 'secretcap strip -t z' 'zigbee-nwk zigbee-aps'
    expect_comp "$m" 'secretcap check --type w' 'wg'
    # Numbers and templates: nothing offered.
    expect_comp "$m" 'secretcap inject --level ' ''
    expect_comp "$m" 'secretcap inject --keylog-for ' ''
    # Files: captures (and folders) for inputs, key logs for -k.
    expect_comp "$m" 'secretcap inject -k keys.log ' \
        'a.pcap b.pcapng c.cap d.ntar e.pcap.gz f.pcapng.zst g.cap.lz4 caps only'
    expect_comp "$m" 'secretcap info a' 'a.pcap'
    expect_comp "$m" 'secretcap inject -k ' 'k2.keys k3.txt keys.log caps only'
    expect_comp "$m" 'secretcap check k' 'k2.keys k3.txt keys.log'
    expect_comp "$m" 'secretcap inject -k only/' 'only/sslkeys'
    expect_comp "$m" 'secretcap inject -O ' 'caps only'
    expect_comp "$m" 'secretcap inject -o n' 'notes.md'
    # After "--" only operands.
    expect_comp "$m" 'secretcap info -- a' 'a.pcap'
done

# ------------------------------------- options == each command's --help
for cmd in "" inject extract strip info check sessions version; do
    name=${cmd:-secretcap}
    if ! help_options "$cmd" >"$T/help.opts"; then
        fail "'secretcap $cmd --help' failed"
        continue
    fi
    if [ -n "$cmd" ]; then
        got=$(in_bash plain "comp 'secretcap $cmd -'")
    else
        got=$(in_bash plain "comp 'secretcap -'")
    fi
    printf '%s\n' $got | sort -u >"$T/comp.opts"
    missing=$(comm -23 "$T/help.opts" "$T/comp.opts" | tr '\n' ' ')
    check "$name: options in --help but not completed: $missing" \
        test -z "$missing"
    extra=
    for o in $(comm -13 "$T/help.opts" "$T/comp.opts"); do
        case $NEW_OPTIONS in *" $o "*) continue ;; esac
        extra="$extra $o"
    done
    check "$name: options completed but not in --help:$extra" test -z "$extra"
done

# ------------------------------------------------------------------ zsh
if command -v zsh >/dev/null 2>&1; then
    run env -i PATH="$PATH" HOME="$T" zsh -f -c "
        fpath=('$COMPLETION_DIR' \$fpath)
        autoload -U compinit && compinit -u -d '$T/zcompdump' &&
        source '$COMPLETION_DIR/_secretcap' &&
        [[ \${_comps[secretcap]} == _secretcap ]] && echo loaded"
    expect_rc 0 "zsh loads completion/_secretcap"
    expect_stderr_empty
    check "zsh binds _secretcap to secretcap" grep -qx loaded "$T/stdout"
    # Each command's --help options appear in its _arguments specs.
    for cmd in inject extract strip info check sessions version; do
        help_options "$cmd" >"$T/help.opts"
        sed -n "/^_secretcap_$cmd()/,/^}/p" "$COMPLETION_DIR/_secretcap" \
            >"$T/zsh.$cmd"
        missing=
        while read -r o; do
            grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$T/zsh.$cmd" ||
                missing="$missing $o"
        done <"$T/help.opts"
        check "zsh: $cmd: options of --help missing:$missing" \
            test -z "$missing"
    done
else
    echo "SKIP: $TEST_NAME: zsh not installed: completion/_secretcap not loaded"
fi

# ----------------------------------------------------------------- fish
if command -v fish >/dev/null 2>&1; then
    run env -i PATH="$PATH" HOME="$T" XDG_CONFIG_HOME="$T" fish --no-config \
        -c "source '$COMPLETION_DIR/secretcap.fish'; and complete -C'secretcap inject --com'"
    expect_rc 0 "fish loads completion/secretcap.fish"
    expect_stderr_empty
    check "fish completes --compress" grep -q -- '^--compress' "$T/stdout"
    run env -i PATH="$PATH" HOME="$T" XDG_CONFIG_HOME="$T" fish --no-config \
        -c "source '$COMPLETION_DIR/secretcap.fish'; and complete -C'secretcap inject --compress '"
    check "fish completes the compression names" \
        test "$(cut -f1 "$T/stdout" | sort | tr '\n' ' ')" = "gzip lz4 none zstd "
else
    echo "SKIP: $TEST_NAME: fish not installed: completion/secretcap.fish not loaded"
fi

finish
