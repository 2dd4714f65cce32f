#!/usr/bin/env bash
# Debian packages the app and its tests need: Qt's runtime libraries for the offscreen platform,
# fonts that cover the scripts of patients' names, poppler for looking at PDFs, PostgreSQL.
set -euo pipefail
packages=(
  python3 python3-venv make
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
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
