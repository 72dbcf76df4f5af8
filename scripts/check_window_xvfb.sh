#!/usr/bin/env bash
# CI: the window really starts on X11 (Xvfb + Qt's xcb plugin), not only offscreen.
# Installs xvfb and the X11 libraries the README names when they are missing and this runs
# as root with apt-get; otherwise it says why it skips. Usage: check_window_xvfb.sh VENV
set -euo pipefail
VENV="${1:-.venv}"
PACKAGES=$("$VENV/bin/python" -c \
  "from csm_desktop.ui.system_libraries import README_PACKAGES; print(' '.join(README_PACKAGES))")

libraries_present() {
  env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY DISPLAY=:0 "$VENV/bin/python" -c \
    "from csm_desktop.ui.system_libraries import startup_problem; import sys; sys.exit(1 if startup_problem() else 0)"
}

if ! command -v xvfb-run >/dev/null || ! libraries_present; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing xvfb and: $PACKAGES"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      xvfb xauth $PACKAGES >/dev/null
  else
    echo "SKIPPED: xvfb-run or the X11 libraries are missing and apt-get cannot run as root" \
      "here; install xvfb and: $PACKAGES"
    exit 0
  fi
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# A fresh HOME: the check must not read or write the CI user's settings or books.
out=$(env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" \
  XDG_DATA_HOME="$scratch/data" XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache" \
  timeout 120 xvfb-run -a "$VENV/bin/csm-desktop" --db "$scratch/books/book.sqlite3" \
  --start-check 2>"$scratch/stderr")
cat "$scratch/stderr" >&2
echo "$out"
case "$out" in
  "window opened on platform xcb:"*) ;;
  *) echo "FAILED: the window did not open on the xcb platform" >&2; exit 1 ;;
esac
if [ -s "$scratch/stderr" ]; then
  echo "FAILED: unexpected output on stderr while starting the window" >&2
  exit 1
fi
