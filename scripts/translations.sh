#!/usr/bin/env bash
# Extract every translatable string of the Qt layer into the .ts files, then compile the .qm
# files the kiosk loads. Translate with Qt Linguist (pyside6-linguist) between the two steps:
#
#   scripts/translations.sh            # update .ts and compile .qm
#   scripts/translations.sh --release  # compile .qm only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(dirname "$(command -v python)")"
lupdate="${PYSIDE6_LUPDATE:-$bin/pyside6-lupdate}"
lrelease="${PYSIDE6_LRELEASE:-$bin/pyside6-lrelease}"
out="$here/resources/translations"
cd "$here"
if [ "${1:-}" != "--release" ]; then
  # English is the source language: kiosk_en.ts only holds the English plural forms (the
  # other source texts show as they are). A plural is one source text with %n and the count
  # (translate("Board", "%n students shown", None, count)); lupdate's Python parser does not
  # see the count, so scripts/numerus.py puts the numerus forms back afterwards.
  before="$(mktemp -d)"
  trap 'rm -rf "$before"' EXIT
  cp "$out"/kiosk_*.ts "$before"/
  "$lupdate" -no-obsolete -locations relative -source-language en kiosk/ui/*.py kiosk/ui/*/*.py kiosk/gui.py \
    -ts "$out/kiosk_en.ts" "$out/kiosk_ja.ts"
  "$bin/python" "$here/scripts/numerus.py" "$before" "$out"
fi
for ts in "$out"/kiosk_*.ts; do
  "$lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
