#!/usr/bin/env bash
# Measures the kiosk's start-up under Xvfb (1920x1080, no window manager, no GPU): time from launching the process
# to its first frame, and resident memory (RSS) once it sits idle on the sign-in screen. Prints one line a run and
# a summary. Uses the release build, as a kiosk runs it. usage: scripts/measure-startup.sh [RUNS] [IDLE_SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}; idle=${2:-5}
scripts/install-deps.sh test
cargo build --release --quiet
kiosk="${CARGO_TARGET_DIR:-target}/release/pdo-kiosk"
display=":$((600 + $$ % 300))"
Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
data=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.05; done

frames=(); rss=()
for i in $(seq "$runs"); do
  rm -f "$data/first-frame"
  start=$(date +%s%N)
  DISPLAY=$display "$kiosk" --data-dir "$data" --config "$data/kiosk.toml" --startup-report "$data/first-frame" 2>/dev/null &
  pid=$!
  for _ in $(seq 1000); do [ -s "$data/first-frame" ] && break; sleep 0.01; done
  if [ ! -s "$data/first-frame" ]; then
    echo "run $i: no first frame within 10 s" >&2; kill "$pid"; exit 1
  fi
  first=$(cat "$data/first-frame")
  ms=$(( (first - start) / 1000000 ))
  sleep "$idle"
  kib=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  frames+=("$ms"); rss+=("$kib")
  echo "run $i: first frame ${ms} ms, idle RSS $((kib / 1024)) MiB"
done
summary() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "min %s, median %s, max %s", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "first frame (ms): $(summary "${frames[@]}")"
echo "idle RSS (KiB): $(summary "${rss[@]}")"
