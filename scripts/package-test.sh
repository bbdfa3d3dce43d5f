#!/usr/bin/env bash
# The Debian packages as a municipal IT person meets them: built by scripts/package.sh, their contents checked (the
# kiosk's without the demo registry), installed on this machine with apt, the units checked by systemd-analyze, the
# registry started from the installed files as its own user against a database filled by `reference import` (no
# --demo anywhere) and asked for a kiosk's config over HTTP; then both packages are purged. Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
fail() { echo "package test: $*" >&2; exit 1; }

scripts/package.sh >/dev/null
kiosk_deb=$(ls -t "$target"/debian/pdo-kiosk_*.deb | head -1)
registry_deb=$(ls -t "$target"/debian/pdo-registry_*.deb | head -1)

# Contents.
has() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./||' | grep -Eqx "$2" || fail "$2 is not in $(basename "$1")"; }
has "$registry_deb" 'usr/bin/pdo-registry'
has "$registry_deb" 'etc/pdo-registry/serve.env'
has "$registry_deb" '(usr/)?lib/systemd/system/pdo-registry\.service'
has "$registry_deb" 'usr/share/doc/pdo-registry/deploy\.md'
has "$kiosk_deb" 'usr/bin/pdo-kiosk'
has "$kiosk_deb" 'etc/pdo-kiosk/kiosk\.toml'
has "$kiosk_deb" '(usr/)?lib/systemd/system/pdo-kiosk\.service'
dpkg-deb -f "$kiosk_deb" Depends | grep -q cage || fail "the kiosk package does not depend on cage"
# No demo registry in the kiosk: neither the demo kiosk's secret nor any of the server's code (its source paths).
kiosk_bin=$(mktemp)
dpkg-deb --fsys-tarfile "$kiosk_deb" | tar -xO --wildcards '*usr/bin/pdo-kiosk' >"$kiosk_bin"
[ -s "$kiosk_bin" ] || fail "no kiosk binary extracted"
if grep -aq -e 'demo-kiosk-secret-not-for-real-use' -e 'crates/registry/src' "$kiosk_bin"; then
  fail "the kiosk package carries the demo registry"
fi
rm -f "$kiosk_bin"

# Installed with apt, as deploy.md says (curl only for this test's requests).
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$(realpath "$registry_deb")" \
  "$(realpath "$kiosk_deb")" curl >/dev/null
trap 'DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq pdo-registry pdo-kiosk >/dev/null 2>&1 || true' EXIT
getent passwd pdo-registry >/dev/null || fail "no user pdo-registry"
getent passwd pdo-kiosk >/dev/null || fail "no user pdo-kiosk"
[ "$(stat -c %U:%G:%a /var/lib/pdo-registry)" = pdo-registry:pdo-registry:750 ] || fail "/var/lib/pdo-registry: $(stat -c %U:%G:%a /var/lib/pdo-registry)"
[ "$(stat -c %U:%G:%a /etc/pdo-registry/serve.env)" = root:pdo-registry:640 ] || fail "serve.env: $(stat -c %U:%G:%a /etc/pdo-registry/serve.env)"
[ "$(stat -c %U:%G:%a /etc/pdo-kiosk/kiosk.toml)" = root:pdo-kiosk:640 ] || fail "kiosk.toml: $(stat -c %U:%G:%a /etc/pdo-kiosk/kiosk.toml)"
# Camera, screen, touch and sound through group membership, never root (each group this system has).
for group in video render input audio; do
  if getent group "$group" >/dev/null && ! id -nG pdo-kiosk | grep -qw "$group"; then fail "pdo-kiosk is not in $group"; fi
done
unit_dir=$(dirname "$(dpkg -L pdo-registry | grep 'systemd/system/pdo-registry.service$')")
for line in Type=notify WatchdogSec=30 ProtectSystem=strict NoNewPrivileges=yes User=pdo-registry \
  StateDirectory=pdo-registry PrivateTmp=yes; do
  grep -qx "$line" "$unit_dir/pdo-registry.service" || fail "pdo-registry.service lacks $line"
done
# Installed disabled and not started: nothing runs before serve.env and the reference data are there.
if systemctl is-enabled pdo-registry >/dev/null 2>&1; then fail "pdo-registry was enabled by the install"; fi
systemd-analyze verify "$unit_dir/pdo-registry.service" "$unit_dir/pdo-kiosk.service"

# The installed registry, as its own user, on a database filled by reference import only.
work=$(mktemp -d)
chmod 755 "$work"
cp crates/registry/reference/demo/*.csv "$work/"
chmod 644 "$work"/*.csv
db=/var/lib/pdo-registry/package-test.sqlite3
as_registry() { $sudo runuser -u pdo-registry -- "$@"; }
as_registry /usr/bin/pdo-registry reference import --db "$db" --dir "$work" >/dev/null 2>&1
municipality=$(sed -n 2p "$work/municipalities.csv" | cut -d, -f1)
secret=$(as_registry /usr/bin/pdo-registry kiosk add --db "$db" --id package-test-kiosk --name "Тестовый терминал" \
  --address "г. Примерный, ул. Вымышленная, д. 3" --municipality "$municipality" | tail -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18931)
# setpriv execs (runuser would fork and keep the service running past the kill below).
$sudo setpriv --reuid=pdo-registry --regid=pdo-registry --init-groups -- /usr/bin/pdo-registry serve --db "$db" --listen "127.0.0.1:$port" --public-url "http://127.0.0.1:$port" \
  --mail-dir /var/lib/pdo-registry/package-test.mail 2>"$work/serve.log" &
served=$!
trap 'kill $served 2>/dev/null; wait $served 2>/dev/null; $sudo rm -rf /var/lib/pdo-registry/package-test.* "$work"; DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq pdo-registry pdo-kiosk >/dev/null 2>&1 || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
config=$(curl -sf -H "Authorization: Kiosk package-test-kiosk:$secret" "http://127.0.0.1:$port/api/v1/kiosk/config") \
  || fail "no kiosk config from the installed registry: $(cat "$work/serve.log")"
echo "$config" | grep -q 'Региональный модельный центр' || fail "the imported operator is not in the kiosk config: $config"
echo "package test: both packages built, installed, verified and served; purging"
