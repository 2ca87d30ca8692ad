# bash completion for wtlab and wtdb (installed under both names, so
# bash-completion loads it for either command).
#
# Everything offered is read from the program itself, so completion and
# --help cannot disagree: subcommands from the "commands:" list of
# `PROG --help`, options from `PROG [COMMAND] --help`, an option's values
# from the "--opt a|b|c" it shows there, lesson names from
# `wtlab lesson --list`.  Files otherwise: scenarios (.json) for run,
# explore and step, traces (.jsonl) for the others, WAL files (.log) for dump-wal.

# The subcommands listed under "commands:" in HELP.
_wtlab_help_commands()
{
    printf '%s\n' "$1" | awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
                              on && /^  [a-z]/ { print $1 }'
}

# The values HELP shows for OPTION as "OPTION a|b|c" (may span lines).
_wtlab_help_values()
{
    printf '%s\n' "$1" | tr '\n' ' ' | sed 's/| */|/g' |
        grep -o -- "$2 [a-z_-]*|[a-z_|-]*" | head -n 1 | cut -d ' ' -f 2 | tr '|' ' '
}

# Files ending in $2 and directories, for the word $1.
_wtlab_files()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -d -- "$1") $(compgen -f -X "!*$2" -- "$1"))
}

_wtlab_complete()
{
    local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]} top cmd="" i help values
    top=$("$prog" --help 2>/dev/null)
    # The first word that names a subcommand (wtdb takes options before it).
    for ((i = 1; i < COMP_CWORD; i++)); do
        if _wtlab_help_commands "$top" | grep -qx -- "${COMP_WORDS[i]}"; then
            cmd=${COMP_WORDS[i]}
            break
        fi
    done
    help=$top
    [ -z "$cmd" ] || help=$("$prog" "$cmd" --help 2>/dev/null)
    values=$(_wtlab_help_values "$help" "$prev")
    [ -n "$values" ] || values=$(_wtlab_help_values "$top" "$prev")
    if [ -n "$values" ]; then
        COMPREPLY=($(compgen -W "$values" -- "$cur"))
        return
    fi
    case $prev in
    -o | --output | --save | --db | --trace | --script)
        _wtlab_files "$cur" ""
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u)" \
            -- "$cur"))
    elif [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "$(_wtlab_help_commands "$top")" -- "$cur"))
    else
        case $prog:$cmd in
        *wtlab:lesson) COMPREPLY=($(compgen -W "$("$prog" lesson --list 2>/dev/null)" -- "$cur")) ;;
        *wtlab:run | *wtlab:explore | *wtlab:step) _wtlab_files "$cur" .json ;;
        *wtlab:*) _wtlab_files "$cur" .jsonl ;;
        *wtdb:dump-wal) _wtlab_files "$cur" .log ;;
        esac
    fi
}
complete -F _wtlab_complete wtlab wtdb
