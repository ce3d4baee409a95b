#!/usr/bin/env bash
# Store benchmark (bench/run store): durable decisions/s and p99 latency with 1, 8 and 64
# concurrent writers, SQLite and PostgreSQL (a private server started here, as tests/lib_pg.sh
# does), each without group commit (every decision its own COMMIT, as before) and with it.
# Env: TOTAL (decisions per cell, default 2000); BASELINE=REV (a git revision) adds rows "with
# group commit" for the store of REV, built from `git archive REV` in a temporary directory and run
# in the same session, interleaved with this tree's rows. BACKENDS (default "sqlite postgresql")
# limits the run to some backends. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOTAL=${TOTAL:-2000}
BASELINE=${BASELINE:-}
BACKENDS=${BACKENDS:-sqlite postgresql}
[ -f build/libxgate-internal.a ] || make -s build/libxgate-internal.a >/dev/null
TMP=$(mktemp -d /var/tmp/xg-bench-store.XXXXXX)
fail() { echo "bench_store: $*" >&2; exit 1; }
. tests/lib_pg.sh
W=$TMP
PK="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip libcurl"
# drv OUT TREE: the driver (this tree's bench/bench_store.c) against TREE's headers and library.
drv() {
  cc -std=c11 -D_GNU_SOURCE -O2 -I"$2/include" -I"$2/src" $(pkg-config --cflags $PK) bench/bench_store.c \
     "$2/build/libxgate-internal.a" -o "$1" $(pkg-config --libs $PK) -lcivetweb -lpthread -lm -ldl
}
drv "$W/drv" "$ROOT"
variants="new"
if [ -n "$BASELINE" ]; then
  rev=$(git rev-parse --short "$BASELINE")
  mkdir "$W/base"
  git archive "$BASELINE" | tar -x -C "$W/base"
  echo "bench_store: building the baseline $rev" >&2
  make -C "$W/base" -s -j"$(nproc)" build/libxgate-internal.a >/dev/null
  drv "$W/drv-base" "$W/base"
  variants="base new"
fi
pg_start
v() { grep "^$1=" "$2" | cut -d= -f2; }
rows=""
for backend in $BACKENDS; do
  for t in 1 8 64; do
    for cell in without $variants; do
      gc=1; bin="$W/drv"; label="with"
      [ "$cell" = without ] && gc=0 && label="without"
      [ "$cell" = base ] && bin="$W/drv-base" && label="with, baseline $rev"
      [ "$cell" = new ] && [ -n "$BASELINE" ] && label="with, this tree"
      name="${cell}_$t"
      if [ "$backend" = sqlite ]; then url="sqlite:$W/s-$name.db"; else url=$(pg_db "b_$name"); fi
      echo "bench_store: $backend $label threads=$t" >&2
      "$bin" "$url" "$t" "$TOTAL" "$gc" >"$W/r.txt"
      rows+="| $backend | $label | $t | $(v per_s "$W/r.txt") | $(v p50_ms "$W/r.txt") | $(v p99_ms "$W/r.txt") | $(v batches "$W/r.txt") |"$'\n'
    done
  done
done
cat <<MD
## Durable decisions through the store (group commit, SQLite and PostgreSQL)

Command: \`${BASELINE:+BASELINE=$BASELINE }TOTAL=$TOTAL BACKENDS="$BACKENDS" bench/run store\` — driver \`bench/bench_store.c\`: THREADS
threads call \`xg_store_decision_record\` (decision row, access record, audit-chain entry, one durable
COMMIT per transaction) on one store handle, as the HTTP server's worker threads do. SQLite: WAL,
synchronous=FULL. PostgreSQL 15 (Debian), a private server on a unix socket, default
synchronous_commit=on, fsync on. "without" = every decision commits alone (the behaviour before group
commit); "with" = concurrent decisions share a transaction${BASELINE:+ ("baseline $rev": the store of that revision, built and run in the same session)}. The engine is not run (see the decide
section for its cost). Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), disk $(df -h "$W" | awk 'NR==2 {print $1}'). Date: $(date -u +%Y-%m-%d). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (shared with other jobs).

| backend | group commit | threads | decisions/s | p50 ms | p99 ms | transactions |
|---|---|---|---|---|---|---|
$rows
MD
