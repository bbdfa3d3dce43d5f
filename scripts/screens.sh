#!/usr/bin/env bash
# Screenshots of every screen of the applicant flow, from the real binary under Xvfb, driven only by the keyboard
# (xdotool) as a person with a physical keyboard would: welcome, sign-in (and a wrong password), phone sign-in,
# cabinet, «Данные заявителя» (and a field left empty), the child, the document, the live camera with the outline, the scan, the e-mail with a typo caught,
# the e-mail step, «Получение сертификата», the issued number and the forms. The embedded demo registry and a
# synthetic camera (generated photos of an invented document) stand in for the real ones; every name is invented.
# usage: scripts/screens.sh OUT_DIR   (SCREEN=1080x1920 for a portrait panel; LOOK=large-contrast for every session in
#        large text and high contrast; KIOSK=path/to/pdo-kiosk to skip the build; KEEP_DATA=1 to leave the kiosk's
#        data dir, the demo registry's database and scan files in it, for following the data afterwards;
#        REGISTRY_ARGS="--registry URL --kiosk-id ID --kiosk-secret SECRET" with MAIL_DIR=its letters' folder to walk
#        against a registry of one's own, `pdo-registry serve --demo --mail-dir …` on PostgreSQL, say; PRINTER=ipp://…
#        to print the forms there at the end, with one more shot)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: $0 OUT_DIR}
mkdir -p "$out"
scripts/install-deps.sh test
target=${CARGO_TARGET_DIR:-target}
if [ -z "${KIOSK:-}" ]; then
  cargo build --release --quiet
  KIOSK="$target/release/pdo-kiosk"
fi
data=$(mktemp -d)
cargo run --quiet -p pdo-vision --example synthetic_photos -- "$data/camera" >/dev/null
display=":$((600 + $$ % 300))"
Xvfb "$display" -screen 0 "${SCREEN:-1920x1080}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
kiosk=""
if [ -n "${KEEP_DATA:-}" ]; then
  trap 'kill $kiosk $xvfb 2>/dev/null; echo "data kept in $data"' EXIT
else
  trap 'kill $kiosk $xvfb 2>/dev/null; rm -rf "$data"' EXIT
fi
for _ in $(seq 100); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.05; done
export DISPLAY=$display

if [ "${LOOK:-}" = large-contrast ]; then
  printf 'large_text = true\nhigh_contrast = true\n' >"$data/kiosk.toml"
fi
if [ -n "${PRINTER:-}" ]; then
  printf 'printer = "%s"\n' "$PRINTER" >>"$data/kiosk.toml"
fi

start_kiosk() {
  "$KIOSK" --data-dir "$data/kiosk" --config "$data/kiosk.toml" --camera "synthetic:$data/camera" \
    --idle-timeout-secs 600 ${REGISTRY_ARGS:-} 2>>"$data/stderr.log" &
  kiosk=$!
  for _ in $(seq 100); do xdotool search --onlyvisible --pid $kiosk >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 2
}
# 256 colours: the text stays crisp and the folder half the size.
shot() { sleep "${2:-1}"; import -window root "PNG8:$out/$1.png"; echo "$out/$1.png"; }
key() { xdotool key --delay 80 "$@"; }
type_in() { xdotool type --delay 25 "$1"; }
# Fields in order: type each and press Enter, which goes to the next field and from a page's last one sends the page
# (so the same walk works whatever number of fields a page holds, large text included).
fields() { for v in "$@"; do type_in "$v"; key Return; sleep 0.4; done; sleep 0.4; }

start_kiosk
shot 01-welcome
key Return
shot 02-sign-in
# A wrong password first: the message, «Войти» and «Войти с телефона» stay in view beside the keyboard.
type_in demo.roditel; key Tab; type_in not-the-password; key Return
shot 02b-sign-in-wrong-password 2
type_in kuzbass-2026; key Return
shot 03-cabinet 2
key Return
# The name comes from the account; typing starts at the date of birth (the digit pad), and an empty one is refused.
shot 04-applicant 1.5
key Return
shot 04b-applicant-error
fields "14.03.1988"
fields "32 12" "345678" "01.04.2008" "420-007"
fields "Отделом УФМС по Примерной области" "г. Примерный, ул. Вымышленная, д. 7" "8 900 765-43-21"
shot 05-children 1.5
key Return
shot 06-child
fields "Зарубин" "Ярослав" "Святославович" "20.04.2016"
fields "112-233-445 95" "г. Примерный, ул. Вымышленная, д. 7"
shot 07-document 1.5
fields "IV-ЛО" "123456" "05.05.2016"
fields "Отдел ЗАГС г. Примерного"
shot 08-capture 3
key Return
shot 09-scan 2
key Return
shot 10-application 1.5
fields "roditel.test@gmail.ru"
shot 11-email-typo
key 1
key Return
shot 12-confirm 2
letter=$(ls -t $(find "${MAIL_DIR:-$data}" -name '*.eml') | head -1)
code=$(python3 - "$letter" <<'PY'
import email, re, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
body = msg.get_body(preferencelist=('plain',)).get_content()
print(re.search(r'код подтверждения:\s*(\d{6})', body).group(1))
PY
)
type_in "$code"
key Return
shot 13-certificate 2
key Return
shot 14-result 2
key Return
shot 15-print 3
if [ -n "${PRINTER:-}" ]; then
  key Return
  # ippeveprinter takes 5 to 15 s a job, and the kiosk sends the next once the last is done.
  shot 15b-printed 50
fi
kill $kiosk; wait $kiosk 2>/dev/null || true

# The phone sign-in button has no key of its own: it is clicked where OCR finds its label.
start_kiosk
key Return
sleep 1
import -window root "$data/sign-in.png"
read -r x y < <(tesseract "$data/sign-in.png" - -l rus tsv 2>/dev/null | awk -F'\t' '$12 ~ /телефон/ {print $7+$9/2, $8+$10/2; exit}')
xdotool mousemove "${x%.*}" "${y%.*}" click 1
shot 16-qr-sign-in 2
