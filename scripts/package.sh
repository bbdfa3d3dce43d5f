#!/usr/bin/env bash
# Builds the Debian packages pdo-kiosk_*.deb and pdo-registry_*.deb with cargo-deb into ${CARGO_TARGET_DIR:-target}/debian/.
# The kiosk is built without the embedded demo registry (no public demo accounts ship). Installs a pinned cargo-deb
# (and dpkg-dev, for the shared-library dependencies) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_DEB_VERSION=3.6.0
target=${CARGO_TARGET_DIR:-target}

if ! dpkg-query -W -f='${Status}' dpkg-dev 2>/dev/null | grep -q "install ok installed"; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi
# cargo-deb lives outside the target dir (its own root), so a pinned version is found again without rebuilding.
tools="${CARGO_HOME:-$HOME/.cargo}/pdo-kiosk-tools"
if ! "$tools/bin/cargo-deb" --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet --root "$tools"
fi
export PATH="$tools/bin:$PATH"

cargo build --release --locked -p pdo-kiosk --no-default-features
cargo build --release --locked -p pdo-registry
mkdir -p "$target/debian"
cargo deb --no-build --no-strip -p pdo-kiosk --output "$target/debian/"
cargo deb --no-build --no-strip -p pdo-registry --output "$target/debian/"
ls "$target"/debian/*.deb
