#!/usr/bin/env bash
# Page images of the printed forms for docs/forms (60 dpi PNG): the three documents of the invented parent
# application, and the activation sheet of an offline one. Needs poppler-utils (scripts/install-deps.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run -q --example forms_demo -- "$tmp" >/dev/null
mkdir -p docs/forms
rm -f docs/forms/*.png
for doc in application consent activation; do
  pdftoppm -png -r 60 "$tmp/parent/$doc.pdf" "docs/forms/parent-$doc"
done
pdftoppm -png -r 60 "$tmp/offline/activation.pdf" docs/forms/offline-activation
ls docs/forms
