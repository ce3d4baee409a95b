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

# ---- a streaming replica for failover tests (tests/http/test_serve_failover.sh) ----
# pg_replica_start: a replica of pg_start's cluster made with pg_basebackup -R, streaming over the
# primary's unix socket, with its own socket directory (RSOCK) and synchronous replication (the
# primary's commits wait until the replica has flushed them: nothing acknowledged is lost when the
# primary goes). Sets RSOCK and PGURL2 (both hosts, target_session_attrs=read-write: libpq uses
# whichever host accepts writes). pg_promote promotes the replica (waits until it accepts writes);
# pg_replica_cleanup stops and removes it (call it from the EXIT trap before pg_cleanup).
PGREPL=""
RSOCK=""

pg_replica_start() {
  PGREPL=$PGDIR/replica
  RSOCK=$PGDIR/rsock
  mkdir -p "$RSOCK"
  [ "$(id -u)" = 0 ] && chown postgres "$RSOCK"
  { echo "local replication all trust"; cat "$PGDIR/data/pg_hba.conf"; } >"$PGDIR/hba.new"
  mv "$PGDIR/hba.new" "$PGDIR/data/pg_hba.conf"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR/data/pg_hba.conf"
  pg_as "$PG_BIN/pg_ctl" -D "$PGDIR/data" reload >/dev/null || fail "cannot reload the primary"
  pg_as "$PG_BIN/pg_basebackup" -h "$PGSOCK" -U xgate -D "$PGREPL" -R -X stream -c fast \
    >"$PGDIR/basebackup.log" 2>&1 || { cat "$PGDIR/basebackup.log" >&2; fail "pg_basebackup failed"; }
  echo "primary_conninfo = 'host=$PGSOCK user=xgate application_name=replica1'" \
    >>"$PGREPL/postgresql.auto.conf"
  pg_as "$PG_BIN/pg_ctl" -D "$PGREPL" -l "$PGDIR/replica.log" -w -t 60 \
    -o "-k $RSOCK -c listen_addresses='' -c max_connections=200" start >/dev/null ||
    { cat "$PGDIR/replica.log" >&2; fail "the replica did not start"; }
  # Synchronous only now: the replica's copy of the configuration must not wait for a standby
  # of its own once promoted.
  psql_q postgres "ALTER SYSTEM SET synchronous_standby_names = 'replica1'" >/dev/null
  pg_as "$PG_BIN/pg_ctl" -D "$PGDIR/data" reload >/dev/null || fail "cannot reload the primary"
  local n=0
  until [ "$(psql_q postgres "SELECT sync_state FROM pg_stat_replication")" = sync ]; do
    n=$((n + 1))
    [ "$n" -lt 600 ] || fail "the replica did not become a synchronous standby"
    sleep 0.1
  done
  PGURL2="postgresql:///xgate?host=$PGSOCK,$RSOCK&user=xgate&target_session_attrs=read-write"
}

pg_promote() {
  pg_as "$PG_BIN/pg_ctl" -D "$PGREPL" -w -t 60 promote >/dev/null || fail "the replica did not promote"
}

# psql_r DB SQL: one query on the replica (or the promoted replica).
psql_r() {
  pg_as "$PG_BIN/psql" -h "$RSOCK" -U xgate -d "$1" -qAt -v ON_ERROR_STOP=1 -c "$2"
}

pg_replica_cleanup() {
  if [ -n "$PGREPL" ] && [ -d "$PGREPL" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PGREPL" -m immediate stop >/dev/null 2>&1 || true
  fi
}
