#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-packaging.sh OUTDIR: the Debian packages, built and installed as a system gets them.
#
#  1. build-deb.sh builds driftkoll, driftkoll-cli and driftkoll-server from a copy of
#     the tree (nocheck: the suites run elsewhere) into OUTDIR ($outdir: tap.sh uses $out);
#  2. lintian on the .changes: any E: fails; its whole output goes to OUTDIR/lintian.txt;
#  3. the three .debs are installed into an empty root with `dpkg --root`, maintainer
#     scripts run outside a chroot (--force-script-chrootless: they see DPKG_ROOT, and
#     debhelper's snippets pass it on as systemd-sysusers --root and deb-systemd-helper's
#     DPKG_ROOT; debhelper 13.11's start/restart snippet still looks at this machine's
#     /run/systemd/system, where the unit does not exist: it fails and is ignored);
#     --force-depends because the root holds no libraries (the programs run with this
#     machine's, the ones they were built against). debootstrap cannot reach a mirror
#     here, and a chroot would need every library copied in;
#  4. what a desktop and systemd expect is where they look, valid; the programs run from
#     the root; the server starts from the installed configuration and answers.
# The listing of each package (dpkg -c) is printed and kept in OUTDIR/installed-files.txt.
# Exit 77 (skip) without dpkg-buildpackage, debhelper or lintian. DK_PACKAGING_REUSE=1 skips
# step 1 and checks the packages already in OUTDIR (when working on this script).
set -eu

outdir=${1:?usage: test-packaging.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)

