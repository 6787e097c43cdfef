#!/usr/bin/env bash
# The browser journeys drive the operating system's Chromium; Playwright never downloads one.
# The accessibility test needs npm (Node.js) to install axe-core from the npm registry.
set -euo pipefail
browser=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
[ -x "$browser" ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the browser journeys."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  exit 0
fi
[ -x "$browser" ] || {
  echo "The browser journeys need Chromium at $browser (or set CHROMIUM_PATH)." >&2
  echo "  Debian/Ubuntu: sudo apt-get install chromium" >&2
}
command -v npm >/dev/null || {
  echo "The accessibility test needs npm to install axe-core." >&2
  echo "  Debian/Ubuntu: sudo apt-get install nodejs npm" >&2
}
exit 1
