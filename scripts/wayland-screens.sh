#!/usr/bin/env bash
# Screenshots of the kiosk under Wayland, taken with grim from headless compositors (no screen, no GPU needed):
#
#   cage (what a kiosk ships, 0.1.4 on Debian 12), headless output 1280×720:
#     cage-start.png    the first screen, started while the registry is down: the operator from the kiosk's own flags
#                       and the sentence that applying works without the registry
#     cage-welcome.png  the same screen redrawn without any input once the registry came up (the registry's operator
#                       named in the notice, the sentence gone); the window fills the output
#     cage-offline.png  the same screen after the registry stopped: the sentence appeared again, without input
#   sway (headless, it has the virtual-keyboard protocol that cage 0.1.4 lacks), driven with wtype:
#     sway-sign-in.png  the sign-in form after typing the demo login and password
#     sway-cabinet.png  the cabinet after signing in
#     sway-offline.png  the offline notice that appeared on the sign-in form, without input, after the registry stopped
# cage 0.1.4 has no virtual-keyboard protocol and its headless backend no input devices, so there the kiosk stays on
# its first screen, which says when the registry is out of reach; the sign-in form's offline way is shot under sway.
#
# NOT run in CI: it needs root (apt-get, useradd, runuser), installs compositors and takes about a minute.
# The compositors run as an unprivileged user (WL_USER, created when missing) with their own XDG_RUNTIME_DIR.
#
#   BIN_DIR=/path/to/bins OUT=docs/screens/wayland scripts/wayland-screens.sh
#
# BIN_DIR holds pdo-kiosk and pdo-registry (default: ${CARGO_TARGET_DIR:-target}/release/); a kiosk built without the
# embedded demo registry is fine, it is pointed at a demo registry started here. All data is invented demo data.
#
# Why cage runs with `-r -r` here: cage 0.1.4 scans a full-screen client buffer out directly to the output. On the
# headless backend that "succeeds" for the kiosk's shared-memory buffers, so cage stops compositing, and grim
# (screencopy, which forces one composited frame without the damage it missed) gets the last *composited* frame: the
# kiosk's very first 1024×768 frame, forever. The kiosk itself keeps drawing (WAYLAND_DEBUG=client shows a full-size
# buffer committed and a frame callback answered for each redraw). A rotated output (180°: same size, grim turns the
# picture back) makes cage 0.1.4 compose every frame, so grim shows what the kiosk draws. On real hardware (DRM) a
# shared-memory buffer cannot be scanned out and cage composes anyway: never rotate a real kiosk.
set -euo pipefail

BIN_DIR=${BIN_DIR:-${CARGO_TARGET_DIR:-target}/release}
OUT=${OUT:-wayland-screens}
WL_USER=${WL_USER:-wltest}
PORT=${PORT:-18090}
LOGIN=demo.roditel
PASSWORD=kuzbass-2026

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'wayland-screens: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and runs the compositors as $WL_USER)"
for bin in pdo-kiosk pdo-registry; do
    [ -x "$BIN_DIR/$bin" ] || die "$BIN_DIR/$bin not found: build in release or set BIN_DIR"
done

