# Sourced by ./run-kiosk and ./run-tests: makes .venv current, then returns.
# Re-installs only when pyproject.toml or the constraints file changed since the last install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${TATAMI_VENV:-$here/.venv}"
extras="${1:-}"

pick_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "TatamiTech Kiosk needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

if [ ! -x "$venv/bin/python" ]; then
  py="$(pick_python)"
  echo "» creating $venv with $py" >&2
  "$py" -m venv "$venv" || {
    echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
    exit 1
  }
fi

stamp="$venv/.tatami-installed${extras:+-$extras}"
want="$( { cat "$here/pyproject.toml"; cat "$here/constraints.txt" 2>/dev/null || true; } | cksum)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "» installing TatamiTech Kiosk${extras:+ [$extras]} into $venv (first run takes a few minutes)" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  constraint=()
  [ -f "$here/constraints.txt" ] && constraint=(-c "$here/constraints.txt")
  "$venv/bin/python" -m pip install --quiet "${constraint[@]}" -e "$here${extras:+[$extras]}" >&2
  echo "$want" > "$stamp"
fi

# pyzbar is optional: zxing-cpp (the default engine) works without it.
if ! "$venv/bin/python" -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("zbar") else 1)' 2>/dev/null; then
  echo "» note: libzbar0 is not installed, so the pyzbar decoder is unavailable (zxing-cpp is used)." >&2
  echo "  To enable it: sudo apt-get install libzbar0   (macOS: brew install zbar)" >&2
fi
export PATH="$venv/bin:$PATH"
