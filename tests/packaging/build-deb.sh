#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# build-deb.sh OUTDIR: builds the Debian packages of this tree into OUTDIR (the .debs, the
# .changes and .buildinfo, the build log) from a copy, so the tree itself stays clean.
# The copy holds what `git ls-files` lists (untracked files that git does not ignore too)
# with the worktree's content, so a test run checks uncommitted changes as well.
# DEB_BUILD_OPTIONS defaults to "nocheck parallel=2 noautodbgsym" (make deb, the
# packaging suite); set it to build with the check (debian/rules: the core suite).
set -eu

out=${1:?usage: build-deb.sh OUTDIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dk-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

version=$(sed -n '1s/^driftkoll (\([^)]*\)).*/\1/p' "$src/debian/changelog")
tree="$work/driftkoll-$version"
mkdir -p "$tree"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # shellcheck disable=SC2016 # $f is the inner sh's
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
     xargs -0 sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done' sh |
     xargs -0 cp -P --parents -t "$tree")
else
  # Not a git checkout: everything but the build directories the Makefile makes.
  (cd "$src" && tar -cf - --exclude=./build --exclude=./build-asan --exclude=./build-fuzz \
     --exclude=./_build --exclude='./obj-*' --exclude=./.git .) | tar -xf - -C "$tree"
fi

DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck parallel=2 noautodbgsym}
export DEB_BUILD_OPTIONS
echo "dpkg-buildpackage -us -uc -b in $tree (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
status=0
(cd "$tree" && nice -n 19 dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 40 "$out/build.log" >&2
  echo "dpkg-buildpackage failed (exit $status); the whole log: $out/build.log" >&2
  exit 1
fi
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
ls "$out"/*.deb
