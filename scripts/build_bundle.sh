#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle (build_app.spec) and prove it starts.
#
# Usage: scripts/build_bundle.sh [VENV]   (default: the active virtualenv, else python3)
#
# Installs PyInstaller into that environment, builds dist/csm-desktop/, then runs the
# bundle's headless self-test from an empty folder and fails on a non-zero exit, on any
# "No module named" and on any other stderr output (as qutebrowser's release smoke test
# does). Prints the bundle size and the wall time of the self-test.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${1:-${VIRTUAL_ENV:-}}"
if [[ -n "$VENV" ]]; then
    PYTHON="$VENV/bin/python"
else
    PYTHON="$(command -v python3)"
fi
BUNDLE="dist/csm-desktop"
EXE="$BUNDLE/csm-desktop"

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "== bundle: install PyInstaller into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
"$PYTHON" -m pip install --quiet --disable-pip-version-check "pyinstaller>=6.0"

echo "== bundle: build with build_app.spec"
started="$(now)"
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller build_app.spec
echo "built in $(seconds_since "$started") s"

echo "== bundle: no unused Qt parts"
unused="$(find "$BUNDLE" \( -iname 'libQt6Qml*' -o -iname 'libQt6Quick*' \
    -o -iname '*WebEngine*' -o -iname 'libQt63D*' -o -iname 'libQt6Multimedia*' \
    -o -iname 'libQt6Pdf*' -o -iname 'Qt6Qml*.dll' -o -iname 'Qt6Quick*.dll' \
    -o -path '*/translations/*.qm' \) -print)"
if [[ -n "$unused" ]]; then
    echo "error: the bundle still holds Qt parts the app does not use:" >&2
    echo "$unused" >&2
    exit 1
fi

echo "== bundle: self-test"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
exe_path="$(pwd)/$EXE"
started="$(now)"
status=0
(
    cd "$scratch"
    env -u PYTHONPATH -u PYTHONHOME HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" \
        XDG_DATA_HOME="$scratch/data" XDG_STATE_HOME="$scratch/state" \
        XDG_CACHE_HOME="$scratch/cache" QT_QPA_PLATFORM=offscreen \
        "$exe_path" --self-test >"$scratch/stdout.txt" 2>"$scratch/stderr.txt"
) || status=$?
wall="$(seconds_since "$started")"
cat "$scratch/stdout.txt"
if [[ -s "$scratch/stderr.txt" ]]; then
    echo "---- stderr of the self-test ----" >&2
    cat "$scratch/stderr.txt" >&2
fi
if grep -q "No module named" "$scratch/stderr.txt" "$scratch/stdout.txt"; then
    echo "error: the bundle misses a module (see 'No module named' above)" >&2
    exit 1
fi
if [[ "$status" -ne 0 ]]; then
    echo "error: the bundle's self-test failed with exit status $status" >&2
    exit 1
fi
if [[ -s "$scratch/stderr.txt" ]]; then
    echo "error: the bundle's self-test wrote to stderr (shown above)" >&2
    exit 1
fi

echo "bundle size: $(du -sh "$BUNDLE" | cut -f1) ($BUNDLE)"
echo "self-test wall time: $wall s"
