#!/usr/bin/env bash
# Runs every test of the workspace, after installing what the tests drive the kiosk with.
# The GUI tests start their own Xvfb displays; nothing else needs to be running.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
cargo test --workspace --locked "$@"
# The kiosk an office installs is built without the embedded demo registry: it must keep compiling.
cargo build -p pdo-kiosk --no-default-features --locked --quiet
# The Debian packages: built, checked, installed with apt, served from the installed files, purged.
scripts/package-test.sh