for tool in dpkg-buildpackage dpkg-deb dh dh_installsysusers lintian curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is not installed (apt install debhelper lintian curl)"
    exit 77
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dk-packaging.XXXXXX")
server_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup () {
  if [ -n "$server_pid" ]; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/tap.sh
. "$here/../tap.sh"

finish () {
  echo "1..$n_run"
  [ "$n_failed" -eq 0 ]
  exit
}

# ---- 1. build ----
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
if [ "${DK_PACKAGING_REUSE:-}" = 1 ]; then
  echo "# DK_PACKAGING_REUSE=1: the packages already in $outdir"
elif ! sh "$here/build-deb.sh" "$outdir" >"$tmp/stdout" 2>"$tmp/stderr"; then
  fail "dpkg-buildpackage -us -uc -b builds the packages (log: $outdir/build.log)"
  finish
fi
pass "dpkg-buildpackage -us -uc -b builds the packages"
for package in driftkoll driftkoll-cli driftkoll-server; do
  check "$package's .deb is built" \
    test -n "$(find "$outdir" -maxdepth 1 -name "${package}_*.deb" | head -n 1)"
done
: >"$tmp/stderr"

echo "# Installed files, package by package (dpkg -c):"
for deb in "$outdir"/*.deb; do
  echo "## $(basename "$deb")"
  dpkg-deb -c "$deb" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }'
done >"$outdir/installed-files.txt"
sed 's/^/# /' "$outdir/installed-files.txt"

# ---- 2. lintian ----
status=0
nice -n 19 lintian --info --display-info --pedantic "$outdir"/*.changes >"$outdir/lintian.txt" 2>&1 ||
  status=$?
grep -E '^[EWIP]: ' "$outdir/lintian.txt" | sed 's/^/# lintian: /' || true
check "lintian reports no errors (exit $status)" not_grep -q '^E: ' "$outdir/lintian.txt"

# ---- 3. install into an empty root ----
root="$tmp/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/log" "$root/etc"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
# --log: dpkg's log would be this machine's /var/log/dpkg.log otherwise.
dpkg_root () {
  if [ "$(id -u)" -eq 0 ]; then
    dpkg --root="$root" --log="$root/var/log/dpkg.log" --force-script-chrootless \
      --force-depends "$@"
  else
    fakeroot dpkg --root="$root" --log="$root/var/log/dpkg.log" --force-script-chrootless \
      --force-depends --force-not-root "$@"
  fi
}
run 0 "dpkg --root installs the three packages, maintainer scripts included" \
  dpkg_root --install "$outdir"/driftkoll_*.deb "$outdir"/driftkoll-cli_*.deb \
  "$outdir"/driftkoll-server_*.deb
# Its progress, without the complaints about the libraries --force-depends lets pass.
cat "$tmp/stdout" "$tmp/stderr" |
  grep -Ev 'depends on|is not installed|dependency problems|^ *$' | sed 's/^/# dpkg: /' || true
dpkg_root --list 'driftkoll*' >"$tmp/list" 2>&1 || true
for package in driftkoll driftkoll-cli driftkoll-server; do
  check "$package is installed and configured" grep -Eq "^ii +$package " "$tmp/list"
done
: >"$tmp/stderr"

# ---- 4. where a desktop and systemd look ----
app_id=io.github.driftkoll.Driftkoll
for program in driftkoll driftkoll-cli driftkoll-server; do
  check "usr/bin/$program is an executable" test -x "$root/usr/bin/$program"
done

desktop="$root/usr/share/applications/$app_id.desktop"
check "the desktop file is in usr/share/applications" test -f "$desktop"
run 0 "desktop-file-validate accepts it" desktop-file-validate "$desktop"
exec_line=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop" | head -n 1)
case $exec_line in
  /*) exec_path=$exec_line ;;
  *) exec_path=/usr/bin/$exec_line ;;  # found on PATH
esac
check "its Exec ($exec_line) is installed" test -x "$root$exec_path"

metainfo="$root/usr/share/metainfo/$app_id.metainfo.xml"
check "the metainfo is in usr/share/metainfo" test -f "$metainfo"
run 0 "appstreamcli validate --no-net accepts it" appstreamcli validate --no-net "$metainfo"

check "the icon is in hicolor/scalable" \
  test -f "$root/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
check "the symbolic icon is in hicolor/symbolic" \
  test -f "$root/usr/share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"

schemas="$root/usr/share/glib-2.0/schemas"
check "the GSettings schema is in usr/share/glib-2.0/schemas" test -f "$schemas/$app_id.gschema.xml"
run 0 "glib-compile-schemas --strict compiles the root's schemas" \
  glib-compile-schemas --strict "$schemas"
check "... into gschemas.compiled" test -s "$schemas/gschemas.compiled"

dbus_service="$root/usr/share/dbus-1/services/$app_id.service"
check "the D-Bus service file is in usr/share/dbus-1/services" test -f "$dbus_service"
check "it names the app ($app_id)" grep -qx "Name=$app_id" "$dbus_service"
dbus_exec=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$dbus_service" | head -n 1)
check "its Exec ($dbus_exec) is installed" test -x "$root$dbus_exec"

for lang in sv nb; do
  check "the $lang translation is installed" \
    test -f "$root/usr/share/locale/$lang/LC_MESSAGES/driftkoll.mo"
done

unit="$root/lib/systemd/system/driftkoll-server.service"
: >"$tmp/stderr"
check "the unit is in lib/systemd/system" test -f "$unit"
unit_exec=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit" | head -n 1)
check "its ExecStart ($unit_exec) is installed" test -x "$root$unit_exec"
check "it reads /etc/driftkoll/server.conf" grep -q -- '--config /etc/driftkoll/server.conf' "$unit"
check "the postinst enabled it (multi-user.target.wants)" \
  test -L "$root/etc/systemd/system/multi-user.target.wants/driftkoll-server.service"
sysusers=$(find "$root/usr/lib/sysusers.d" -name '*.conf' 2>/dev/null | head -n 1)
check "a sysusers file is in usr/lib/sysusers.d (${sysusers##*/})" test -n "$sysusers"
check "it makes the system user driftkoll" grep -Eq '^u +driftkoll ' "${sysusers:-/dev/null}"
check "the postinst made it (systemd-sysusers --root)" grep -q '^driftkoll:' "$root/etc/passwd"
if command -v systemd-analyze >/dev/null 2>&1; then
  # This machine's units (the root has no sysinit.target), ExecStart in the root.
  sed "s|^ExecStart=/|ExecStart=$root/|" "$unit" >"$tmp/driftkoll-server.service"
  run 0 "systemd-analyze verify accepts the unit" \
    systemd-analyze verify --man=no "$tmp/driftkoll-server.service"
