#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# flatpak/check-manifest.sh [MANIFEST]: what can be checked of the Flatpak here, where
# the GNOME runtime cannot be fetched (flatpak/README says what is and is not built):
#
#  1. tests/check-flatpak-manifest.py: the manifest names this tree (app id, command,
#     runtime 43, permissions, a module for each library the runtime lacks);
#  2. flatpak-builder --show-manifest parses it, with no unknown property;
#  3. the same module list built with the host's libraries, as flatpak-builder would
#     build it in the Sdk: a module with an archive source is a library the host has as
#     a Debian package (checked installed, at the manifest's version, and not built); the
#     module with the "dir" source is this tree, copied without its "skip" entries, set
#     up with the module's buildsystem (meson) and config-opts and --prefix=/app
#     --libdir=lib, compiled and installed into a scratch DESTDIR;
#  4. the installed /app holds what the app needs: bin/<command>, the desktop file,
#     the metainfo, the icons, the schema (compiled with --strict, as flatpak-builder's
#     finish step does), the D-Bus service; the desktop file and metainfo validate,
#     and the installed program starts far enough to print its --help.
#
# TAP on stdout. KEEP=1 keeps the scratch folder. Meant for CI (several minutes on two
# cores): tests/meson.build registers it as the test flatpak-host-build (suites docs
# and slow).

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
manifest=$(realpath "${1:-$here/io.github.driftkoll.Driftkoll.json}")
# the application id of the tree (the root meson.build), which the manifest must build
app_id=$(sed -n "s/^app_id = '\\(.*\\)'$/\\1/p" "$root/meson.build")

# The Debian package that stands in for each module the manifest builds from an archive.
declare -A HOST_PACKAGES=(
  [libsodium]=libsodium-dev
)

n_run=0
n_failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dk-flatpak-check.XXXXXX")
# shellcheck disable=SC2317 # called by the trap
cleanup () {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "# kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass () { n_run=$((n_run + 1)); echo "ok $n_run - $1"; }
skip () { n_run=$((n_run + 1)); echo "ok $n_run - $1 # SKIP $2"; }
fail () {
  n_run=$((n_run + 1))
  n_failed=$((n_failed + 1))
  echo "not ok $n_run - $1"
  if [ -s "$tmp/log" ]; then
    tail -n 30 "$tmp/log" | sed 's/^/# /'
  fi
}
finish () {
  echo "1..$n_run"
  [ "$n_failed" -eq 0 ] || { echo "# $n_failed of $n_run failed"; exit 1; }
  exit 0
}
# step DESCRIPTION COMMAND...: runs COMMAND with its output in $tmp/log
step () {
  local description=$1
  shift
  if "$@" >"$tmp/log" 2>&1; then
    pass "$description"
    return 0
  fi
  fail "$description"
  return 1
}

# ---- 1. the manifest names this tree ----

step "check-flatpak-manifest.py: the manifest names this tree" \
  python3 "$root/tests/check-flatpak-manifest.py" "$manifest" "$app_id"

# ---- 2. flatpak-builder parses it ----

shown=$tmp/shown.json
if command -v flatpak-builder >/dev/null; then
  # from $tmp: flatpak-builder makes its .flatpak-builder state folder where it runs
  if (cd "$tmp" && flatpak-builder --show-manifest "$manifest") >"$shown" 2>"$tmp/log" \
     && ! grep -q . "$tmp/log"; then
    pass "flatpak-builder --show-manifest parses it without a warning"
  else
    echo "flatpak-builder failed or warned" >>"$tmp/log"
    fail "flatpak-builder --show-manifest parses it without a warning"
    finish
  fi
else
  skip "flatpak-builder --show-manifest parses it" "flatpak-builder is not installed"
  python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), sys.stdout)' \
    "$manifest" >"$shown" || { fail "the manifest is JSON"; finish; }
fi

# ---- 3. the module list with the host's libraries ----

# One line a module: NAME<TAB>BUILDSYSTEM<TAB>KIND<TAB>DETAIL<TAB>CONFIG-OPTS (JSON) where
# KIND is "dir" (DETAIL: the source path, then the skip list as JSON) or "archive"
# (DETAIL: the archive's file name).
python3 - "$shown" >"$tmp/modules" <<'PYTHON' || { fail "the modules are read"; finish; }
import json, sys
m = json.load(open(sys.argv[1]))
for module in m.get("modules", []):
    if isinstance(module, str):
        print(f"{module}\t-\tinclude\t-\t-\t[]")
        continue
    sources = module.get("sources", [])
    dirs = [s for s in sources if s.get("type") == "dir"]
    archives = [s for s in sources if s.get("type") == "archive"]
    opts = json.dumps(module.get("config-opts", []))
    if dirs:
        detail = dirs[0]["path"] + "\t" + json.dumps(dirs[0].get("skip", []))
        print(f"{module['name']}\t{module.get('buildsystem', 'autotools')}\tdir\t{detail}\t{opts}")
    elif archives:
        name = (archives[0].get("url") or archives[0].get("path", "")).rsplit("/", 1)[-1]
        print(f"{module['name']}\t{module.get('buildsystem', 'autotools')}\tarchive\t{name}\t-\t{opts}")
    else:
        print(f"{module['name']}\t{module.get('buildsystem', 'autotools')}\tother\t-\t-\t{opts}")
