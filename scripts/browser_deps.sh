#!/usr/bin/env bash
# The browser journeys drive the operating system's Chromium; Playwright never downloads one.
set -euo pipefail
browser=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser journeys."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  exit 0
fi
echo "The browser journeys need Chromium at $browser (or set CHROMIUM_PATH)." >&2
echo "  Debian/Ubuntu: sudo apt-get install chromium" >&2
exit 1
