#!/usr/bin/env bash
# Installs the front-end packages pinned in package.json / package-lock.json
# and copies the files the app serves into web/static/vendor/ (gitignored,
# embedded into the binary through web/static).
#
# Usage: scripts/npm-assets.sh        (from anywhere; works relative to repo root)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm-assets: npm not found; install Node.js (>= 18) and npm" >&2
  exit 1
fi

# (Re)install when node_modules is missing or older than the lock file / package.json.
need_install=0
stamp=node_modules/.package-lock.json   # written by npm on every install
if [[ ! -d node_modules || ! -f $stamp ]]; then
  need_install=1
elif [[ -f package-lock.json && package-lock.json -nt $stamp ]] || [[ package.json -nt $stamp ]]; then
  need_install=1
fi

if (( need_install )); then
  if [[ -f package-lock.json ]]; then
    echo "npm-assets: npm ci" >&2
    npm ci --no-audit --no-fund >&2
  else
    echo "npm-assets: npm install (no package-lock.json)" >&2
    npm install --no-audit --no-fund >&2
  fi
  touch "$stamp" 2>/dev/null || true
fi

vendor=web/static/vendor
mkdir -p "$vendor"

copy() { # src dst
  local src=$1 dst=$2
  if [[ ! -f $src ]]; then
    echo "npm-assets: missing $src (package layout changed?)" >&2
    exit 1
  fi
  if [[ ! -f $dst ]] || ! cmp -s "$src" "$dst"; then
    cp "$src" "$dst"
  fi
}

ds=node_modules/@digdir/designsystemet-css/dist
copy "$ds/src/index.css"               "$vendor/designsystemet.css"
copy "$ds/theme/designsystemet.css"    "$vendor/theme.css"
copy node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
copy node_modules/axe-core/axe.min.js       "$vendor/axe.min.js"

echo "npm-assets: $vendor is up to date" >&2
