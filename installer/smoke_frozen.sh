#!/usr/bin/env bash
# Smoke test of a frozen (PyInstaller) or installed kiosk, headless, with a temporary data dir.
#
#   installer/smoke_frozen.sh [BINARY]        default: dist/tatami-kiosk/tatami-kiosk
#   installer/smoke_frozen.sh /usr/bin/tatami-kiosk      (the installed .deb)
#
# Steps: --version, --help, roster import, stdin scans (outcomes compared), doctor --json,
# decode of a QR image, backup create/list, demo (headless: at least one accepted check-in) and
# the GUI offscreen when the build has it. Fails on a non-zero exit, on a wrong outcome, and on any
# "Traceback" in stdout or stderr. Reports bundle size, build time (dist/frozen-build.json) and step times.
#
# Inputs (tokens signed with the test-vector keys) come from installer/smoke_inputs.py, run by
# PYTHON (default: .venv/bin/python, else python3) from the source tree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/dist/tatami-kiosk/tatami-kiosk}"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
if [[ ! -x "$BIN" ]]; then
    echo "smoke_frozen: no executable at $BIN (build it with installer/build_frozen.sh)" >&2
    exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tatami-smoke.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
DATA="$WORK/kiosk"

# A clean environment: nothing of the operator's own kiosk configuration leaks in.
for name in $(env | grep -o '^TATAMI_[A-Z_]*' || true); do unset "$name"; done
export TATAMI_DATA_DIR="$DATA" TATAMI_CAMERA_SOURCE=stdin QT_QPA_PLATFORM=offscreen
export PYTHONWARNINGS=error

failures=0
total_started=$(date +%s.%N)
STEP_OUT="" STEP_ERR="" STEP_CODE=0

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }

# step NAME [ENV=VALUE ...] -- ARGS... < stdin : runs the binary, keeps output, checks tracebacks.
step() {
    local name="$1"; shift
    local -a envs=()
    while [[ "$1" != "--" ]]; do envs+=("$1"); shift; done
    shift
    STEP_OUT="$WORK/$name.out" STEP_ERR="$WORK/$name.err"
    local started; started=$(now)
    set +e
    env "${envs[@]}" "$BIN" "$@" >"$STEP_OUT" 2>"$STEP_ERR"
    STEP_CODE=$?
    set -e
    STEP_TIME=$(elapsed "$started")
    if grep -q "Traceback" "$STEP_OUT" "$STEP_ERR"; then
        fail "$name: traceback (exit $STEP_CODE):"; sed 's/^/      /' "$STEP_ERR" | tail -20
        return 1
    fi
    return 0
}

ok() { printf 'ok    %-14s %5s s  %s\n' "$1" "$STEP_TIME" "$2"; }

expect_exit() {
    local name="$1" wanted="$2"
    if [[ "$STEP_CODE" != "$wanted" ]]; then
        fail "$name: exit $STEP_CODE, expected $wanted"; sed 's/^/      /' "$STEP_ERR" | tail -20
        return 1
    fi
}

"$PYTHON" "$ROOT/installer/smoke_inputs.py" "$WORK/in"

# 1. version: the one version source, kiosk/__init__.py
want=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/kiosk/__init__.py")
if step version -- --version && expect_exit version 0; then
    if [[ "$(cat "$STEP_OUT")" == "tatami-kiosk $want" ]]; then ok version "$(cat "$STEP_OUT")"
    else fail "version: '$(cat "$STEP_OUT")', expected 'tatami-kiosk $want'"; fi
fi

# 2. the command line is complete (commands are loaded by name, invisible to PyInstaller)
if step help -- --help && expect_exit help 0; then
    missing=""
    for command in run setup sync roster decode doctor smoke backup; do
        grep -q "$command" "$STEP_OUT" || missing="$missing $command"
    done
    if [[ -z "$missing" ]]; then ok help "all commands present"; else fail "help: missing$missing"; fi
fi

# 3. offline provisioning
if step roster -- roster import "$WORK/in/roster.json" && expect_exit roster 0; then
    ok roster "$(cat "$STEP_OUT")"
fi

# 4. scans from stdin (a keyboard-wedge scanner), one JSON line each
if step scans -- run --headless --source stdin <"$WORK/in/scans.txt" && expect_exit scans 0; then
    got=$("$PYTHON" -c 'import json, pathlib, sys
lines = pathlib.Path(sys.argv[1]).read_text().splitlines()
print("\n".join(json.loads(line)["outcome"] for line in lines))' "$STEP_OUT")
    if [[ "$got" == "$(cat "$WORK/in/expected.txt")" ]]; then
        ok scans "$(echo "$got" | tr '\n' ' ')"
    else
        fail "scans: outcomes differ"; diff <(echo "$got") "$WORK/in/expected.txt" | sed 's/^/      /'
    fi
fi

# 5. doctor: decoders, keyring, SQLite and the database inside the frozen build
if step doctor -- doctor --json && expect_exit doctor 0; then
    if summary=$("$PYTHON" -c '
import json, pathlib, sys
report = json.loads(pathlib.Path(sys.argv[1]).read_text())
checks = {c["name"]: c for c in report["checks"]}
assert checks["decoders"]["status"] == "ok", checks["decoders"]
assert any(e["name"] == "zxing" and e["available"] for e in checks["decoders"]["data"]["engines"])
assert checks["database"]["status"] == "ok" and checks["roster"]["status"] == "ok"
print(checks["version"]["summary"], "|", checks["decoders"]["summary"])
' "$STEP_OUT"); then
        ok doctor "$summary"
    else
        fail "doctor: unexpected report"
    fi
fi

# 6. decode a QR image (OpenCV + zxing-cpp in the bundle)
if step decode -- decode --json "$WORK/in/pass.png" && expect_exit decode 0; then
    ok decode "$(head -c 100 "$STEP_OUT")…"
fi

# 7. backups
if step backup -- backup create && expect_exit backup 0 \
    && step backup-list -- backup list && expect_exit backup-list 0; then
    ok backup "$(tail -1 "$STEP_OUT")"
fi

# 8. demo mode, headless (reference server in-process, synthetic feed): every line a scan, and
#    the academy's real cards checked in (a build that only decodes garbage would pass a count)
if step demo -- run --demo --headless --quit-after 12 && expect_exit demo 0; then
    if summary=$("$PYTHON" -c '
import collections, json, pathlib, sys
lines = pathlib.Path(sys.argv[1]).read_text().splitlines()
outcomes = collections.Counter(json.loads(line)["outcome"] for line in lines)
assert outcomes["accepted"] >= 1, f"no accepted check-in in {len(lines)} scans: {dict(outcomes)}"
print(len(lines), "scans:", ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
' "$STEP_OUT" 2>&1); then
        ok demo "$summary"
    else
        fail "demo: $(tail -1 <<<"$summary")"
    fi
fi

# 9. the GUI on the offscreen platform, when the build has it
set +e
QT_QPA_PLATFORM=offscreen "$BIN" run --demo --quit-after 10 >"$WORK/gui.out" 2>"$WORK/gui.err"
gui_code=$?
set -e
if grep -q "No module named 'kiosk.gui'" "$WORK/gui.err"; then
    printf 'skip  %-14s %5s s  %s\n' gui "-" "kiosk.gui is not in this build yet"
elif grep -q Traceback "$WORK/gui.out" "$WORK/gui.err"; then
    fail "gui: traceback"; tail -20 "$WORK/gui.err" | sed 's/^/      /'
elif [[ "$gui_code" != 0 ]]; then
    fail "gui: exit $gui_code"; tail -20 "$WORK/gui.err" | sed 's/^/      /'
else
    printf 'ok    %-14s %5s s  %s\n' gui "-" "offscreen demo ran and quit cleanly"
fi

bundle="$(dirname "$(readlink -f "$BIN")")"
size=$(du -sh "$bundle" | cut -f1)
build_info=""
[[ -f "$ROOT/dist/frozen-build.json" ]] && build_info=" build: $(cat "$ROOT/dist/frozen-build.json")"
echo "bundle: $bundle ($size)$build_info"
echo "smoke: $failures failed in $(elapsed "$total_started") s"
[[ "$failures" == 0 ]]
