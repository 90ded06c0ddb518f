#!/usr/bin/env bash
# scripts/db.sh — make sure a PostgreSQL is reachable and hand out a DATABASE_URL.
#
#   eval "$(scripts/db.sh env ankomst)"     # prints: export DATABASE_URL='...' (app role)
#                                            #   and ANKOMST_OWNER_URL (schema owner)
#   scripts/db.sh env ankomst_test           # same, for the test database
#   scripts/db.sh url ankomst                # prints the server admin's URL (tests)
#   source scripts/db.sh [NAME]              # exports DATABASE_URL in this shell
#   scripts/db.sh status                     # which server would be used
#   scripts/db.sh stop                       # stop the private cluster (if any)
#
# Where the server comes from, first match wins:
#   a) DATABASE_URL, if set, is used as given (the database is still created
#      if missing). A DATABASE_URL this script exported itself is not "set by
#      the user": asking for another NAME re-derives it.
#   b) a PostgreSQL answering on 127.0.0.1:5432, user postgres, no password;
#   c) a private cluster in ./.data/pg (port 54329, socket in ./.data/run,
#      trust auth, user postgres) from local PostgreSQL binaries (initdb/pg_ctl
#      in PATH or /usr/lib/postgresql/*/bin ...). As root, the server runs as
#      the `postgres` system user (created if missing);
#   d) `docker compose up -d db` (docker-compose.yml; host port 54320).
# Then database NAME is created if it does not exist (needs psql; without it
# the app creates its database itself).
#
# Least privilege (b, c, d): two roles are created if missing, ankomst_owner
# (owns the database; runs migrations and bulk loads) and ankomst_app (the
# server: rows only, see migrations/000011). Their passwords are their names:
# these are development servers with trust authentication. `env` exports
# DATABASE_URL as ankomst_app and ANKOMST_OWNER_URL as ankomst_owner; a
# database created before the roles keeps its owner, who then migrates it.
# With a DATABASE_URL of your own (a), both are that URL unless you also set
# ANKOMST_OWNER_URL.
#
# Knobs (mostly for testing this script):
#   ANKOMST_DB_MODE=auto|system|private|docker   force one of b/c/d (default auto)
#   ANKOMST_DB_PORT_PROBE=5432                   port probed for (b)
#   ANKOMST_DB_PRIVATE_PORT=54329                port of the private cluster
#   ANKOMST_DB_DOCKER_PORT=54320                 host port of the compose db

# ---- sourced: run ourselves in a subshell and export the result ------------
if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  if [[ ${1:-} == env ]]; then shift; fi
  if __ankomst_db_env=$(bash "${BASH_SOURCE[0]}" env "${1:-ankomst}"); then
    eval "$__ankomst_db_env"
    unset __ankomst_db_env
    return 0
  else
    unset __ankomst_db_env
    return 1
  fi
fi

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
PGDATA_DIR="$DATA/pg"
SOCK_DIR="$DATA/run"
MODE="${ANKOMST_DB_MODE:-auto}"
PROBE_PORT="${ANKOMST_DB_PORT_PROBE:-5432}"
PRIVATE_PORT="${ANKOMST_DB_PRIVATE_PORT:-54329}"
DOCKER_PORT="${ANKOMST_DB_DOCKER_PORT:-54320}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}"

