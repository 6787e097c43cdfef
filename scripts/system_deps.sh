#!/usr/bin/env bash
# WeasyPrint renders PDFs with Pango from the operating system, which pip cannot install.
# Say exactly what is missing, and install it when we are root on Debian/Ubuntu.
set -euo pipefail
missing=()
for lib in pango-1.0 pangoft2-1.0 harfbuzz; do
  python3 -c "import ctypes.util,sys; sys.exit(0 if ctypes.util.find_library('$lib') else 1)" \
    || missing+=("$lib")
done
[ ${#missing[@]} -eq 0 ] && exit 0
pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system libraries WeasyPrint needs (${missing[*]}): $pkgs"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs
  exit 0
fi
echo "WeasyPrint needs Pango, which is missing here (${missing[*]})." >&2
echo "Install it, then run make again:" >&2
echo "  Debian/Ubuntu: sudo apt-get install $pkgs" >&2
echo "  macOS:         brew install pango" >&2
exit 1
