# secretcap.fish - fish completion for secretcap(1).
#
# The commands, every option of each (as in its --help), the editcap forms'
# top-level options, secrets types before the ":" of -s TYPE:FILE and the
# "," of --inject-secrets TYPE,FILE, compression names after --compress,
# captures (*.pcap *.pcapng *.cap *.ntar, each also .gz .zst .lz4) as
# operands, key logs (*.log *.keys *.txt) after -k and as check's operands,
# folders after -O. A filter that matches no file offers every file.
# Numbers and templates get no candidates.
#
# Installed as share/fish/vendor_completions.d/secretcap.fish.

set -l __secretcap_cmds inject extract strip info check sessions version
set -l __secretcap_types tls ssh wg opcua esp zigbee-nwk zigbee-aps
set -l __secretcap_capture_re '\.(pcap|pcapng|cap|ntar)(\.(gz|zst|lz4))?$'
set -l __secretcap_keylog_re '\.(log|keys|txt)$'

# __secretcap_files REGEX [PREFIX]: the files and folders starting with the
# current token (less PREFIX) whose name matches REGEX, or every file when
# none does; PREFIX is put back in front.
function __secretcap_files
    set -l re $argv[1]
    set -l prefix "$argv[2]"
    set -l tok (commandline -ct)
    if test -n "$prefix"
        set tok (string replace -- "$prefix" '' "$tok")
    end
    set -l dirs
    set -l hits
    set -l others
    for f in "$tok"*
        if test -d $f
            set -a dirs $prefix$f/
        else if string match -qr -- $re $f
            set -a hits $prefix$f
        else
            set -a others $prefix$f
        end
    end
    if not set -q hits[1]
        set hits $others
    end
    printf '%s\n' $hits $dirs
end

# __secretcap_typed SEP: TYPE SEP, then a key log after SEP.
function __secretcap_typed
    set -l sep $argv[1]
    set -l tok (commandline -ct)
    if string match -q -- "*$sep*" $tok
        set -l type (string split -m1 -- $sep $tok)[1]
        __secretcap_files '\.(log|keys|txt)$' "$type$sep"
    else
        printf "%s$sep\n" tls ssh wg opcua esp zigbee-nwk zigbee-aps
    end
end

complete -c secretcap -f

# No command yet: the commands and the editcap forms.
set -l nocmd "not __fish_seen_subcommand_from $__secretcap_cmds"
set -l editcap "__fish_seen_argument -l inject-secrets -l extract-secrets -l discard-all-secrets"
set -l start "$nocmd; and not $editcap"
complete -c secretcap -n $start -a inject -d 'add key logs to a capture'
complete -c secretcap -n $start -a extract -d 'write the secrets held in a capture'
complete -c secretcap -n $start -a strip -d 'remove the secrets blocks from a capture'
complete -c secretcap -n $start -a info -d 'describe captures'
complete -c secretcap -n $start -a check -d 'validate key logs without any capture'
complete -c secretcap -n $start -a sessions -d 'list the TLS, DTLS and QUIC sessions'
complete -c secretcap -n $start -a version -d 'the version and the libraries'
complete -c secretcap -n $nocmd -s h -l help -d 'show the help'
complete -c secretcap -n $nocmd -s V -l version -d 'show the version'
complete -c secretcap -n $nocmd -l inject-secrets -x -a '(__secretcap_typed ,)' -d 'editcap form: embed TYPE,FILE'
complete -c secretcap -n $nocmd -l discard-all-secrets -d 'editcap form: drop the secrets in INPUT'
complete -c secretcap -n $nocmd -l extract-secrets -d 'editcap form: write the secrets blocks'

# Options shared by several commands: "-n" lists the commands.
function __secretcap_opt
    set -l cmds $argv[1]
    complete -c secretcap -n "__fish_seen_subcommand_from $cmds" $argv[2..-1]
end

__secretcap_opt 'inject sessions' -s k -l keylog -x -a "(__secretcap_files '$__secretcap_keylog_re')" -d 'TLS key log'
__secretcap_opt inject -s s -l secrets -x -a '(__secretcap_typed :)' -d 'secrets TYPE:FILE'
__secretcap_opt 'inject extract strip' -s o -l output -r -F -d 'output file'
__secretcap_opt inject -l discard-all-secrets -d 'drop the secrets blocks already in INPUT'
__secretcap_opt inject -l all-sections -d 'add the secrets to every section'
__secretcap_opt inject -l strict -d 'an invalid key-log line is an error'
__secretcap_opt inject -l salvage -d 'keep every complete block of an input cut short'
__secretcap_opt inject -l scope -x -a 'all capture' -d 'which TLS key-log lines to embed'
__secretcap_opt 'inject strip' -l compress -x -a 'gzip zstd lz4 none' -d 'compress the output'
__secretcap_opt 'inject strip' -l level -x -d 'compression level'
__secretcap_opt 'inject strip' -s T -l threads -x -d 'zstd worker threads (0 = one per CPU)'
__secretcap_opt 'inject strip' -l sync -d 'fsync a new output before its rename'
__secretcap_opt 'inject extract strip info sessions' -l max-window -x -d 'largest zstd window on input (MiB)'
__secretcap_opt 'inject info sessions' -l max-record -x -d 'accept pcap records up to BYTES'
__secretcap_opt inject -s O -l output-dir -x -a '(__fish_complete_directories)' -d 'batch mode: output folder'
__secretcap_opt inject -s r -l recursive -d 'walk folders recursively'
__secretcap_opt inject -l files-from -r -F -d 'read input paths from FILE'
__secretcap_opt inject -l keylog-for -x -d 'per-capture key log template'
__secretcap_opt 'inject sessions' -l require-keys -d 'fail without complete keys'
__secretcap_opt inject -l in-place -d 'replace each pcapng by its result'
__secretcap_opt inject -l rm -d 'with --in-place: remove a converted pcap'
__secretcap_opt inject -s j -l jobs -x -d 'captures at a time'
__secretcap_opt inject -l report -r -F -d 'one JSON object per input'
__secretcap_opt inject -l fail-fast -d 'start nothing after the first failure'
__secretcap_opt inject -l skip-existing -d 'skip inputs whose output is newer'
__secretcap_opt extract -s t -l type -x -a "$__secretcap_types all" -d 'secrets type'
__secretcap_opt 'strip check' -s t -l type -x -a "$__secretcap_types" -d 'secrets type'
__secretcap_opt extract -l split -d 'one file per secrets block'
__secretcap_opt 'info check sessions' -s j -l json -d 'JSON output'
__secretcap_opt version -s j -l json -d "JSON output"
__secretcap_opt version -s h -l help -d "show the help"
__secretcap_opt sessions -l max-flows -x -d 'flows tracked at once'
__secretcap_opt 'inject extract strip check sessions' -s q -l quiet -d 'no warnings'
__secretcap_opt 'inject extract strip info check sessions' -s h -l help -d 'show the help'

# Operands.
__secretcap_opt 'inject extract strip info sessions' -a "(__secretcap_files '$__secretcap_capture_re')"
__secretcap_opt check -a "(__secretcap_files '$__secretcap_keylog_re')"
complete -c secretcap -n "$nocmd; and $editcap" -a "(__secretcap_files '$__secretcap_capture_re')"
functions -e __secretcap_opt
