#!/usr/bin/env bash
# Installs the Debian 12 packages pdo-kiosk needs. `run`: what building and running the kiosk needs (libjpeg-turbo
# for the scans and pkg-config to find it, libclang for the V4L2 camera bindings nokhwa generates, X11/Wayland client
# libraries, poppler's pdftoppm for the print previews, espeak-ng for the spoken screens; fonts are bundled). `test`: also what the tests drive it with (Xvfb, xdotool, ImageMagick, OCR; for the
# printed forms poppler's pdftotext/pdffonts/pdftoppm, zbarimg for the QR code, and CUPS' ippeveprinter as a real
# IPP printer, which needs avahi and D-Bus: the printing tests start those daemons themselves; openssl to check the
# registry key pins against the command deploy.md gives; PostgreSQL 15's server binaries, which the registry's tests
# run a throwaway cluster of in a temporary directory, never the packaged cluster).
# Idempotent and quiet when everything is there already.
set -euo pipefail
what=${1:-run}

run_pkgs=(pkg-config libturbojpeg0-dev libclang1-14 poppler-utils espeak-ng libx11-6 libx11-xcb1 libxcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon0 libxkbcommon-x11-0 libwayland-client0)
test_pkgs=(xvfb x11-utils xdotool imagemagick tesseract-ocr tesseract-ocr-rus procps
  poppler-utils zbar-tools cups-ipp-utils avahi-daemon dbus openssl postgresql-15)

case "$what" in
  run) pkgs=("${run_pkgs[@]}") ;;
  test) pkgs=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
