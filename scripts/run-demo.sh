#!/usr/bin/env bash
# The main job: installs packages, builds lanconf, and runs a short chat demo:
# a relay on loopback and two scripted lanconf-cli clients, so the messages
# and their nick@ip:port tags can be seen flowing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build.sh" "$root/build" >/dev/null
exec bash "$root/scripts/demo-chat.sh" "$root/build/bin"
