#!/usr/bin/env bash
# The gateway's front-end files: `npm ci` installs the locked @digigov/css (the GOV.GR design
# system) and its one prebuilt stylesheet is copied into the gateway's static files. Nothing
# is loaded from a CDN at run time. Skipped when the copy is newer than the lock file.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TARGET=services/gateway/static/digigov.css
if [ -f "$TARGET" ] && [ "$TARGET" -nt package-lock.json ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "innovnet: npm (Node.js) is needed for the gateway's stylesheet" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p "$(dirname "$TARGET")"
cp node_modules/@digigov/css/dist/digigov.css "$TARGET"
echo "innovnet: the GOV.GR stylesheet (@digigov/css $(node -p "require('./node_modules/@digigov/css/package.json').version")) is in $TARGET"
