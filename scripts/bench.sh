#!/usr/bin/env bash
# scripts/bench.sh — the person list and name search, the timeline, the
# person page and the Frister page through the real HTTP stack, beside the
# same store calls alone. Called by `make bench`, which builds bin/ankomst
# and exports DATABASE_URL for the database ankomst_bench.
#
#   DATABASE_URL=postgres://...ankomst_bench scripts/bench.sh
#
# Steps: migrate up; load `demo --persons 100000 --notes 1000000 --if-empty`
# (on a database loaded before notes existed, --if-empty still adds the
# notes, on one loaded before the programme existed the programme data,
# and on one without employers the placements); create the bench caseworker (bench.caseworker@ost.demo, once) and
# give them their 150 active persons with `ankomst demo --bench-caseworker`:
# 30 of them running participants of one programme group (the attendance
# grid's 25-participant group; idempotent, and the load generator then finds
# the caseload complete and leaves it alone); start `ankomst
# serve` on 127.0.0.1:18080 (stopped on exit); log in with curl as a demo
# caseworker as a smoke test; run the Go load generator (TestBenchPersonList
# and TestBenchCasework in internal/server/bench_test.go, TestBenchPlacements
# in bench_placements_test.go: the capacity and worksite pages,
# TestBenchProgramme in bench_programme_test.go: the attendance grid and week
# save of a 25-participant group, the programme, plan, benefit and person
# pages; TestBenchHealth in bench_health_test.go: the health worklist of a
# unit with its access-log writes, and the leaders' counts), which logs in itself, measures each scenario over HTTP and through
# the store, and prints the tables and EXPLAIN (ANALYZE, BUFFERS) of the
# queries.
#
# Knobs: BENCH_PERSONS (100000), BENCH_UNITS (2), BENCH_NOTES (1000000), BENCH_ADDR
# (127.0.0.1:18080), BENCH_EMAIL (saksbehandler1@ost.demo),
# BENCH_CASEWORKER (bench.caseworker@ost.demo), BENCH_CASEWORKER_PASSWORD,
# ANKOMST_BENCH_CASELOAD (150), ANKOMST_BENCH_REQUESTS (2000),
# ANKOMST_BENCH_CONCURRENCY ("1,4"), ANKOMST_BENCH_FRAGMENT ("ahm"),
# ANKOMST_BENCH_SAVES (500 attendance saves per run), ANKOMST_BENCH_GROUP_SIZE
# (25), BENCH_TESTS (go test -run patterns, run one after the other; default
# all benchmarks, the programme's and the NIR file's last: the saves
# write audit rows, and TestBenchNIR in bench_nir_test.go tops the
# programmes up to 100 000 participants and exports the NIR file),
# BENCH_OUT (also write the report to this file).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

: "${DATABASE_URL:?DATABASE_URL must point at the benchmark database (make bench sets it)}"
BIN="${ANKOMST_BIN:-$ROOT/bin/ankomst}"
PERSONS="${BENCH_PERSONS:-100000}"
UNITS="${BENCH_UNITS:-2}"
NOTES="${BENCH_NOTES:-1000000}"
CASEWORKER="${BENCH_CASEWORKER:-bench.caseworker@ost.demo}"
CASEWORKER_PASSWORD="${BENCH_CASEWORKER_PASSWORD:-ankomst-bench-2026}"
TESTS="${BENCH_TESTS:-^TestBench(PersonList|Casework|Placements|Health|Dashboard|Housing)\$ ^TestBenchProgramme\$ ^TestBenchNIR\$}"
ADDR="${BENCH_ADDR:-127.0.0.1:18080}"
EMAIL="${BENCH_EMAIL:-saksbehandler1@ost.demo}"
PASSWORD="${BENCH_PASSWORD:-ankomst-demo-2026}"
BASE="http://$ADDR"

if [[ ! -x $BIN ]]; then
  echo "bench: building $BIN"
  go build -o "$BIN" ./cmd/ankomst
fi
command -v curl >/dev/null || { echo "bench: curl is required" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== migrate"
"$BIN" migrate up

echo "== demo data ($PERSONS persons in $UNITS units, $NOTES case notes, once)"
start=$(date +%s%N)
"$BIN" demo --persons "$PERSONS" --units "$UNITS" --notes "$NOTES" --if-empty
echo "demo step took $(( ($(date +%s%N) - start) / 1000000 )) ms"

echo "== bench caseworker $CASEWORKER"
if ! out=$(printf '%s\n' "$CASEWORKER_PASSWORD" | "$BIN" user create --email "$CASEWORKER" \
  --name "Benk Saksbehandler" --role caseworker --unit "Flyktningtjenesten Øst" 2>&1); then
  if [[ $out == *"finnes allerede"* ]]; then
    echo "exists already"
  else
    echo "bench: could not create $CASEWORKER: $out" >&2
    exit 1
  fi
else
  echo "$out"
fi
"$BIN" demo --bench-caseworker "$CASEWORKER" --bench-caseload "${ANKOMST_BENCH_CASELOAD:-150}"

if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then
  echo "bench: something already answers on $ADDR; stop it or set BENCH_ADDR" >&2
  exit 1
fi
echo "== serve on $ADDR (log: $WORK/server.log)"
"$BIN" serve --addr "$ADDR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "bench: the server exited:" >&2; cat "$WORK/server.log" >&2; exit 1
  fi
  sleep 0.1
done
curl -fsS -o /dev/null "$BASE/readyz"

echo "== smoke test: log in with curl as $EMAIL"
JAR="$WORK/cookies"
# A plain form post without Origin or Sec-Fetch-Site passes CrossOriginProtection.
status=$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
  --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$BASE/login")
if [[ $status != 303 ]]; then
  echo "bench: login as $EMAIL answered $status, want 303 (is the demo data loaded?)" >&2
  exit 1
fi
read -r status size time < <(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' \
  -c "$JAR" -b "$JAR" "$BASE/persons?view=all")
if [[ $status != 200 ]]; then
  echo "bench: GET /persons answered $status" >&2
  exit 1
fi
echo "GET /persons?view=all: $status, $size bytes, ${time}s (cold)"

echo "== load generator"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
export ANKOMST_BENCH_URL="$BASE" ANKOMST_BENCH_EMAIL="$EMAIL" ANKOMST_BENCH_PASSWORD="$PASSWORD"
# The server's request log: statements and round trips per page.
export ANKOMST_BENCH_LOG="$WORK/server.log"
export ANKOMST_BENCH_CASEWORKER="$CASEWORKER" ANKOMST_BENCH_CASEWORKER_PASSWORD="$CASEWORKER_PASSWORD"
[[ -n ${BENCH_OUT:-} ]] && : >"$BENCH_OUT"
for pattern in $TESTS; do
  if [[ -n ${BENCH_OUT:-} ]]; then
    go test ./internal/server -run "$pattern" -count=1 -v -timeout 60m | tee -a "$BENCH_OUT"
  else
    go test ./internal/server -run "$pattern" -count=1 -v -timeout 60m
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
