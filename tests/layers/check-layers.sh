#!/usr/bin/env bash
# Fails when a layer includes one it must not (docs/ARCHITECTURE.md, "Who may
# include whom"). Each rule names a folder, the project headers its files may
# include (path prefixes) and the system headers they must not. Programs
# (src/*.c), tests and fuzz harnesses may include anything.
#
# Usage: check-layers.sh [REPO_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"

# folder | allowed project include prefixes | forbidden system include patterns
rules=(
  "core|core/|gst/ curses sqlite3 turbojpeg gio/ sys/socket chafa"
  "net/wire|core/ net/wire/|gst/ curses sqlite3 turbojpeg chafa"
  "net/io|core/ net/wire/ net/secure/ net/io/|gst/ curses sqlite3 turbojpeg chafa"
  "net/stats|core/ net/stats/|gst/ curses sqlite3 turbojpeg chafa"
  "net/relay|core/ net/wire/ net/io/ net/secure/ net/files/ net/relay/|gst/ curses turbojpeg chafa"
  "net/client|core/ net/wire/ net/io/ net/stats/ net/secure/ net/files/ net/client/|gst/ curses sqlite3 turbojpeg chafa"
  "net/linkemu|core/ net/linkemu/|gst/ curses sqlite3 turbojpeg chafa"
  "net/discover|core/ net/discover/|gst/ curses sqlite3 turbojpeg chafa"
  "net/secure|core/ net/secure/|gst/ curses sqlite3 turbojpeg chafa"
  "net/files|core/ net/wire/ net/io/ net/files/|gst/ curses sqlite3 turbojpeg chafa"
  "media|core/ media/|curses sqlite3 sys/socket netinet/ gio/gio.h"
  "src/run|core/ media/ net/wire/ net/stats/ net/client/ src/run/|curses sqlite3 gst/ turbojpeg chafa"
  "src/report|core/ net/wire/ net/stats/ src/run/ src/report/|curses sqlite3 gst/ turbojpeg chafa"
  "src/lab|core/ net/ media/ src/run/ src/report/ src/lab/|curses chafa"
  "src/app|core/ net/ media/ src/run/ src/report/ src/app/|curses chafa"
  "ui-tui|core/ ui-tui/ net/wire/ net/client/session.h net/client/files.h media/tty_picture.h src/run/|gst/ sqlite3 turbojpeg chafa"
)

failures=0
checked=0
for rule in "${rules[@]}"; do
    IFS='|' read -r dir allowed forbidden <<<"$rule"
    [ -d "$dir" ] || { echo "layer folder $dir is missing"; failures=$((failures + 1)); continue; }
    for file in "$dir"/*.c "$dir"/*.h; do
        [ -e "$file" ] || continue
        checked=$((checked + 1))
        while IFS= read -r line; do
            header=${line#*\"}
            header=${header%%\"*}
            ok=0
            for prefix in $allowed; do
                case "$header" in "$prefix"*) ok=1 ;; esac
            done
            if [ $ok -eq 0 ]; then
                echo "$file: includes \"$header\"; $dir may include only: $allowed"
                failures=$((failures + 1))
            fi
        done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$file" || true)
        while IFS= read -r line; do
            header=${line#*<}
            header=${header%%>*}
            for pattern in $forbidden; do
                case "$header" in *"$pattern"*)
                    echo "$file: includes <$header>, which $dir must not use"
                    failures=$((failures + 1)) ;;
                esac
            done
        done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+<' "$file" || true)
    done
done

# Every library source belongs to a layer with a rule: a new folder needs one.
while IFS= read -r dir; do
    known=0
    for rule in "${rules[@]}"; do
        [ "${rule%%|*}" = "$dir" ] && known=1
    done
    if [ $known -eq 0 ]; then
        echo "$dir holds C sources but has no layer rule in $0"
        failures=$((failures + 1))
    fi
done < <(find core net media src ui-tui -name '*.c' -printf '%h\n' | sort -u | grep -vx src)

echo "layers: $checked files checked, $failures violations"
[ $failures -eq 0 ]
