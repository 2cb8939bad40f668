#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-run-from-build.sh BUILD_ROOT APP MESON: the desktop app run from the build tree
# (issue 12, "Run from the build"):
#  - without its settings schema it says so on stderr, what to do, and exits 1: no abort;
#  - `meson devenv -C BUILD_ROOT driftkoll` finds the schema compiled in the build and
#    the translations of the build's po/ (Swedish and Norwegian help text).
# Needs no display: the checks run before GTK starts.

set -eu

build=${1:?usage: test-run-from-build.sh BUILD_ROOT APP MESON}
app=${2:?usage: test-run-from-build.sh BUILD_ROOT APP MESON}
meson=${3:?usage: test-run-from-build.sh BUILD_ROOT APP MESON}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/driftkoll-run-from-build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

mkdir "$tmp/empty"
# Nowhere a schema could be: not the build's, not the system's.
nowhere () {
  env -u GSETTINGS_SCHEMA_DIR -u DISPLAY -u WAYLAND_DISPLAY \
    XDG_DATA_DIRS="$tmp/empty" XDG_DATA_HOME="$tmp/empty" LC_ALL=C.UTF-8 LANGUAGE= "$@"
}

# ---- no schema: a clear message, exit status 1 ----

run 1 "without the schema the app exits with status 1" nowhere "$app"
check "it names the missing schema" \
  grep -q 'settings schema “io.github.driftkoll.Driftkoll” is not installed' "$tmp/stderr"
check "it says how to run it from the build" grep -q "meson devenv -C build driftkoll" "$tmp/stderr"
check "it does not abort" not_grep -q "GLib-GIO-ERROR\|Aborted\|core dumped" "$tmp/stderr"
check "nothing on stdout" test ! -s "$tmp/stdout"

# The same message in Swedish where the translations are found.
run 1 "without the schema, in Swedish" nowhere env DRIFTKOLL_LOCALEDIR="$build/po" LANGUAGE=sv "$app"
check "the Swedish message" grep -q "inställningsschema" "$tmp/stderr"

# ---- meson devenv: schema and translations from the build tree ----

run 0 "meson devenv -C BUILD driftkoll --help runs the app from the build" \
  nowhere env -u DRIFTKOLL_LOCALEDIR LANGUAGE=sv "$meson" devenv -C "$build" driftkoll --help
check "its help is in Swedish (the build's sv.mo)" grep -q "Serverns adress" "$tmp/stdout"

run 0 "in Norwegian too" \
  nowhere env -u DRIFTKOLL_LOCALEDIR LANGUAGE=nb "$meson" devenv -C "$build" driftkoll --help
check "its help is in Norwegian (the build's nb.mo)" grep -q "Serverens adresse" "$tmp/stdout"

run 0 "devenv's environment can be dumped" nowhere "$meson" devenv -C "$build" --dump
check "it points GSETTINGS_SCHEMA_DIR at the build's compiled schema" \
  grep -q "GSETTINGS_SCHEMA_DIR=\"$build/data" "$tmp/stdout"
check "the compiled schema is there" test -f "$build/data/gschemas.compiled"
check "it points DRIFTKOLL_LOCALEDIR at the build's translations" \
  grep -q "DRIFTKOLL_LOCALEDIR=\"$build/po\"" "$tmp/stdout"
check "the build's translations are there" test -f "$build/po/sv/LC_MESSAGES/driftkoll.mo"

echo "1..$n_run"
[ "$n_failed" -eq 0 ]
