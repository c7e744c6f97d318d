#!/usr/bin/env bash
# Installs the browser tests' npm packages (playwright-core, pinned by tests/browser/package-lock.json)
# with `npm ci`. They drive Debian's chromium (/usr/bin/chromium, scripts/deps/console.apt): no
# browser is downloaded. Idempotent and fast when done: skips when node_modules matches the lock.
set -euo pipefail

dir="$(cd "$(dirname "$0")/../../tests/browser" && pwd)"
stamp="$dir/node_modules/.package-lock.json"

if ! command -v npm >/dev/null 2>&1; then
  echo "setup: browser tests: installing Debian's npm"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    npm >/dev/null
fi
if [ -f "$stamp" ] && [ -d "$dir/node_modules/playwright-core" ] &&
   [ "$stamp" -nt "$dir/package-lock.json" ]; then
  exit 0
fi
cd "$dir"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