PYTHON

destdir=$tmp/install
prefix=/app
built_app=0
while IFS=$'\t' read -r name buildsystem kind detail skip_list opts; do
  case $kind in
    archive)
      package=${HOST_PACKAGES[$name]:-}
      if [ -z "$package" ]; then
        : >"$tmp/log"
        fail "module $name ($detail): no host package stands in for it (add one to HOST_PACKAGES)"
        continue
      fi
      version=$(dpkg-query -W -f='${Status} ${Version}' "$package" 2>/dev/null \
        | sed -n 's/^install ok installed //p')
      if [ -z "$version" ]; then
        echo "$package is not installed (apt-get install $package)" >"$tmp/log"
        fail "module $name: the host's $package stands in for $detail"
        continue
      fi
      upstream=${version#*:}
      upstream=${upstream%%-*}
      upstream=${upstream%%+*}
      if [[ $detail == *"-$upstream."* ]]; then
        pass "module $name: not built here; the host's $package $version stands in for $detail"
      else
        echo "the manifest builds $detail, the host has $package $version" >"$tmp/log"
        fail "module $name: the host's $package is the manifest's version"
      fi
      ;;
    dir)
      if [ "$buildsystem" != meson ]; then
        : >"$tmp/log"
        fail "module $name: its buildsystem $buildsystem is meson"
        continue
      fi
      source=$(cd "$(dirname "$manifest")" && cd "$detail" && pwd)
      # the tree as flatpak-builder copies a "dir" source: without its skip entries
      excludes=(--exclude=./.git)
      while IFS= read -r entry; do
        [ -n "$entry" ] && excludes+=("--exclude=./$entry")
      done < <(python3 -c 'import json, sys; print("\n".join(json.loads(sys.argv[1])))' "$skip_list")
      mkdir -p "$tmp/src"
      # shellcheck disable=SC2016 # expanded by the inner bash
      step "module $name: the tree is copied without its skip entries" \
        bash -c 'tar -C "$1" "${@:3}" -cf - . | tar -C "$2" -xf -' _ "$source" "$tmp/src" \
        "${excludes[@]}" || continue
      mapfile -t config_opts < <(python3 -c 'import json, sys; print("\n".join(json.loads(sys.argv[1])))' "$opts")
      step "module $name: meson setup --prefix=$prefix --libdir=lib ${config_opts[*]}" \
        nice -n 19 meson setup --prefix="$prefix" --libdir=lib "${config_opts[@]}" \
        "$tmp/src/_flatpak_build" "$tmp/src" || continue
      step "module $name: compiles" nice -n 19 ninja -C "$tmp/src/_flatpak_build" || continue
      step "module $name: installs into DESTDIR" \
        env DESTDIR="$destdir" nice -n 19 meson install -C "$tmp/src/_flatpak_build" --no-rebuild \
        || continue
      built_app=1
      ;;
    *)
      : >"$tmp/log"
      fail "module $name: a source this check knows (dir or archive)"
      ;;
  esac
done <"$tmp/modules"

[ "$built_app" -eq 1 ] || finish

# ---- 4. what the installed /app holds ----

app=$destdir$prefix
command=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["command"])' "$shown")
: >"$tmp/log"
for file in "bin/$command" \
            "share/applications/$app_id.desktop" \
            "share/metainfo/$app_id.metainfo.xml" \
            "share/icons/hicolor/scalable/apps/$app_id.svg" \
            "share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
            "share/glib-2.0/schemas/$app_id.gschema.xml" \
            "share/dbus-1/services/$app_id.service"; do
  if [ -e "$app/$file" ]; then
    pass "the installed tree has /app/$file"
  else
    fail "the installed tree has /app/$file"
  fi
done

step "the schema compiles (glib-compile-schemas --strict, as the finish step does)" \
  glib-compile-schemas --strict "$app/share/glib-2.0/schemas"
step "the installed desktop file validates" \
  desktop-file-validate "$app/share/applications/$app_id.desktop"
step "the installed metainfo validates" \
  appstreamcli validate --no-net "$app/share/metainfo/$app_id.metainfo.xml"
step "the D-Bus service runs /app/bin/$command" \
  grep -qx "Exec=$prefix/bin/$command --gapplication-service" "$app/share/dbus-1/services/$app_id.service"
step "/app/bin/$command --help runs with the installed schema" \
  env GSETTINGS_SCHEMA_DIR="$app/share/glib-2.0/schemas" GSETTINGS_BACKEND=memory \
  "$app/bin/$command" --help

echo "# installed: $(cd "$app" && find . -type f | wc -l) files under /app"
finish
