#!/usr/bin/env bash
# Runs every test of the workspace, after installing what the tests drive the kiosk with.
# The GUI tests start their own Xvfb displays; nothing else needs to be running.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
cargo test --workspace --locked "$@"
# The registry's suite once more on PostgreSQL: each test process starts its own PostgreSQL 15 from Debian's
# binaries in a temporary directory (crates/registry/src/scratch_postgres.rs).
PDO_TEST_DB=postgres cargo test -p pdo-registry --locked "$@"
# The kiosk an office installs is built without the embedded demo registry: it must keep compiling.
cargo build -p pdo-kiosk --no-default-features --locked --quiet
# The Debian packages: built, checked, installed with apt, served from the installed files, purged.
scripts/package-test.sh
