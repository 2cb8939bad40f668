# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion shared by driftkoll-cli and driftkoll-server (meson puts this file
# before each program's own lines). The commands and options are read from the
# program's own --help, level by level ("driftkoll-server user add --help"), so what
# is completed is what the program accepts, in every version.
# shellcheck shell=bash disable=SC2207,SC2016,SC2034 # bash-completion idioms: COMPREPLY=($(compgen …)), compgen expands -W itself, _init_completion sets words/cword

# _driftkoll_read_help PROGRAM [WORD...]: fills _dk_commands (the sub-commands),
# _dk_options (the long options, without "=") and _dk_args (option -> its ARG, for
# options taking a value), and _dk_params (the usage's positional arguments).
_driftkoll_read_help ()
{
    local line section='' text
    _dk_commands=() _dk_options=() _dk_params=
    _dk_args=()
    text=$(LC_ALL=C LANGUAGE='' "$@" --help 2>/dev/null) || return 1
    while IFS= read -r line; do
        case $line in
            Usage:) section=usage; continue ;;
            Commands:) section=commands; continue ;;
            *Options:) section=options; continue ;;
            '') section=; continue ;;
        esac
        case $section in
            usage)
                # "  driftkoll-server import [OPTION…] FILE.json"
                _dk_params=${line#*]}
                [[ $line == *]* ]] || _dk_params=
                ;;
            commands)
                [[ $line =~ ^\ \ ([a-z][a-z0-9-]*)\  ]] && _dk_commands+=("${BASH_REMATCH[1]}")
                ;;
            options)
                # "  --db=FILE|URL   The database", "  --server URL   The server",
                # "  -h, --help   Show help options"
                if [[ $line =~ ^\ +(-[a-zA-Z?],\ )?(--[a-z0-9-]+)([=\ ]([^ ]+))? ]]; then
                    _dk_options+=("${BASH_REMATCH[2]}")
                    [[ -n ${BASH_REMATCH[4]} ]] && _dk_args[${BASH_REMATCH[2]}]=${BASH_REMATCH[4]}
                fi
                ;;
        esac
    done <<< "$text"
    # sub-commands a help does not list (the program's own file names them)
    local hook=_${1##*/}_hidden_commands
    hook=${hook//-/_}
    if declare -F "$hook" >/dev/null; then
        "$hook" "$@"
    fi
    return 0
}

# _driftkoll_complete_value OPTION ARG: what an option's value may be.
_driftkoll_complete_value ()
{
    local option=$1 arg=$2
    case $arg in
        *URL*)
            if [[ $arg == *FILE* ]]; then
                _filedir
            fi
            case $option in
                --server) COMPREPLY+=($(compgen -W 'https:// http://' -- "$cur")) ;;
                *) COMPREPLY+=($(compgen -W 'postgresql://' -- "$cur")) ;;
            esac
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *:// ]] && compopt -o nospace
            ;;
        [a-z]*\|*)
            # a choice: "--log-format=text|journal"
            COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur"))
            ;;
        DIR) _filedir -d ;;
        FILE) _filedir ;;
        *) COMPREPLY=() ;;
    esac
}

# _driftkoll_complete_commands: the completion function of both command lines.
_driftkoll_complete_commands ()
{
    local cur prev words cword split
    _init_completion -s || return

    local -a path=("${words[0]}")
    local -a _dk_commands _dk_options
    local -A _dk_args
    local _dk_params word i n_positional=0 skip=0

    _driftkoll_read_help "${path[@]}" || return

    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if ((skip)); then
            skip=0
            continue
        fi
        case $word in
            --) break ;;
            --*=*) continue ;;
            -*)
                [[ -n ${_dk_args[$word]-} ]] && skip=1
                # the cli's global options, taken before the command
                case $word in --server|--data-dir|--ca-file) skip=1 ;; esac
                continue
                ;;
        esac
        if ((${#_dk_commands[@]})) && [[ " ${_dk_commands[*]} " == *" $word "* ]]; then
            path+=("$word")
            n_positional=0
            _driftkoll_read_help "${path[@]}" || return
        else
            n_positional=$((n_positional + 1))
        fi
    done

    # the value of an option: "--db FILE" or "--db=FILE"
    if [[ $prev == --* && ( -n ${_dk_args[$prev]-} || $prev == --server || $prev == --data-dir || $prev == --ca-file ) ]] && ((cword - 1 > 0)); then
        local arg=${_dk_args[$prev]-}
        case $prev in
            --server) arg=${arg:-URL} ;;
            --data-dir) arg=${arg:-DIR} ;;
            --ca-file) arg=${arg:-FILE} ;;
        esac
        _driftkoll_complete_value "$prev" "$arg"
        return
    fi
    $split && return

    if [[ $cur == -* ]]; then
        local -a options=("${_dk_options[@]}")
        if ((${#path[@]} == 1)); then
            # the top level's help lists commands, not these
            options+=(--help --version)
        fi
        COMPREPLY=($(compgen -W '${options[*]}' -- "$cur"))
        return
    fi

    if ((${#_dk_commands[@]})); then
        COMPREPLY=($(compgen -W '${_dk_commands[*]}' -- "$cur"))
        return
    fi

    # positional arguments: files where the usage names one
    case $_dk_params in
        *FILE.jsonl*) _filedir jsonl ;;
        *FILE.json*) _filedir json ;;
        *FILE*) _filedir ;;
    esac
}
