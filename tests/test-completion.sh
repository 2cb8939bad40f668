#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-completion.sh: the bash completion of the three programs completes what their
# --help lists: every command, and every option of every command.
#
# Needs DRIFTKOLL_SERVER, DRIFTKOLL_CLI and DRIFTKOLL_COMPLETIONS (the built completion
# files; tests/meson.build sets them), DRIFTKOLL_APP when the app is built, and
# bash-completion's helpers; skips (a TAP "1..0 # SKIP" plan) without them.



test_name=completion
# shellcheck source=tests/test-env.sh
. "$(dirname "$0")/test-env.sh"

bash_completion=${BASH_COMPLETION_SCRIPT:-/usr/share/bash-completion/bash_completion}
if [ ! -r "$bash_completion" ]; then
  echo "1..0 # SKIP bash-completion is not installed ($bash_completion)"
  exit 0   # a TAP skip: meson reads the plan
fi
completions=${DRIFTKOLL_COMPLETIONS:?DRIFTKOLL_COMPLETIONS must name the built completions}
app=${DRIFTKOLL_APP:-}

# bash-completion's helpers, as an interactive shell loads them
# shellcheck disable=SC1090
. "$bash_completion"
for program in driftkoll driftkoll-cli driftkoll-server; do
  # shellcheck disable=SC1090
  . "$completions/$program"
done
# compopt only works while readline completes; here it has nothing to do
# shellcheck disable=SC2317 # called by the completion functions
compopt () { :; }

# complete FUNCTION WORD...: COMPREPLY for the line WORD... with the cursor at the end
# of the last word, sorted, one a line, in $tmp/reply
complete_line () {
  local function=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  "$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u >"$tmp/reply"
}

# help_commands PROGRAM WORD...: the commands the help lists, sorted
help_commands () {
  LC_ALL=C LANGUAGE='' "$@" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p' | sort -u
}

# help_options PROGRAM WORD...: the long options the help lists, sorted
help_options () {
  LC_ALL=C LANGUAGE='' "$@" --help | grep -oE '^ +(-[a-zA-Z?], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | sort -u
}

# same DESCRIPTION EXPECTED-FILE: $tmp/reply holds the same lines as EXPECTED-FILE
same () {
  if diff -u "$2" "$tmp/reply" >"$tmp/stderr"; then
    pass "$1"
  else
    fail "$1"
  fi
}

# holds DESCRIPTION LINE...: every LINE is in $tmp/reply
holds () {
  local description=$1 line
  shift
  for line in "$@"; do
    if ! grep -qxF -- "$line" "$tmp/reply"; then
      cp "$tmp/reply" "$tmp/stderr"
      fail "$description (no \"$line\")"
      return
    fi
  done
  pass "$description"
}

# lacks DESCRIPTION LINE...: no LINE is in $tmp/reply
lacks () {
  local description=$1 line
  shift
  for line in "$@"; do
    if grep -qxF -- "$line" "$tmp/reply"; then
      cp "$tmp/reply" "$tmp/stderr"
      fail "$description (\"$line\")"
      return
    fi
  done
  pass "$description"
}

# every_command PROGRAM [GLOBAL...] -- WORD...: checks the commands under WORD..., and
# each leaf command's options, against the help, recursing into groups
every_command () {
  local program=$1
  shift
  local -a words=("$@")
  help_commands "$program" "${words[@]}" >"$tmp/expected"
  if [ -s "$tmp/expected" ]; then
    complete_line _driftkoll_complete_commands "$program" "${words[@]}" ""
    same "$(basename "$program") ${words[*]} <TAB> lists the commands of its --help" "$tmp/expected"
    local command
    local -a commands
    mapfile -t commands <"$tmp/expected"
    for command in "${commands[@]}"; do
      every_command "$program" "${words[@]}" "$command"
    done
  else
    help_options "$program" "${words[@]}" >"$tmp/expected"
    complete_line _driftkoll_complete_commands "$program" "${words[@]}" "--"
    same "$(basename "$program") ${words[*]} --<TAB> lists the options of its --help" "$tmp/expected"
  fi
}

# ---- driftkoll-server ----

every_command "$server"

