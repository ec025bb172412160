#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle: dist/tatami-kiosk/ (and dist/frozen-build.json with
# the build time and bundle size). Needs the project's environment plus PyInstaller:
#
#   .venv/bin/pip install 'pyinstaller>=6.10'
#   installer/build_frozen.sh                    # PYTHON=/path/to/python to choose another
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "build_frozen: PyInstaller is missing: $PYTHON -m pip install 'pyinstaller>=6.10'" >&2
    exit 2
fi

started=$(date +%s.%N)
# --clean: a stale analysis cache once bundled a module that had been removed.
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$ROOT/installer/tatami-kiosk.spec"
finished=$(date +%s.%N)

BUNDLE="$DIST/tatami-kiosk"
seconds=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.0f", b - a }')
bytes=$(du -sb "$BUNDLE" | cut -f1)
files=$(find "$BUNDLE" -type f | wc -l)
version=$("$BUNDLE/tatami-kiosk" --version)
printf '{"version": "%s", "buildSeconds": %s, "bundleBytes": %s, "files": %s}\n' \
    "${version#tatami-kiosk }" "$seconds" "$bytes" "$files" > "$DIST/frozen-build.json"
echo "build_frozen: $version in $BUNDLE: $(du -sh "$BUNDLE" | cut -f1) ($files files), built in ${seconds} s"
