#!/usr/bin/env bash
# scripts/loadtest.sh — load and faults: 50 simulated caseworkers for 2
# minutes against the real server binary and a PRIVATE PostgreSQL, which is
# stopped (pg_ctl stop -m fast) for 10 seconds mid-run and started again.
# Called by `make loadtest` (which builds bin/ankomst first).
#
# Steps: initdb a throwaway cluster in a temp dir from the machine's own
# PostgreSQL binaries (/usr/lib/postgresql/*/bin …; as root it runs as the
# postgres system user), loopback only, on an unused port, with the default
# durability settings (fsync and synchronous_commit on: the write check
# below is only worth something then); create the roles ankomst_owner and
# ankomst_app and the database; migrate; `demo --persons 5000`; create the
# caseworkers loadtest.NN@ost.demo (`ankomst user create`, spread over the
# demo units); start `ankomst serve` on another unused port; run the Go
# driver (cmd/loadtest), which runs the journeys, stops and starts
# PostgreSQL, checks every acknowledged write in the database and prints the
# report. Everything started here is stopped on exit and the temp dir
# removed; the report and the server log are kept in .data/loadtest/.
#
# Knobs: LOADTEST_USERS (50), LOADTEST_DURATION (2m), LOADTEST_OUTAGE_AT
# (45s), LOADTEST_OUTAGE (10s), LOADTEST_PERSONS (5000), LOADTEST_THINK
# (max think time between steps, 200ms), LOADTEST_OUT (report file,
# .data/loadtest/report.txt).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${ANKOMST_BIN:-$ROOT/bin/ankomst}"
USERS="${LOADTEST_USERS:-50}"
DURATION="${LOADTEST_DURATION:-2m}"
OUTAGE_AT="${LOADTEST_OUTAGE_AT:-45s}"
OUTAGE="${LOADTEST_OUTAGE:-10s}"
PERSONS="${LOADTEST_PERSONS:-5000}"
THINK="${LOADTEST_THINK:-200ms}"
KEEP="$ROOT/.data/loadtest"
OUT="${LOADTEST_OUT:-$KEEP/report.txt}"
PASSWORD="ankomst-loadtest-2026"

log() { echo "loadtest: $*" >&2; }
die() { log "$*"; exit 1; }

[[ -x $BIN ]] || die "$BIN missing (make loadtest builds it)"
command -v curl >/dev/null || die "curl is required"

# ---- PostgreSQL binaries: PATH first, then the usual install dirs ---------
PG_BINDIR=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  PG_BINDIR="$(dirname "$(command -v pg_ctl)")"
else
  while IFS= read -r d; do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then PG_BINDIR=$d; break; fi
  done < <(ls -d /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/pgsql/bin 2>/dev/null | sort -rV)
fi
[[ -n $PG_BINDIR ]] || die "no PostgreSQL server binaries (initdb, pg_ctl) found; install PostgreSQL"
PSQL="$PG_BINDIR/psql"; [[ -x $PSQL ]] || PSQL=$(command -v psql) || die "psql not found"

# As root, PostgreSQL must run as another user.
RUNAS=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  if command -v runuser >/dev/null 2>&1; then RUNAS=(runuser -u postgres --); else RUNAS=(sudo -u postgres --); fi
fi
as_pg() { "${RUNAS[@]}" "$@"; }

# An unused loopback port: nothing answers and nothing listens (bounded).
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

