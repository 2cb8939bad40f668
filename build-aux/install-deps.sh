#!/bin/sh
# Installs the Debian 12 packages Driftkoll needs to build, test and benchmark,
# only when one is missing, without prompting.
set -eu

PACKAGES="
  build-essential meson ninja-build pkg-config gettext patch clang libclang-rt-14-dev llvm
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libjson-glib-dev libsqlite3-dev sqlite3
  libsodium-dev glib-networking openssl libsecret-1-dev libzstd-dev zlib1g-dev
  libcairo2-dev libpango1.0-dev fonts-cantarell fonts-dejavu-core poppler-utils
  libgtk-4-dev libadwaita-1-dev libnotify-dev
  desktop-file-utils appstream librsvg2-bin dbus dbus-x11 dunst libnotify-bin xvfb xauth
  at-spi2-core python3-dogtail python3-pyatspi gir1.2-atspi-2.0 imagemagick x11-utils
  python3 python3-feedparser chromium curl
  wrk nginx-light hyperfine
  postgresql-15 libpq-dev haproxy
  scdoc man-db groff-base bash-completion flatpak-builder
  libsystemd-dev systemd
  python3-prometheus-client
  debhelper dpkg-dev lintian fakeroot
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

[ -z "$missing" ] && exit 0

echo "Installing missing packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
