#!/usr/bin/env bash
# Tools the test suite uses besides Python packages, from Debian's packages: promtool (checks the
# Prometheus configuration and alert rules) and chromium (the browser tests drive it through
# Playwright; Playwright's own browser download cannot be used). Installed only when missing and run as root;
# otherwise the tests that need them say they were skipped and why.
set -euo pipefail

say() { printf 'innovnet: %s\n' "$*"; }

needed=()
command -v promtool >/dev/null || needed+=(prometheus)
[ -x /usr/bin/chromium ] || needed+=(chromium)

[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  say "not root: install ${needed[*]} (Debian) for the tests that need them"
  exit 0
fi
say "installing ${needed[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null 2>&1 || {
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
}
