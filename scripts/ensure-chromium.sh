#!/usr/bin/env bash
# Makes sure a Chromium the browser tests (chromedp) can drive is installed,
# and prints its path on stdout. Messages go to stderr.
#
# Uses an existing chromium/chrome when one is found; otherwise installs
# Debian/Ubuntu's `chromium` package with apt-get (via sudo when not root).
set -euo pipefail

find_chromium() {
  local c
  for c in "${CHROME_PATH:-}" /usr/bin/chromium chromium chromium-browser \
           google-chrome-stable google-chrome headless_shell headless-shell; do
    [[ -n $c ]] || continue
    if [[ $c == /* ]]; then
      [[ -x $c ]] && { echo "$c"; return 0; }
    elif command -v "$c" >/dev/null 2>&1; then
      command -v "$c"; return 0
    fi
  done
  return 1
}

if path=$(find_chromium); then
  echo "$path"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no Chromium found and no apt-get; install Chromium or Chrome and/or set CHROME_PATH" >&2
  exit 1
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "ensure-chromium: not root and no sudo; install the 'chromium' package by hand" >&2
    exit 1
  fi
fi

echo "ensure-chromium: installing chromium with apt-get (this takes a minute)..." >&2
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg run (e.g. an unattended upgrade) instead of failing.
apt_opts=(-o DPkg::Lock::Timeout=600 -o APT::Get::Assume-Yes=true)
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y chromium >&2

if path=$(find_chromium); then
  echo "$path"
else
  echo "ensure-chromium: apt-get finished but no chromium binary was found" >&2
  exit 1
fi
