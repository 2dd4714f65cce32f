#!/usr/bin/env bash
# Debian packages the app and its tests need: Qt's runtime libraries (the offscreen platform for the
# tests, and the X11 one, xcb, that a desktop uses: `ldd` on PySide6's plugins/platforms/libqxcb.so
# names them), a virtual X server and xdotool for the test on a real display, fonts that cover the
# scripts of patients' names, poppler for looking at PDFs, PostgreSQL.
set -euo pipefail
packages=(
  python3 python3-venv make
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
  libxcb-xkb1 libxkbcommon-x11-0
  xvfb xdotool
  fonts-dejavu-core fonts-noto-core
  poppler-utils
  postgresql
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