complete_line _driftkoll_complete_commands "$server" --
holds "driftkoll-server --<TAB> offers --help and --version" --help --version

cd "$tmp" || bail "cd $tmp"
mkdir -p dir
: >server.db
: >services.json
: >cases.jsonl

complete_line _driftkoll_complete_commands "$server" init --db ""
holds "init --db <TAB> offers files and postgresql://" server.db dir postgresql://

complete_line _driftkoll_complete_commands "$server" serve --db=s
holds "serve --db=s<TAB> completes the file" server.db
lacks "serve --db=s<TAB> offers no options" --listen

complete_line _driftkoll_complete_commands "$server" migrate --to ""
same "migrate --to <TAB> offers postgresql:// only" <(echo postgresql://)

complete_line _driftkoll_complete_commands "$server" serve --snapshot-dir ""
same "serve --snapshot-dir <TAB> offers folders only" <(echo dir)

complete_line _driftkoll_complete_commands "$server" serve --config ""
holds "serve --config <TAB> offers files" server.db

complete_line _driftkoll_complete_commands "$server" serve --log-format ""
same "serve --log-format <TAB> offers its choices" <(printf '%s\n' journal text)

complete_line _driftkoll_complete_commands "$server" serve --log-format text --c
holds "a choice's value is skipped" --config --create-if-missing

complete_line _driftkoll_complete_commands "$server" serve --db server.db --listen 127.0.0.1:0 --t
holds "options after values still complete" --tls-cert --tls-key

complete_line _driftkoll_complete_commands "$server" import --db server.db ""
holds "import's FILE.json offers JSON files" services.json
lacks "import's FILE.json offers no JSON Lines" cases.jsonl

complete_line _driftkoll_complete_commands "$server" import-cases --db server.db ""
holds "import-cases' FILE.jsonl offers JSON Lines files" cases.jsonl

complete_line _driftkoll_complete_commands "$server" user add --db server.db --roles ""
same "a value that is not a file offers nothing (user add --roles)" /dev/null

# ---- driftkoll-cli ----

if [ -n "$cli" ]; then
  every_command "$cli"

  complete_line _driftkoll_complete_commands "$cli" --
  holds "driftkoll-cli --<TAB> offers the global options" \
    --server --data-dir --ca-file --help --version

  complete_line _driftkoll_complete_commands "$cli" --server https://dk.example/ --data-dir dir s
  holds "commands after the global options" status sync show search

  complete_line _driftkoll_complete_commands "$cli" --data-dir dir sync --
  help_options "$cli" sync >"$tmp/expected"
  same "options of a command after the global options" "$tmp/expected"

  # "report ack|close", which report's --help does not list
  complete_line _driftkoll_complete_commands "$cli" report ""
  same "report <TAB> offers ack and close" <(printf '%s\n' ack close)
  for command in ack close; do
    help_options "$cli" report "$command" >"$tmp/expected"
    complete_line _driftkoll_complete_commands "$cli" report "$command" --
    same "report $command --<TAB> lists the options of its --help" "$tmp/expected"
  done

  complete_line _driftkoll_complete_commands "$cli" --data-dir ""
  same "--data-dir <TAB> offers folders only" <(echo dir)

  complete_line _driftkoll_complete_commands "$cli" --server ""
  holds "--server <TAB> hints the scheme" https://

  complete_line _driftkoll_complete_commands "$cli" print case DK-1 --pdf ""
  holds "print case --pdf <TAB> offers files" server.db
else
  echo "# driftkoll-cli is not built: its completion is not checked"
fi

# ---- driftkoll ----

if [ -n "$app" ]; then
  complete_line _driftkoll "$app" --
  LC_ALL=C LANGUAGE='' "$app" --help-all | grep -oE '^ +(-[a-zA-Z?], )?--[a-z0-9-]+' \
    | grep -oE -- '--[a-z0-9-]+' | sort -u >"$tmp/expected"
  same "driftkoll --<TAB> lists the options of its --help-all" "$tmp/expected"

  complete_line _driftkoll "$app" --data-dir ""
  same "driftkoll --data-dir <TAB> offers folders only" <(echo dir)
else
  echo "# driftkoll (the app) is not built: its completion is not checked"
fi

cd / || true
finish