WORK="$(mktemp -d /tmp/ankomst-loadtest.XXXXXX)"
chmod 0755 "$WORK"
PGDATA="$WORK/pg"
SOCK="$WORK/run"
mkdir -p "$PGDATA" "$SOCK" "$KEEP"
[[ ${#RUNAS[@]} -gt 0 ]] && chown postgres "$PGDATA" "$SOCK"
chmod 0700 "$PGDATA"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -f $PGDATA/postmaster.pid ]]; then
    as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  [[ -f $WORK/server.log ]] && cp "$WORK/server.log" "$KEEP/server.log"
  [[ -f $PGDATA/server.log ]] && cp "$PGDATA/server.log" "$KEEP/postgres.log" 2>/dev/null
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PGPORT=$(free_port) || die "no free port"
log "initdb: private cluster in $PGDATA ($("$PG_BINDIR/pg_ctl" --version)), port $PGPORT, loopback only"
locale_opt=(--no-locale)
if grep -qiE '^c\.utf-?8$' <<<"$(locale -a 2>/dev/null)"; then locale_opt=(--locale=C.UTF-8); fi
as_pg "$PG_BINDIR/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 "${locale_opt[@]}" >"$WORK/initdb.log" 2>&1 ||
  { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
as_pg sh -c "cat >> '$PGDATA/postgresql.conf'" <<EOF

# --- scripts/loadtest.sh: throwaway cluster, loopback only, default durability ---
port = $PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
max_connections = 100
EOF
PG_START=("${RUNAS[@]}" "$PG_BINDIR/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start)
PG_STOP=("${RUNAS[@]}" "$PG_BINDIR/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop)
"${PG_START[@]}" >/dev/null 9>&- || { tail -n 20 "$PGDATA/server.log" >&2; die "pg_ctl start failed"; }

ADMIN="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$ADMIN" <<'EOF'
CREATE ROLE ankomst_owner LOGIN PASSWORD 'ankomst_owner';
CREATE ROLE ankomst_app LOGIN PASSWORD 'ankomst_app';
CREATE DATABASE ankomst_load OWNER ankomst_owner;
EOF
export ANKOMST_OWNER_URL="postgres://ankomst_owner:ankomst_owner@127.0.0.1:$PGPORT/ankomst_load?sslmode=disable"
export DATABASE_URL="postgres://ankomst_app:ankomst_app@127.0.0.1:$PGPORT/ankomst_load?sslmode=disable"

log "migrate"
"$BIN" migrate up >/dev/null
log "demo data: $PERSONS persons"
start=$(date +%s)
"$BIN" demo --persons "$PERSONS" >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; die "demo failed"; }
log "demo took $(($(date +%s) - start)) s"

log "creating $USERS caseworkers (loadtest.NN@ost.demo)"
mapfile -t UNITS < <("$PSQL" -X -A -t -d "$ANKOMST_OWNER_URL" -c \
  "SELECT u.name FROM units u WHERE EXISTS (SELECT 1 FROM programme_groups g WHERE g.unit_id = u.id AND g.active) ORDER BY u.id")
[[ ${#UNITS[@]} -gt 0 ]] || die "no unit with programme groups in the demo data"
for ((i = 1; i <= USERS; i++)); do
  email=$(printf 'loadtest.%02d@ost.demo' "$i")
  unit=${UNITS[$(((i - 1) % ${#UNITS[@]}))]}
  printf '%s\n' "$PASSWORD" | "$BIN" user create --email "$email" --name "Last Test $i" --role caseworker --unit "$unit" >/dev/null
done

APPPORT=$(free_port) || die "no free port"
ADDR="127.0.0.1:$APPPORT"
log "serve on $ADDR (log: $KEEP/server.log after the run)"
"$BIN" serve --addr "$ADDR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://$ADDR/readyz" 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
  sleep 0.1
done
curl -fsS -o /dev/null "http://$ADDR/readyz" || die "the server is not ready"

log "driver: $USERS users, $DURATION, outage of $OUTAGE at $OUTAGE_AT"
go run ./cmd/loadtest \
  -base "http://$ADDR" -users "$USERS" -email 'loadtest.%02d@ost.demo' -password "$PASSWORD" \
  -duration "$DURATION" -outage-at "$OUTAGE_AT" -outage "$OUTAGE" -think "$THINK" \
  -db "$ANKOMST_OWNER_URL" -server-pid "$SERVER_PID" -out "$OUT" \
  -stop-cmd "$(printf '%q ' "${PG_STOP[@]}")" -start-cmd "$(printf '%q ' "${PG_START[@]}")"
