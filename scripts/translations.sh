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
  # English is the source language (kiosk_en.ts stays untranslated: the source texts show).
  # Plurals are two source texts chosen in code ("1 more class" / "2 more classes"): the
  # Python parser of lupdate marks no numerus forms.
  "$lupdate" -no-obsolete -locations relative -source-language en kiosk/ui/*.py kiosk/ui/*/*.py kiosk/gui.py \
    -ts "$out/kiosk_en.ts" "$out/kiosk_ja.ts"
fi
for ts in "$out"/kiosk_*.ts; do
  "$lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
