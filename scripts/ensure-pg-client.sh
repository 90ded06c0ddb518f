#!/usr/bin/env bash
# Makes sure pg_dump and pg_restore are installed (the backup restore drill,
# TestRestoreDrill, and docs/OPERATIONS.md use them). Messages go to stderr.
#
# Uses the ones on PATH when found; otherwise installs Debian/Ubuntu's
# `postgresql-client` package with apt-get (via sudo when not root). The
# client must not be older than the server it dumps (pg_dump refuses a newer
# server); Debian's package follows the distribution's server version.
set -euo pipefail

if command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-pg-client: pg_dump/pg_restore not found and no apt-get; install the PostgreSQL client tools by hand" >&2
  exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "ensure-pg-client: not root and no sudo; install the 'postgresql-client' package by hand" >&2
    exit 1
  fi
fi
echo "ensure-pg-client: installing postgresql-client with apt-get..." >&2
apt_opts=(-o DPkg::Lock::Timeout=600 -o APT::Get::Assume-Yes=true)
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y postgresql-client >&2
command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1
