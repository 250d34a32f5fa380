#!/usr/bin/env bash
# Installs every Debian package livesop needs to build, test and run.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang clang-format clang-tidy libclang-rt-dev
  libgtest-dev libgmock-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  graphviz libgraphviz-dev gnuplot-nox
  libcmark-gfm-dev libcmark-gfm-extensions-dev
  libxml2-dev libpugixml-dev zlib1g-dev libcsv-dev libhowardhinnant-date-dev tzdata
  libsqlite3-dev sqlite3 libssl-dev libcurl4-openssl-dev libical-dev
  libicu-dev libdtl-dev libzip-dev libgmime-3.0-dev python3-openpyxl
  libcpp-httplib-dev curl
  libpq-dev postgresql
  libmagic-dev libvips-dev liblcms2-dev libpoppler-cpp-dev
  libavformat-dev libavcodec-dev libavutil-dev
  python3 python3-icalendar python3-aiosmtpd
  imagemagick ffmpeg ghostscript
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "livesop: installing ${missing[*]}"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}"
fi
