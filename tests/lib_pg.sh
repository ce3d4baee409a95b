# A throwaway PostgreSQL for a test: source after tests/lib.sh, then call pg_start. It runs
# Debian's PostgreSQL 15 binaries (initdb into a temporary directory, a unix socket in that
# directory, no TCP listener), as the `postgres` user when the test runs as root (PostgreSQL
# refuses to run as root). pg_start sets:
#   PGURL      postgresql:///xgate?host=DIR&user=xgate  (a fresh database "xgate", trust auth)
#   PGSOCK     the socket directory
# and arranges for the cluster to be stopped and removed when the script exits, even on failure.
# pg_db NAME creates another database and prints its URL. pg_stop / pg_restart stop and start the
# server mid-test (data kept). A role "locked" with password "right" is the only one that needs a
# password (for the wrong-credentials tests). XGATE_PG_OPTS adds server options (e.g. "-c fsync=off"
# for the suites that only need a store on PostgreSQL, not one that survives a machine crash).
# PostgreSQL is part of the test set (scripts/bootstrap test): a missing installation fails the test
# with the command that installs it, never a silent skip.
PG_BIN=${XGATE_PG_BIN:-/usr/lib/postgresql/15/bin}
PGDIR=""

pg_available() { [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; }

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_cleanup() {
  if [ -n "$PGDIR" ] && [ -d "$PGDIR" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
  fi
  rm -rf "$TMP"
}

pg_start() {
  pg_available || fail "PostgreSQL binaries not found under $PG_BIN (scripts/bootstrap test installs them)"
  PGDIR=$(mktemp -d /tmp/xgpg.XXXXXX)
  trap pg_cleanup EXIT
  chmod 755 "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
  pg_as "$PG_BIN/initdb" -D "$PGDIR/data" -U xgate --no-locale -E UTF8 -A trust \
    >"$PGDIR/initdb.log" 2>&1 || { cat "$PGDIR/initdb.log" >&2; fail "initdb failed"; }
  { echo "local all locked scram-sha-256"; echo "local all all trust"; } >"$PGDIR/data/pg_hba.conf"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR/data/pg_hba.conf"
  PGSOCK=$PGDIR
  pg_restart
  pg_as "$PG_BIN/psql" -h "$PGSOCK" -U xgate -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE xgate" -c "CREATE ROLE locked LOGIN PASSWORD 'right'" >/dev/null ||
    fail "cannot create the test database"
  PGURL="postgresql:///xgate?host=$PGSOCK&user=xgate"
}

# Start (again) the server of the cluster pg_start made; waits until it accepts connections.
pg_restart() {
  pg_as "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-k $PGDIR -c listen_addresses='' -c max_connections=200 ${XGATE_PG_OPTS:-}" start >/dev/null ||
    { cat "$PGDIR/server.log" >&2; fail "PostgreSQL did not start (waited for pg_ctl -w)"; }
}

pg_stop() {
  pg_as "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m "${1:-fast}" -w stop >/dev/null ||
    fail "PostgreSQL did not stop"
}

pg_db() {
  pg_as "$PG_BIN/psql" -h "$PGSOCK" -U xgate -d postgres -qAt -c "CREATE DATABASE $1" >/dev/null ||
    fail "cannot create database $1"
  echo "postgresql:///$1?host=$PGSOCK&user=xgate"
}

# psql_q DB SQL: one query's rows, unaligned.
psql_q() {
  pg_as "$PG_BIN/psql" -h "$PGSOCK" -U xgate -d "$1" -qAt -v ON_ERROR_STOP=1 -c "$2"
}
