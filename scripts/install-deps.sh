#!/usr/bin/env bash
# Installs every Debian 12 package lanconf needs to build, test and run.
# Non-interactive and idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git clang clang-format
  libglib2.0-dev libjson-glib-dev libsqlite3-dev sqlite3
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-tools
  libturbojpeg0-dev libncurses-dev ncurses-term libchafa-dev
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  gstreamer1.0-x xvfb x11-apps x11-utils
  tmux gnuplot-nox iperf3 iproute2 nftables iputils-ping procps
  mosquitto libjpeg-turbo-progs
  libavahi-client-dev libavahi-glib-dev avahi-daemon avahi-utils dbus libsixel-bin
  libgnutls28-dev glib-networking gnutls-bin openssl
  libclang-rt-14-dev libfuzzer-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
