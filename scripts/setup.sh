#!/usr/bin/env bash
# Everything a fresh machine needs: Debian's Chromium for the browser tests (never a downloaded
# browser), and the npm dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update
    apt-get install -y chromium
  else
    echo "Chromium missing: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund
