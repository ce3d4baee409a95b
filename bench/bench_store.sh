#!/usr/bin/env bash
# Store benchmark (bench/run store): durable decisions/s and p99 latency with 1, 8 and 64
# concurrent writers, SQLite and PostgreSQL (a private server started here, as tests/lib_pg.sh
# does), each without group commit (every decision its own COMMIT, as before) and with it.
# Env: TOTAL (decisions per cell, default 2000). Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOTAL=${TOTAL:-2000}
[ -f build/libxgate-internal.a ] || make -s build/libxgate-internal.a >/dev/null
TMP=$(mktemp -d /var/tmp/xg-bench-store.XXXXXX)
fail() { echo "bench_store: $*" >&2; exit 1; }
. tests/lib_pg.sh
W=$TMP
PK="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip libcurl"
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc $(pkg-config --cflags $PK) bench/bench_store.c \
   build/libxgate-internal.a -o "$W/drv" $(pkg-config --libs $PK) -lcivetweb -lpthread -lm -ldl
pg_start
v() { grep "^$1=" "$2" | cut -d= -f2; }
rows=""
for backend in sqlite postgresql; do
  for gc in 0 1; do
    for t in 1 8 64; do
      if [ "$backend" = sqlite ]; then url="sqlite:$W/s-$gc-$t.db"; else url=$(pg_db "b_${gc}_$t"); fi
      echo "bench_store: $backend group=$gc threads=$t" >&2
      "$W/drv" "$url" "$t" "$TOTAL" "$gc" >"$W/r.txt"
      rows+="| $backend | $([ $gc = 1 ] && echo with || echo without) | $t | $(v per_s "$W/r.txt") | $(v p50_ms "$W/r.txt") | $(v p99_ms "$W/r.txt") | $(v batches "$W/r.txt") |"$'\n'
    done
  done
done
cat <<MD
## Durable decisions through the store (group commit, SQLite and PostgreSQL)

Command: \`bench/run store\` (TOTAL=$TOTAL decisions per row) — driver \`bench/bench_store.c\`: THREADS
threads call \`xg_store_decision_record\` (decision row, access record, audit-chain entry, one durable
COMMIT per transaction) on one store handle, as the HTTP server's worker threads do. SQLite: WAL,
synchronous=FULL. PostgreSQL 15 (Debian), a private server on a unix socket, default
synchronous_commit=on, fsync on. "without" = every decision commits alone (the behaviour before group
commit); "with" = concurrent decisions share a transaction. The engine is not run (see the decide
section for its cost). Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), disk $(df -h "$W" | awk 'NR==2 {print $1}'). Date: $(date -u +%Y-%m-%d). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (shared with other jobs).

| backend | group commit | threads | decisions/s | p50 ms | p99 ms | transactions |
|---|---|---|---|---|---|---|
$rows
MD
