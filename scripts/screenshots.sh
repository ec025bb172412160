#!/usr/bin/env bash
# Screenshots of every main screen into docs/screenshots/, under a virtual X server.
#   scripts/screenshots.sh            # English, all screens
#   scripts/screenshots.sh --lang ja  # Japanese
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python}"
exec xvfb-run -a -s "-screen 0 1920x1080x24" "$python" "$here/scripts/screenshots.py" "$@"
