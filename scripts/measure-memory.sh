#!/usr/bin/env bash
# The app's memory on its home screen: starts the built app (release by default) under a
# private Xvfb on a data directory (the sample catalog imported into a fresh one unless
# given), waits, and prints PSS and RSS of the app and each WebKit process below it, read
# from /proc/PID/smaps_rollup. docs/memory.md has the figures.
#
#   scripts/measure-memory.sh [--app target/release/sco-showroom] [--data DIR] [--wait 45] [--kiosk]
#
# PSS divides shared pages among the processes that map them: run it with no other
# WebKit app open, or the figures come out lower than they are.
set -euo pipefail
cd "$(dirname "$0")/.."
app=target/release/sco-showroom
cli=target/release/showroom
data=
wait=45
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --app) app=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --wait) wait=$2; shift 2 ;;
    --kiosk) args+=(--kiosk); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$app" ] || { echo "$app is missing: cargo build --release -p sco-showroom" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'kill "${pid:-}" "${xvfb:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$scratch"' EXIT
if [ -z "$data" ]; then
  data=$scratch/data
  [ -x "$cli" ] || cli=target/debug/showroom
  "$cli" --data-dir "$data" import catalog >/dev/null
fi
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$scratch/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 50); do [ -s "$scratch/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$scratch/display")"
SHOWROOM_DATA_DIR=$data "$app" "${args[@]}" >"$scratch/app.log" 2>&1 &
pid=$!
sleep "$wait"
kill -0 "$pid" || { cat "$scratch/app.log" >&2; exit 1; }
total_pss=0
total_rss=0
printf '%-18s %10s %10s\n' process 'PSS MiB' 'RSS MiB'
for p in $pid $(pgrep -P "$pid" || true); do
  name=$(cat "/proc/$p/comm")
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
  rss=$(awk '/^Rss:/ {print $2}' "/proc/$p/smaps_rollup")
  printf '%-18s %10.1f %10.1f\n' "$name" "$(echo "$pss / 1024" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  total_pss=$((total_pss + pss))
  total_rss=$((total_rss + rss))
done
printf '%-18s %10.1f %10.1f\n' total "$(echo "$total_pss / 1024" | bc -l)" "$(echo "$total_rss / 1024" | bc -l)"
