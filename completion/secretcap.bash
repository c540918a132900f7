# secretcap.bash - bash completion for secretcap(1).
#
# Completes the commands (inject extract strip info check sessions version),
# every option of each, and the editcap-compatible top-level forms
# (--inject-secrets TYPE,FILE, --discard-all-secrets, --extract-secrets);
# secrets types after -s/--secrets (TYPE:FILE), --inject-secrets (TYPE,FILE)
# and --type; compression names after --compress; captures (*.pcap *.pcapng
# *.cap *.ntar, each also .gz .zst .lz4) for inputs; key logs (*.log *.keys
# *.txt) after -k/--keylog; directories after -O/--output-dir. A filter that
# matches no file falls back to every file: secretcap recognises captures by
# content, and a key log may have any name.
#
# Works with the bash-completion package's helpers (_init_completion,
# _filedir, __ltrim_colon_completions) and without them, from COMP_WORDS
# alone. It does not complete option values that are numbers or templates
# (--level, -j, -T, --max-flows, --max-window, --max-record, --keylog-for).
#
# The option lists below must follow each command's --help:
# tests/cli/completion.sh checks that they do.
#
# Installed as share/bash-completion/completions/secretcap (loaded on
# demand by bash-completion); or source it from ~/.bashrc.
#
# shellcheck disable=SC2207
# (COMPREPLY=($(compgen ...)) is the completion idiom; candidates are split
# at newlines only where they are file names, see _secretcap_files.)

# _secretcap_options CMD: the options of CMD ("" = no command yet, the
# editcap forms), one word each.
_secretcap_options()
{
    case $1 in
    inject)
        echo -k --keylog -s --secrets -o --output --discard-all-secrets \
            --all-sections --strict --salvage --max-record --scope --compress --level -T --threads \
            --sync --max-window -O --output-dir -r --recursive --files-from \
            --keylog-for --require-keys --in-place --rm -j --jobs --report \
            --fail-fast --skip-existing -q --quiet -h --help
        ;;
    extract) echo -o --output -t --type --split --max-window -q --quiet -h --help ;;
    strip)
        echo -o --output -t --type --compress --level -T --threads \
            --sync --max-window -q --quiet -h --help
        ;;
    info) echo -j --json --max-window --max-record -h --help ;;
    check) echo -t --type -j --json -q --quiet -h --help ;;
    sessions)
        echo -k --keylog -j --json --require-keys --max-flows --max-window --max-record \
            -q --quiet -h --help
        ;;
    version) echo -j --json -h --help ;;
    *)
        echo --inject-secrets --discard-all-secrets --extract-secrets \
            -h --help -V --version
        ;;
    esac
}

# _secretcap_types: the secrets type names, as in src/secrets.c (numbers
# such as 0x544c534b are accepted too, but not offered).
_secretcap_types()
{
    echo tls ssh wg opcua esp zigbee-nwk zigbee-aps
}

# _secretcap_takes_arg CMD OPTION: true when OPTION of CMD needs an argument
# (so the next word is that argument, not an operand).
_secretcap_takes_arg()
{
    case $2 in
    -k | --keylog | -s | --secrets | -o | --output | -t | --type | \
        --scope | --compress | --level | -T | --threads | --max-window | --max-record | \
        -O | --output-dir | --files-from | --keylog-for | --report | \
        --max-flows | --inject-secrets)
        return 0
        ;;
    -j | --jobs)
        [ "$1" = inject ]
        return
        ;;
    esac
    return 1
}

# _secretcap_files KIND PREFIX: file names for PREFIX into COMPREPLY; KIND
# is capture, keylog, any or dir. Directories are always offered, so that
# Tab walks into them.
_secretcap_files()
{
    local kind=$1 cur=$2 pat='' had_extglob=1
    case $kind in
    capture) pat='@(pcap|pcapng|cap|ntar)?(.@(gz|zst|lz4))' ;;
    keylog) pat='@(log|keys|txt)' ;;
    esac
    compopt -o filenames 2>/dev/null
    if declare -F _filedir >/dev/null 2>&1; then
        # bash-completion: quoting, ~ and $VAR handled for us.
        if [ "$kind" = dir ]; then
            _filedir -d
            return
        fi
        COMPREPLY=()
        _filedir "$pat"
        if [ -n "$pat" ] && ! _secretcap_has_file; then
            COMPREPLY=()
            _filedir
        fi
        return
    fi
    shopt -q extglob || had_extglob=0
    shopt -s extglob
    local IFS=$'\n'
    if [ "$kind" = dir ]; then
        COMPREPLY=($(compgen -d -- "$cur"))
    elif [ -n "$pat" ]; then
        COMPREPLY=($(compgen -f -X "!*.$pat" -- "$cur")
            $(compgen -d -- "$cur"))
        _secretcap_has_file ||
            COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    [ $had_extglob = 1 ] || shopt -u extglob
}