# Packages: the compositors, grim, wtype, Xwayland (cage 0.1.4 exits at once without it), imagemagick (PNG8, compare).
missing=()
for pkg in cage sway grim wtype xwayland imagemagick curl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
id "$WL_USER" >/dev/null 2>&1 || useradd -m "$WL_USER"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/wayland-screens.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/bin" "$WORK/shots" "$WORK/pids"
cp "$BIN_DIR/pdo-kiosk" "$BIN_DIR/pdo-registry" "$WORK/bin/"
chmod 755 "$WORK/bin"/*
chown "$WL_USER:" "$WORK/shots" "$WORK/pids"

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    done
    sleep 1
    for pid in "${PIDS[@]}"; do
        [ -f "$pid" ] && kill -9 "$(cat "$pid")" 2>/dev/null || true
    done
    if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT

# as_user NAME CMD...: runs CMD in the background as WL_USER, its pid in $WORK/pids/NAME.pid, its output in $WORK/NAME.log.
as_user() {
    local name=$1
    shift
    rm -f "$WORK/pids/$name.pid"
    runuser -u "$WL_USER" -- sh -c 'echo $$ > "$0"; exec "$@"' "$WORK/pids/$name.pid" "$@" >>"$WORK/$name.log" 2>&1 &
    PIDS+=("$WORK/pids/$name.pid")
    local i
    for i in $(seq 50); do [ -s "$WORK/pids/$name.pid" ] && return 0; sleep 0.1; done
    die "$name did not start"
}
stop() {
    local pid
    pid=$(cat "$WORK/pids/$1.pid")
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
}
# wait_for SECONDS CMD...: polls CMD every half second.
wait_for() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

registry_up() { curl -s -o /dev/null "http://127.0.0.1:$PORT/"; }
start_registry() {
    as_user registry "$WORK/bin/pdo-registry" serve --demo --db "$WORK/db/registry.sqlite3" \
        --listen "127.0.0.1:$PORT" --public-url "http://127.0.0.1:$PORT" --mail-dir "$WORK/mail"
    wait_for 30 registry_up || die "the registry did not come up (see $WORK/registry.log)"
}
if registry_up; then die "port $PORT is taken: set PORT"; fi
user_dir() { mkdir -p "$1" && chown "$WL_USER:" "$1"; }
user_dir "$WORK/mail"
user_dir "$WORK/db"
# Seed the demo database once (it is kept across the stops and starts below).
start_registry
stop registry

# kiosk_cmd DATA_DIR: the kiosk against the demo registry (printed as an argv, one word a line).
kiosk_cmd() {
    printf '%s\n' "$WORK/bin/pdo-kiosk" --registry "http://127.0.0.1:$PORT" --kiosk-id demo-kiosk \
        --kiosk-secret demo-kiosk-secret-not-for-real-use \
        --operator-name 'Региональный модельный центр (демонстрационный оператор)' \
        --operator-address '650000, г. Примерный, ул. Вымышленная, д. 1' --data-dir "$1" --config "$1/kiosk.toml"
}
new_runtime_dir() {
    local dir=$WORK/$1
    mkdir -p "$dir"
    chown "$WL_USER:" "$dir"
    chmod 700 "$dir"
    echo "$dir"
}
headless_env=(WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman)

# shot RUNTIME NAME: a grim screenshot of the compositor whose socket is in RUNTIME, into $WORK/shots/NAME.
shot() {
    runuser -u "$WL_USER" -- env XDG_RUNTIME_DIR="$1" WAYLAND_DISPLAY="$(socket_in "$1")" grim "$WORK/shots/$2"
}
# socket_in RUNTIME: the compositor's socket name there (sway 1.7 takes wayland-1 even in an empty directory).
socket_in() {
    local s
    for s in "$1"/wayland-*; do
        [ -S "$s" ] && { basename "$s"; return 0; }
    done
    return 1
}
has_socket() { socket_in "$1" >/dev/null; }
# differs A B: more than 2000 pixels differ (a blinking text cursor is a few hundred).
differs() {
    local n
    n=$(compare -metric AE "$1" "$2" null: 2>&1 || true)
    [ "${n%%.*}" -gt 2000 ] 2>/dev/null || [[ $n == *e+* ]]
}
# shot_until_change RUNTIME BEFORE NAME SECONDS: screenshots, one a second, until one differs from BEFORE.
shot_until_change() {
    local deadline=$(($(date +%s) + $4))
    while :; do
        shot "$1" "$3"
        differs "$WORK/shots/$2" "$WORK/shots/$3" && return 0
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 1
    done
}
# fills_output FILE: 1280×720 and the kiosk's light background up to the right and bottom edges (not black).
fills_output() {
    local size corner
    size=$(identify -format '%wx%h' "$1")
    corner=$(convert "$1" -crop 8x8+1270+710 -resize 1x1! -format '%[fx:int(255*mean)]' info:)
    [ "$size" = 1280x720 ] && [ "$corner" -gt 200 ]
}
# in_log NAME TEXT: TEXT in $WORK/NAME.log, colours stripped.
in_log() { sed 's/\x1b\[[0-9;]*m//g' "$WORK/$1.log" | grep -qF "$2"; }
frame_at_full_size() { in_log "$1" 'window resized size=Size { width: 1280.0, height: 720.0 }'; }

# ---------------------------------------------------------------------------------------------------------- cage
log "cage: the kiosk starts while the registry is down"
CAGE_RUN=$(new_runtime_dir run-cage)
user_dir "$WORK/kiosk-cage"
mapfile -t kiosk < <(kiosk_cmd "$WORK/kiosk-cage")
as_user cage env XDG_RUNTIME_DIR="$CAGE_RUN" "${headless_env[@]}" RUST_LOG=info,pdo_kiosk=debug \
    cage -r -r -- "${kiosk[@]}"
wait_for 30 has_socket "$CAGE_RUN" || die "cage did not start (see $WORK/cage.log)"
wait_for 30 frame_at_full_size cage || die "the kiosk never got its full-screen size under cage"
link_offline() { in_log cage 'registry link link=Offline'; }
wait_for 30 link_offline || die "the kiosk never found the registry down (see $WORK/cage.log)"
sleep 2
shot "$CAGE_RUN" cage-start.png
fills_output "$WORK/shots/cage-start.png" || die "under cage the kiosk does not fill the output (cage-start.png)"
log "cage: the registry comes up; the notice must change without input"
start_registry
shot_until_change "$CAGE_RUN" cage-start.png cage-welcome.png 40 ||
    die "no redraw under cage within 40 s after the registry came up"
fills_output "$WORK/shots/cage-welcome.png" || die "cage-welcome.png does not fill the output"
log "cage: the registry stops; the offline sentence must appear on the first screen without input"
sleep 3 # the operator's name may still be settling after the registry came up
shot "$CAGE_RUN" cage-welcome.png
stop registry
stopped_at=$(date +%s)
shot_until_change "$CAGE_RUN" cage-welcome.png cage-offline.png 60 ||
    die "no offline sentence under cage within 60 s after the registry stopped"
log "cage: the screen changed $(($(date +%s) - stopped_at)) s after the registry stopped"
stop cage
start_registry

# ---------------------------------------------------------------------------------------------------------- sway
log "sway: sign in with wtype"
SWAY_RUN=$(new_runtime_dir run-sway)
cat >"$WORK/sway.conf" <<'EOF'
default_border none
default_floating_border none
bar {
    mode invisible
}
for_window [app_id="pdo-kiosk"] fullscreen enable
EOF
chmod 644 "$WORK/sway.conf"
as_user sway env XDG_RUNTIME_DIR="$SWAY_RUN" "${headless_env[@]}" sway -c "$WORK/sway.conf"
wait_for 30 has_socket "$SWAY_RUN" || die "sway did not start (see $WORK/sway.log)"
SWAY_DISPLAY=$(socket_in "$SWAY_RUN")
user_dir "$WORK/kiosk-sway"
mapfile -t kiosk < <(kiosk_cmd "$WORK/kiosk-sway")
as_user kiosk-sway env XDG_RUNTIME_DIR="$SWAY_RUN" WAYLAND_DISPLAY="$SWAY_DISPLAY" RUST_LOG=info,pdo_kiosk=debug "${kiosk[@]}"
wait_for 30 frame_at_full_size kiosk-sway || die "the kiosk never got its full-screen size under sway"
# A virtual keyboard that stays: each wtype run adds and removes a keyboard, and keys typed while the client is still
# binding the new keyboard get lost. With one keyboard held, the seat keeps its keyboard between the runs.
as_user keyboard env XDG_RUNTIME_DIR="$SWAY_RUN" WAYLAND_DISPLAY="$SWAY_DISPLAY" wtype -s 3600000
type_keys() { runuser -u "$WL_USER" -- env XDG_RUNTIME_DIR="$SWAY_RUN" WAYLAND_DISPLAY="$SWAY_DISPLAY" wtype -s 300 "$@" -s 300; }
sleep 1
shot "$SWAY_RUN" sway-welcome.png
type_keys -k Return # «Начать» on the notice
sleep 1.5
type_keys "$LOGIN" -k Tab "$PASSWORD"
sleep 1.5
shot "$SWAY_RUN" sway-sign-in.png
differs "$WORK/shots/sway-welcome.png" "$WORK/shots/sway-sign-in.png" || die "typing changed nothing under sway"
signed_in() { in_log kiosk-sway 'signed in account='; }
type_keys -k Return
wait_for 60 signed_in || die "no sign-in within 60 s (see $WORK/kiosk-sway.log)"
sleep 2
shot "$SWAY_RUN" sway-cabinet.png

log "sway: back to the sign-in form, then the registry stops; the offline notice must appear without input"
type_keys -k Escape # leaves the cabinet (ends the session)
sleep 1.5
type_keys -k Return # «Начать» again
sleep 1.5
shot "$SWAY_RUN" sway-sign-in-empty.png
stop registry
stopped_at=$(date +%s)
shot_until_change "$SWAY_RUN" sway-sign-in-empty.png sway-offline.png 40 ||
    die "no offline notice under sway within 40 s after the registry stopped"
log "sway: the screen changed $(($(date +%s) - stopped_at)) s after the registry stopped"
stop kiosk-sway
stop keyboard
stop sway

# ---------------------------------------------------------------------------------------------------------- out
for name in cage-start cage-welcome cage-offline sway-sign-in sway-cabinet sway-offline; do
    convert "$WORK/shots/$name.png" -colors 256 "PNG8:$OUT/$name.png"
done
log "written to $OUT: $(cd "$OUT" && ls cage-*.png sway-*.png | tr '\n' ' ')"
