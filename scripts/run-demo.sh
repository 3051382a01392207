#!/usr/bin/env bash
# The main job: installs packages, builds lanconf, and runs a short TCP-vs-UDP
# comparison on loopback: the same test-pattern camera frames go over both
# channels at once, through a relay, to a viewer; the table shows both side by
# side and the files and plots land in runs/compare-TIMESTAMP/.
# Extra arguments go to `lanconf-bench compare` (e.g. --duration 30).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build.sh" "$root/build" >/dev/null
cd "$root"
exec build/bin/lanconf-bench compare --duration 8 "$@"