fi
: >"$tmp/stderr"
config="$root/etc/driftkoll/server.conf"
check "the default configuration is /etc/driftkoll/server.conf" test -f "$config"
dpkg-deb -I "$outdir"/driftkoll-server_*.deb conffiles >"$tmp/conffiles" 2>&1 || true
check "it is a conffile" grep -qx /etc/driftkoll/server.conf "$tmp/conffiles"

for page in man1/driftkoll.1 man1/driftkoll-cli.1 man1/driftkoll-server.1 \
            man5/driftkoll-server.conf.5; do
  file="$root/usr/share/man/$page.gz"
  if [ -f "$file" ]; then
    status=0
    MANWIDTH=80 man -l "$file" >"$tmp/man" 2>"$tmp/stderr" || status=$?
    check "man -l renders $page" test "$status" -eq 0 -a -s "$tmp/man"
  else
    fail "$page.gz is installed"
  fi
done

for program in driftkoll driftkoll-cli driftkoll-server; do
  file="$root/usr/share/bash-completion/completions/$program"
  if [ -f "$file" ]; then
    run 0 "bash loads the completion of $program" bash -c \
      ". /usr/share/bash-completion/bash_completion 2>/dev/null || true; . \"\$1\"; complete -p $program" \
      sh "$file"
  else
    fail "usr/share/bash-completion/completions/$program is installed"
  fi
done

# ---- the programs from the root ----
run 0 "driftkoll-server --help runs" "$root/usr/bin/driftkoll-server" --help
check "... and lists serve" grep -q '^  serve ' "$tmp/stdout"
run 0 "driftkoll-cli --help runs" "$root/usr/bin/driftkoll-cli" --help

db="$tmp/state/driftkoll.db"
mkdir -p "$tmp/state"
run 0 "driftkoll-server init --db makes a database" "$root/usr/bin/driftkoll-server" init --db "$db"
"$root/usr/bin/driftkoll-server" serve --config "$config" --db "$db" --listen 127.0.0.1:0 \
  >"$tmp/serve.out" 2>"$tmp/serve.err" </dev/null &
server_pid=$!
i=0
while [ "$i" -lt 300 ] && ! grep -q '^listening on ' "$tmp/serve.out" 2>/dev/null &&
      kill -0 "$server_pid" 2>/dev/null; do
  sleep 0.1
  i=$((i + 1))
done
first_line=$(head -n 1 "$tmp/serve.out")
url=${first_line#listening on }
if [ "$url" != "$first_line" ]; then
  pass "serve --config /etc/driftkoll/server.conf starts ($first_line)"
  status=0
  curl -fsS --max-time 10 "${url}api/v1/healthz" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  check "it answers /api/v1/healthz" test "$status" -eq 0
  kill -TERM "$server_pid" 2>/dev/null || true
  status=0
  wait "$server_pid" || status=$?
  server_pid=
  check "it exits 0 on SIGTERM" test "$status" -eq 0
else
  cp "$tmp/serve.err" "$tmp/stderr"
  fail "serve --config /etc/driftkoll/server.conf starts (got \"$first_line\")"
fi

# ---- an upgrade keeps an edited configuration ----
: >"$tmp/stderr"
printf '\n# edited by the packaging test\n' >>"$config"
run 0 "installing the packages again (an upgrade's path through the maintainer scripts)" \
  dpkg_root --install "$outdir"/driftkoll_*.deb "$outdir"/driftkoll-cli_*.deb \
  "$outdir"/driftkoll-server_*.deb
check "the edited conffile is kept" grep -q '^# edited by the packaging test' "$config"
check "the unit is still enabled" \
  test -L "$root/etc/systemd/system/multi-user.target.wants/driftkoll-server.service"

# ---- removal ----
: >"$tmp/stderr"
rm -f "$schemas/gschemas.compiled"  # made by this test, not by a package
run 0 "dpkg --purge removes the three packages" \
  dpkg_root --purge driftkoll driftkoll-cli driftkoll-server
check "the configuration is gone after purge" test ! -e "$config"
check "the unit is no longer enabled" \
  test ! -L "$root/etc/systemd/system/multi-user.target.wants/driftkoll-server.service"
check "no file of the packages is left in usr" \
  test -z "$(find "$root/usr" "$root/lib" -type f 2>/dev/null | head -n 1)"

finish
