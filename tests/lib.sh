# Assertions for shell tests that run the real xgate binary. Source it; every helper fails the
# script (exit 1) with a message on a false assertion.
set -u
X=${XGATE_BIN:?XGATE_BIN must name the xgate binary}
SHARED=${XGATE_SHARED:?}
TMP=$(mktemp -d)
trap 'db_cleanup; rm -rf "$TMP"' EXIT
# Compiled snapshot files go to a directory of this script's (never ~/.cache) unless the caller
# chose one (make sets build/snapshots); a test that needs a cold start names its own.
export XGATE_SNAPSHOT_DIR=${XGATE_SNAPSHOT_DIR:-$TMP/snapshots}

fail() { echo "ASSERTION FAILED: $*" >&2; exit 1; }

# run CMD…: runs it, keeps stdout in $OUT, stderr in $ERR and the exit code in $RC.
run() {
  set +e
  "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
  # A sanitizer report is always a failure, whatever the exit code.
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TMP/err"; then
    echo "$ERR" >&2; fail "sanitizer report from: $*"
  fi
}
assert_rc() { [ "$RC" -eq "$1" ] || fail "exit code $RC, expected $1 (stderr: ${ERR:0:500})"; }
assert_rc_nonzero() { [ "$RC" -ne 0 ] || fail "exit code 0, expected non-zero"; }
assert_out_contains() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks '$1': ${OUT:0:800}"; }
assert_out_lacks() { ! grep -qF -- "$1" <<<"$OUT" || fail "stdout has '$1'"; }
assert_err_contains() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks '$1': ${ERR:0:800}"; }
# assert_json EXPR: python3 expression over `d` (the parsed stdout, or a list for JSONL) is true.
assert_json() {
  python3 - "$1" <<PYEOF || fail "JSON assertion '$1' on: ${OUT:0:800}"
import json, sys
raw = open("$TMP/out", encoding="utf-8").read()
try:
    d = json.loads(raw)
except ValueError:
    d = [json.loads(l) for l in raw.splitlines() if l.strip()]
sys.exit(0 if eval(sys.argv[1]) else 1)
PYEOF
}

# ---- the store a test writes, on either backend
# A test names each store through xg_db and inspects it through db_query, never through a file
# path, so the same script runs on SQLite (the default: a file in $TMP) and on PostgreSQL
# (XGATE_TEST_DB=pg, set by tests/cli/test_on_pg.sh together with XGATE_TEST_PGSOCK, the socket
# directory of the private server it started: each store is a database of its own there, named
# after the script's process, dropped when the script exits).
XG_TEST_DB=${XGATE_TEST_DB:-sqlite}
XG_PSQL=${XGATE_PG_BIN:-/usr/lib/postgresql/15/bin}/psql
if [ "$XG_TEST_DB" = pg ]; then
  [ -n "${XGATE_TEST_PGSOCK:-}" ] || fail "XGATE_TEST_DB=pg needs XGATE_TEST_PGSOCK (tests/cli/test_on_pg.sh)"
elif [ "$XG_TEST_DB" != sqlite ]; then
  fail "XGATE_TEST_DB must be sqlite or pg, not $XG_TEST_DB"
fi
XG_DB_PREFIX=t$$_

db_pg_name() { echo "$XG_DB_PREFIX$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_'; }
db_psql() { # db_psql DATABASE SQL
  "$XG_PSQL" -h "$XGATE_TEST_PGSOCK" -U xgate -d "$1" -qAt -v ON_ERROR_STOP=1 -c "$2"
}

# xg_db NAME: the --db URL of store NAME (created empty on PostgreSQL on first use; xgate migrates it).
xg_db() {
  if [ "$XG_TEST_DB" = sqlite ]; then
    echo "sqlite:$TMP/$1.db"
    return
  fi
  local n
  n=$(db_pg_name "$1")
  if [ -z "$(db_psql postgres "SELECT 1 FROM pg_database WHERE datname = '$n'")" ]; then
    db_psql postgres "CREATE DATABASE $n" >/dev/null || fail "cannot create database $n"
  fi
  echo "postgresql:///$n?host=$XGATE_TEST_PGSOCK&user=xgate"
}

# db_query NAME SQL: rows of SQL on store NAME, columns separated by | (sqlite3 or psql -At).
db_query() {
  if [ "$XG_TEST_DB" = sqlite ]; then
    sqlite3 "$TMP/$1.db" "$2"
  else
    db_psql "$(db_pg_name "$1")" "$2"
  fi
}

# db_copy FROM TO: store TO becomes a copy of store FROM (no process may have FROM open).
db_copy() {
  db_drop "$2"
  if [ "$XG_TEST_DB" = sqlite ]; then
    sqlite3 "$TMP/$1.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$TMP/$1.db" "$TMP/$2.db"
  else
    db_psql postgres "CREATE DATABASE $(db_pg_name "$2") TEMPLATE $(db_pg_name "$1")" >/dev/null ||
      fail "cannot copy store $1 to $2"
  fi
}

# db_drop NAME: store NAME is gone (the next xg_db NAME starts empty).
db_drop() {
  if [ "$XG_TEST_DB" = sqlite ]; then
    rm -f "$TMP/$1.db" "$TMP/$1.db-wal" "$TMP/$1.db-shm"
  else
    db_psql postgres "DROP DATABASE IF EXISTS $(db_pg_name "$1") WITH (FORCE)" >/dev/null
  fi
}

# At exit (lib.sh's trap): drop this script's PostgreSQL databases; SQLite files go with $TMP.
db_cleanup() {
  [ "$XG_TEST_DB" = pg ] || return 0
  local n
  for n in $(db_psql postgres "SELECT datname FROM pg_database WHERE datname LIKE '$XG_DB_PREFIX%'" 2>/dev/null); do
    db_psql postgres "DROP DATABASE IF EXISTS $n WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