log() { echo "db.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# PostgreSQL client/server binaries: PATH first, then the usual install dirs
# (newest version first).
PG_BINDIR=""
find_pg_bindir() {
  [[ -n $PG_BINDIR ]] && return 0
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    PG_BINDIR="$(dirname "$(command -v pg_ctl)")"
    return 0
  fi
  local d
  while IFS= read -r d; do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then PG_BINDIR="$d"; return 0; fi
  done < <(
    {
      ls -d /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/pgsql/bin \
            /opt/homebrew/opt/postgresql*/bin /usr/local/opt/postgresql*/bin \
            /usr/local/Cellar/postgresql*/*/bin 2>/dev/null || true
    } | sort -rV
  )
  return 1
}

# psql: PATH, else next to the server binaries.
psql_bin() {
  if command -v psql >/dev/null 2>&1; then command -v psql; return 0; fi
  if find_pg_bindir && [[ -x $PG_BINDIR/psql ]]; then echo "$PG_BINDIR/psql"; return 0; fi
  return 1
}

# Is something accepting PostgreSQL connections on host:port?
pg_answers() { # host port
  local host=$1 port=$2 isready=""
  if command -v pg_isready >/dev/null 2>&1; then
    isready=$(command -v pg_isready)
  elif find_pg_bindir && [[ -x $PG_BINDIR/pg_isready ]]; then
    isready=$PG_BINDIR/pg_isready
  fi
  if [[ -n $isready ]]; then
    "$isready" -q -h "$host" -p "$port" -t 2 >/dev/null 2>&1
  else
    # No client tools: is the TCP port open at all?
    (exec 3<>"/dev/tcp/$host/$port") >/dev/null 2>&1
  fi
}

# ---- URL helpers -----------------------------------------------------------
url_for() { # port dbname [user[:password]]
  echo "postgres://${3:-postgres}@127.0.0.1:$1/$2?sslmode=disable"
}

# Same URL with other credentials (user:password).
url_with_user() { # url user:password
  local u=$1 cred=$2 scheme rest
  scheme=${u%%://*}; rest=${u#*://}
  [[ $rest == *@* ]] && rest=${rest#*@}
  echo "$scheme://$cred@$rest"
}

# Database name = last path element of a postgres:// URL (empty if none).
url_dbname() {
  local u=$1 rest path
  [[ $u == postgres://* || $u == postgresql://* ]] || return 0
  rest=${u#*://}; rest=${rest%%\?*}; rest=${rest%%#*}
  [[ $rest == */* ]] || return 0
  path=${rest#*/}
  echo "${path##*/}"
}

# Same URL pointing at the maintenance database "postgres".
url_admin() {
  local u=$1 base query="" rest
  [[ $u == *\?* ]] && query="?${u#*\?}"
  base=${u%%\?*}
  rest=${base#*://}
  if [[ $rest == */* ]]; then base="${base%/*}"; fi
  echo "$base/postgres$query"
}

# ---- create database if missing -------------------------------------------
# ensure_database URL [strict]: with strict, fail (instead of only warning)
# when we cannot log in to check; without psql nothing is checked.
ensure_database() {
  local url=$1 strict=${2:-} name admin psql exists
  name=$(url_dbname "$url")
  [[ -n $name ]] || return 0
  if [[ ! $name =~ ^[A-Za-z0-9_-]+$ ]]; then
    log "not creating database '$name' (unusual name); create it yourself if needed"
    return 0
  fi
  if ! psql=$(psql_bin); then
    if [[ ${USED_DOCKER:-0} == 1 ]]; then
      docker_compose exec -T db psql -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE DATABASE \"$name\"$(owner_clause)" >/dev/null 2>&1 || true
      return 0
    fi
    log "psql not found; not creating database $name (the app creates it on start)"
    return 0
  fi
  admin=$(url_admin "$url")
  if ! exists=$("$psql" -X -w -q -A -t -d "$admin" -c "select 1 from pg_database where datname = '$name'" 2>&1); then
    [[ -n $strict ]] && return 1
    log "could not check for database $name: $exists"
    return 0
  fi
  if [[ $exists != 1 ]]; then
    log "creating database $name"
    local out
    # A concurrent run may have created it meanwhile: "already exists" is fine.
    if ! out=$("$psql" -X -w -q -d "$admin" -c "CREATE DATABASE \"$name\"$(owner_clause)" 2>&1); then
      [[ $out == *"already exists"* ]] || log "CREATE DATABASE $name failed: $out"
    fi
  fi
}

# ---- least privilege: the owner and app roles ------------------------------
OWNER_ROLE=ankomst_owner
APP_ROLE=ankomst_app
ROLES_OK=0
owner_clause() { [[ $ROLES_OK == 1 ]] && echo " OWNER $OWNER_ROLE"; return 0; }

# run_admin_sql ADMIN_URL SQL: as the server's superuser, in database
# "postgres"; prints the result (unaligned, tuples only).
run_admin_sql() {
  local admin psql
  admin=$(url_admin "$1")
  if psql=$(psql_bin); then
    "$psql" -X -w -q -A -t -v ON_ERROR_STOP=1 -d "$admin" -c "$2"
  elif [[ ${USED_DOCKER:-0} == 1 ]]; then
    docker_compose exec -T db psql -X -q -A -t -U postgres -d postgres -v ON_ERROR_STOP=1 -c "$2"
  else
    return 1
  fi
}

# setup_roles ADMIN_URL: create both roles if missing (ROLES_OK=1 on success).
setup_roles() {
  local sql out i
  sql="DO \$\$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$OWNER_ROLE') THEN
      CREATE ROLE $OWNER_ROLE LOGIN PASSWORD '$OWNER_ROLE';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
      CREATE ROLE $APP_ROLE LOGIN PASSWORD '$APP_ROLE';
    ELSIF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
      ALTER ROLE $APP_ROLE LOGIN PASSWORD '$APP_ROLE';
    END IF;
  END \$\$;"
  for i in 1 2; do  # a concurrent run may create a role between check and create
    if out=$(run_admin_sql "$1" "$sql" 2>&1); then ROLES_OK=1; return 0; fi
  done
  log "could not create the roles $OWNER_ROLE and $APP_ROLE (${out:-no psql}); the app will use the server's user"
  return 1
}

# role_urls ADMIN_URL: prints "OWNER_URL APP_URL" for the database of ADMIN_URL.
role_urls() {
  local url=$1 name owner
  if [[ $ROLES_OK != 1 ]]; then echo "$url $url"; return 0; fi
  name=$(url_dbname "$url")
  owner=$(run_admin_sql "$url" "select pg_get_userbyid(datdba) from pg_database where datname = '$name'" 2>/dev/null || true)
  local app
  app=$(url_with_user "$url" "$APP_ROLE:$APP_ROLE")
  if [[ $owner == "$OWNER_ROLE" ]]; then
    echo "$(url_with_user "$url" "$OWNER_ROLE:$OWNER_ROLE") $app"
  else
    # Created before the roles existed: its owner keeps migrating it.
    echo "$url $app"
  fi
}

# ---- (c) private cluster ---------------------------------------------------
PG_USER_RUN=()   # prefix to run a command as the cluster owner
setup_runas() {
  PG_USER_RUN=()
  if [[ $(id -u) -ne 0 ]]; then return 0; fi
  # PostgreSQL refuses to run as root: use the postgres system user.
  if ! id postgres >/dev/null 2>&1; then
    log "creating system user postgres (initdb must not run as root)"
    if command -v useradd >/dev/null 2>&1; then
      useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin postgres 2>/dev/null ||
        useradd -r -M -s /bin/false postgres
    elif command -v adduser >/dev/null 2>&1; then
      adduser -S -D -H postgres 2>/dev/null || adduser --system --group --no-create-home postgres
    else
      die "running as root, no postgres user, and no useradd/adduser to create one"
    fi
  fi
  if command -v runuser >/dev/null 2>&1; then
    PG_USER_RUN=(runuser -u postgres --)
  elif command -v sudo >/dev/null 2>&1; then
    PG_USER_RUN=(sudo -u postgres --)
  else
    PG_USER_RUN=(su_postgres)
  fi
}
su_postgres() { su -s /bin/sh postgres -c "$(printf '%q ' "$@")"; }
as_pg() { "${PG_USER_RUN[@]}" "$@"; }

private_running() {
  [[ -f $PGDATA_DIR/postmaster.pid ]] && pg_answers 127.0.0.1 "$PRIVATE_PORT"
}

start_private() {
  find_pg_bindir || return 1
  setup_runas
  local data=$PGDATA_DIR
  mkdir -p "$DATA"

  # The socket path must fit in sun_path (~107 bytes).
  local sock=$SOCK_DIR
  if (( ${#sock} + 20 > 100 )); then
    sock="${TMPDIR:-/tmp}/ankomst-pg-$(id -u)-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
  fi
  mkdir -p "$sock"

  if [[ ${#PG_USER_RUN[@]} -gt 0 ]]; then
    # Root: the cluster belongs to postgres, who must be able to reach it.
    if [[ ! -e $data ]]; then mkdir -p "$data"; fi
    chown postgres "$sock"; chmod 0700 "$sock"
    if [[ -d $data && ! -L $data ]]; then chown postgres "$data"; chmod 0700 "$data"; fi
    if ! as_pg test -w "$(readlink -f "$data")" 2>/dev/null || ! as_pg test -w "$sock" 2>/dev/null; then
      # e.g. the clone lives in /root (mode 700): keep the cluster elsewhere
      # and leave a symlink at ./.data/pg.
      local alt
      alt="/var/tmp/ankomst-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
      log "user postgres cannot reach $DATA; keeping the cluster in $alt"
      mkdir -p "$alt/data" "$alt/run"
      chown postgres "$alt" "$alt/data" "$alt/run"; chmod 0700 "$alt/data" "$alt/run"
      if [[ -d $data && ! -L $data ]]; then rmdir "$data" 2>/dev/null || die "$data is not empty"; fi
      ln -sfn "$alt/data" "$data"
      sock="$alt/run"
    fi
  else
    mkdir -p "$data"; chmod 0700 "$data" "$sock"
  fi
  local real
  real=$(readlink -f "$data")

  if [[ ! -f $real/PG_VERSION ]]; then
    log "initdb: private cluster in $data ($("$PG_BINDIR/pg_ctl" --version))"
    local locale_opt=(--no-locale)
    if grep -qiE '^c\.utf-?8$' <<<"$(locale -a 2>/dev/null)"; then locale_opt=(--locale=C.UTF-8); fi
    as_pg "$PG_BINDIR/initdb" -D "$real" -U postgres --auth=trust -E UTF8 "${locale_opt[@]}" \
      >"$DATA/initdb.log" 2>&1 || { cat "$DATA/initdb.log" >&2; die "initdb failed (log: $DATA/initdb.log)"; }
    # A throwaway development cluster: trade durability for speed.
    as_pg sh -c "cat >> '$real/postgresql.conf'" <<EOF

# --- added by scripts/db.sh (development cluster) ---
port = $PRIVATE_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  fi

  local logf="$real/server.log"
  log "starting private PostgreSQL on 127.0.0.1:$PRIVATE_PORT"
  # 9>&-: the server must not inherit (and keep holding) the lock fd.
  if ! as_pg "$PG_BINDIR/pg_ctl" -D "$real" -l "$logf" -w -t 60 \
        -o "-p $PRIVATE_PORT -k '$sock'" start >/dev/null 9>&-; then
    tail -n 20 "$logf" >&2 2>/dev/null || true
    die "pg_ctl start failed (log: $logf)"
  fi
  pg_answers 127.0.0.1 "$PRIVATE_PORT" || die "private cluster started but does not answer on $PRIVATE_PORT"
}

start_private_once() { private_running || start_private; }

# Run "$@" holding .data/.lock (when flock exists), so that concurrent runs
# don't initdb/start the same cluster twice.
locked() {
  mkdir -p "$DATA"
  if command -v flock >/dev/null 2>&1; then
    (
      flock -w 120 9 || die "timed out waiting for $DATA/.lock"
      "$@"
    ) 9>"$DATA/.lock"
  else
    "$@"
  fi
}

stop_private() {
  local data=$PGDATA_DIR real
  if [[ ! -e $data ]]; then log "no private cluster in $data"; return 0; fi
  real=$(readlink -f "$data")
  if [[ ! -f $real/postmaster.pid ]]; then log "private cluster is not running"; return 0; fi
  find_pg_bindir || die "no pg_ctl found to stop the cluster in $data"
  setup_runas
  as_pg "$PG_BINDIR/pg_ctl" -D "$real" -m fast -w stop >&2
}

# ---- (d) docker compose ----------------------------------------------------
docker_compose() {
  if docker compose version >/dev/null 2>&1; then
    (cd "$ROOT" && docker compose "$@")
  elif command -v docker-compose >/dev/null 2>&1; then
    (cd "$ROOT" && docker-compose "$@")
  else
    return 127
  fi
}

start_docker() {
  command -v docker >/dev/null 2>&1 || return 1
  if ! pg_answers 127.0.0.1 "$DOCKER_PORT"; then
    log "starting PostgreSQL with: docker compose up -d db"
    docker_compose up -d db >&2 || die "docker compose up -d db failed (is the Docker daemon running?)"
    local i
    for ((i = 0; i < 120; i++)); do
      if docker_compose exec -T db pg_isready -q -U postgres >/dev/null 2>&1 &&
         pg_answers 127.0.0.1 "$DOCKER_PORT"; then
        break
      fi
      sleep 0.5
    done
    pg_answers 127.0.0.1 "$DOCKER_PORT" || die "compose db did not become ready on 127.0.0.1:$DOCKER_PORT"
  fi
  USED_DOCKER=1
}

# ---- main ------------------------------------------------------------------
# Prints "ADMIN_URL OWNER_URL APP_URL" for database $1 after making sure its
# server, the roles and the database exist.
resolve() {
  local name=$1 url
  USED_DOCKER=0

  # (a) explicit DATABASE_URL (unless it is one we exported ourselves)
  if [[ -n ${DATABASE_URL:-} && ${DATABASE_URL} != "${ANKOMST_DB_AUTO_URL:-}" ]]; then
    ensure_database "$DATABASE_URL"
    echo "$DATABASE_URL ${ANKOMST_OWNER_URL:-$DATABASE_URL} $DATABASE_URL"; return 0
  fi

  # (b) a server on localhost:5432
  if [[ $MODE == auto || $MODE == system ]]; then
    url=$(url_for "$PROBE_PORT" "$name")
    if pg_answers 127.0.0.1 "$PROBE_PORT"; then
      if ensure_database "$(url_for "$PROBE_PORT" postgres)" strict; then
        setup_roles "$url" || true
        ensure_database "$url"
        echo "$url $(role_urls "$url")"; return 0
      fi
      log "a PostgreSQL answers on 127.0.0.1:$PROBE_PORT but user postgres cannot log in without a password; set DATABASE_URL to use it"
    fi
    [[ $MODE == system ]] && die "no PostgreSQL usable on 127.0.0.1:$PROBE_PORT"
  fi

  # (c) private cluster from local binaries
  if [[ $MODE == auto || $MODE == private ]]; then
    url=$(url_for "$PRIVATE_PORT" "$name")
    if private_running || { find_pg_bindir && { locked start_private_once || exit 1; }; }; then
      setup_roles "$url" || true
      ensure_database "$url"; echo "$url $(role_urls "$url")"; return 0
    fi
    [[ $MODE == private ]] && die "no PostgreSQL server binaries (initdb, pg_ctl) found"
  fi

  # (d) docker compose
  if [[ $MODE == auto || $MODE == docker ]]; then
    url=$(url_for "$DOCKER_PORT" "$name")
    if start_docker; then
      setup_roles "$url" || true
      ensure_database "$url"; echo "$url $(role_urls "$url")"; return 0
    fi
  fi

  die "no PostgreSQL found. Install PostgreSQL (server binaries, e.g. apt-get install postgresql) or Docker, or set DATABASE_URL."
}

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

cmd=${1:-env}
case $cmd in
  env)
    read -r admin owner app < <(resolve "${2:-ankomst}") || exit 1
    [[ -n ${app:-} ]] || exit 1
    printf "export DATABASE_URL='%s'\nexport ANKOMST_OWNER_URL='%s'\nexport ANKOMST_ADMIN_URL='%s'\nexport ANKOMST_DB_AUTO_URL='%s'\n" \
      "$app" "$owner" "$admin" \
      "$([[ $app == "${DATABASE_URL:-}" && $app != "${ANKOMST_DB_AUTO_URL:-}" ]] || echo "$app")"
    ;;
  url)
    read -r admin owner app < <(resolve "${2:-ankomst}") || exit 1
    [[ -n ${admin:-} ]] || exit 1
    echo "$admin"
    ;;
  status)
    if [[ -n ${DATABASE_URL:-} && ${DATABASE_URL} != "${ANKOMST_DB_AUTO_URL:-}" ]]; then echo "DATABASE_URL: $DATABASE_URL"; fi
    if pg_answers 127.0.0.1 "$PROBE_PORT"; then echo "system: 127.0.0.1:$PROBE_PORT answers"; else echo "system: nothing on 127.0.0.1:$PROBE_PORT"; fi
    if [[ -e $PGDATA_DIR ]]; then
      if private_running; then echo "private: running on 127.0.0.1:$PRIVATE_PORT ($PGDATA_DIR)"; else echo "private: stopped ($PGDATA_DIR)"; fi
    else echo "private: none"; fi
    if pg_answers 127.0.0.1 "$DOCKER_PORT"; then echo "docker: 127.0.0.1:$DOCKER_PORT answers"; else echo "docker: not answering on $DOCKER_PORT"; fi
    ;;
  stop)
    stop_private
    ;;
  -h|--help|help)
    usage
    ;;
  *)
    # `scripts/db.sh NAME` is the same as `scripts/db.sh env NAME`
    if [[ $cmd =~ ^[A-Za-z0-9_-]+$ ]]; then exec bash "${BASH_SOURCE[0]}" env "$cmd"; fi
    usage; exit 2
    ;;
esac
