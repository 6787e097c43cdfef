#!/usr/bin/env bash
# WeasyPrint renders PDFs with Pango from the operating system, which pip cannot install.
# Say exactly what is missing, and install it when we are root on Debian/Ubuntu.
# make runs this before every run/test/check/bench (a fraction of a second when nothing is
# missing), so a machine whose .venv was built before a library was added here still gets it.
set -euo pipefail
missing() {
  python3 -c 'import ctypes.util, sys; print(*[l for l in sys.argv[1:] if not ctypes.util.find_library(l)])' "$@"
}
required=$(missing pango-1.0 pangoft2-1.0 harfbuzz)
# Optional for WeasyPrint, which otherwise subsets every embedded font with fontTools in Python:
# about 0.35 s more for each PDF (issue 9).
subset=$(missing harfbuzz-subset)
[ -z "$required$subset" ] && exit 0
pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  if [ -n "$required" ]; then
    echo "Installing system libraries WeasyPrint needs ($required): $pkgs"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs
  fi
  if [ -n "$subset" ]; then
    echo "Installing libharfbuzz-subset0 (WeasyPrint subsets fonts with it, much faster)."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 \
      || echo "warning: libharfbuzz-subset0 could not be installed; PDFs will be slower." >&2
  fi
  exit 0
fi
if [ -n "$required" ]; then
  echo "WeasyPrint needs Pango, which is missing here ($required)." >&2
  echo "Install it, then run make again:" >&2
  echo "  Debian/Ubuntu: sudo apt-get install $pkgs libharfbuzz-subset0" >&2
  echo "  macOS:         brew install pango" >&2
  exit 1
fi
echo "warning: libharfbuzz-subset is missing: WeasyPrint falls back to fontTools and every PDF" >&2
echo "  takes about 0.35 s longer. Debian/Ubuntu: sudo apt-get install libharfbuzz-subset0" >&2
