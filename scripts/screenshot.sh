#!/usr/bin/env bash
# Starts the kiosk under a private Xvfb (1920x1080, no window manager) and saves a PNG of the whole screen.
# usage: scripts/screenshot.sh OUT.png [kiosk flags…]   (KIOSK=path/to/pdo-kiosk to skip the release build;
# SCREEN=1080x1920 for a portrait panel)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: $0 OUT.png [kiosk flags]}; shift
scripts/install-deps.sh test
if [ -z "${KIOSK:-}" ]; then
  cargo build --release --quiet
  KIOSK="${CARGO_TARGET_DIR:-target}/release/pdo-kiosk"
fi
display=":$((300 + $$ % 300))"
data=$(mktemp -d)
Xvfb "$display" -screen 0 "${SCREEN:-1920x1080}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $kiosk $xvfb 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.05; done
DISPLAY=$display "$KIOSK" --data-dir "$data" --config "$data/kiosk.toml" "$@" 2>"$data/stderr.log" &
kiosk=$!
for _ in $(seq 100); do DISPLAY=$display xdotool search --onlyvisible --pid $kiosk >/dev/null 2>&1 && break; sleep 0.1; done
sleep "${SETTLE:-1.5}"
DISPLAY=$display import -window root "$out"
echo "saved $out"