# _secretcap_has_file: COMPREPLY holds something that is not a directory.
_secretcap_has_file()
{
    local f
    for f in "${COMPREPLY[@]}"; do
        [ -d "$f" ] || return 0
    done
    return 1
}

# _secretcap_words: sets cur, prev, words and cword for the current command
# line, with "TYPE:FILE" and "--opt=value" kept as one word (bash splits
# them at COMP_WORDBREAKS), without the bash-completion package.
_secretcap_words()
{
    local i w
    words=()
    cword=0
    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        if [ ${#words[@]} -gt 0 ] && { [ "$w" = : ] ||
            [ "${words[${#words[@]} - 1]: -1}" = : ]; } &&
            [ "${words[${#words[@]} - 1]}" != "" ]; then
            # "tls" ":" "keys" -> "tls:keys"
            words[${#words[@]} - 1]+=$w
        else
            words+=("$w")
        fi
        [ "$i" -eq "$COMP_CWORD" ] && cword=$((${#words[@]} - 1))
    done
    cur=${words[cword]-}
    prev=${words[cword - 1]-}
    # --opt=value: bash has already split at "=", so the word being
    # completed is only the value.
    if [ "$cur" = = ]; then
        cur=
    elif [ "$prev" = = ] && [ "$cword" -ge 2 ]; then
        prev=${words[cword - 2]}
    fi
}

_secretcap()
{
    # split is set by _init_completion -s (--opt=value).
    # shellcheck disable=SC2034
    local cur prev words cword split=false
    COMPREPLY=()
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s -n : || return
    else
        _secretcap_words
    fi

    # The command: the first word when it is one, else the editcap forms.
    local cmd='' i start=1
    case ${words[1]-} in
    inject | extract | strip | info | check | sessions | version)
        if [ "$cword" -gt 1 ]; then
            cmd=${words[1]}
            start=2
        fi
        ;;
    esac

    # After "--", only operands.
    local opts_done=false
    for ((i = start; i < cword; i++)); do
        [ "${words[i]}" = -- ] && opts_done=true
    done

    if ! $opts_done; then
        case $prev in
        -k | --keylog)
            _secretcap_files keylog "$cur"
            return
            ;;
        -s | --secrets | --inject-secrets)
            local sep=: rest
            [ "$prev" = --inject-secrets ] && sep=,
            if [[ $cur == *"$sep"* ]]; then
                # TYPE:FILE: complete FILE, keep the TYPE prefix.
                rest=${cur#*"$sep"}
                _secretcap_files keylog "$rest"
                local n
                for n in "${!COMPREPLY[@]}"; do
                    COMPREPLY[n]=${cur%%"$sep"*}$sep${COMPREPLY[n]}
                done
            else
                COMPREPLY=($(compgen -W "$(_secretcap_types)" -S "$sep" \
                    -- "$cur"))
                compopt -o nospace 2>/dev/null
            fi
            _secretcap_colons
            return
            ;;
        -t | --type)
            if [ "$cmd" = extract ]; then
                COMPREPLY=($(compgen -W "$(_secretcap_types) all" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_secretcap_types)" -- "$cur"))
            fi
            return
            ;;
        --compress)
            COMPREPLY=($(compgen -W "gzip zstd lz4 none" -- "$cur"))
            return
            ;;
        --scope)
            COMPREPLY=($(compgen -W "all capture" -- "$cur"))
            return
            ;;
        -O | --output-dir)
            _secretcap_files dir "$cur"
            return
            ;;
        -o | --output | --files-from | --report)
            _secretcap_files any "$cur"
            return
            ;;
        esac
        if _secretcap_takes_arg "$cmd" "$prev"; then
            return # a number or a template: nothing to offer
        fi
    fi

    if [ "$cword" -eq 1 ]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$(_secretcap_options "")" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "inject extract strip info check \
                sessions version" -- "$cur"))
        fi
        return
    fi

    if ! $opts_done && [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_secretcap_options "$cmd")" -- "$cur"))
        return
    fi

    case $cmd in
    check) _secretcap_files keylog "$cur" ;;
    version) ;;
    *) _secretcap_files capture "$cur" ;;
    esac
}

# _secretcap_colons: COMP_WORDBREAKS normally holds ":", and then bash
# replaces only the text after the last colon: drop that part from each
# candidate ("tls:keys.log" -> "keys.log").
_secretcap_colons()
{
    if declare -F __ltrim_colon_completions >/dev/null 2>&1; then
        __ltrim_colon_completions "$cur"
        return
    fi
    if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
        local colon_word=${cur%"${cur##*:}"} n
        for n in "${!COMPREPLY[@]}"; do
            COMPREPLY[n]=${COMPREPLY[n]#"$colon_word"}
        done
    fi
}

complete -F _secretcap secretcap
