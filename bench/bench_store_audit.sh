#!/usr/bin/env bash
# Audit-chain verification at scale (bench/run store_audit): `xgate audit verify` over a chain of
# ROWS decisions (default 1,000,000) on SQLite and on PostgreSQL (a private server started here, as
# tests/lib_pg.sh does), timed with GNU time: wall, CPU (user + system) and the peak RSS of the
# xgate process. The chain is filled first by `bench_store fill` (bench/bench_store.c: the public
# batch API, 1000 decisions a transaction). SMALL (default ROWS/10) repeats the verify over a chain
# a tenth as long: the same peak RSS at both lengths is what "bounded memory" means. Prints
# Markdown (bench/results/store_audit.md, assembled right after the store section).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=${ROWS:-1000000}
SMALL=${SMALL:-$((ROWS / 10))}
[ -x /usr/bin/time ] || { echo "bench_store_audit: needs GNU time (apt-get install time)" >&2; exit 1; }
[ -f build/libxgate-internal.a ] && [ -x build/xgate ] || make -s -j2 build/xgate build/libxgate-internal.a >/dev/null
TMP=$(mktemp -d /var/tmp/xg-bench-audit.XXXXXX)
fail() { echo "bench_store_audit: $*" >&2; exit 1; }
. tests/lib_pg.sh
W=$TMP
PK="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip libcurl"
cc -std=c11 -D_GNU_SOURCE -O2 -I"$ROOT/include" -I"$ROOT/src" $(pkg-config --cflags $PK) bench/bench_store.c \
  "$ROOT/build/libxgate-internal.a" -o "$W/drv" $(pkg-config --libs $PK) -lcivetweb -lpthread -lm -ldl
pg_start
v() { grep "^$1=" "$2" | cut -d= -f2; }
# gt KEY FILE: one figure of GNU time's -v report
gt() { grep -F "$1" "$2" | sed 's/.*: //'; }
rows=""
for backend in sqlite postgresql; do
  for n in "$SMALL" "$ROWS"; do
    if [ "$backend" = sqlite ]; then url="sqlite:$W/a-$n.db"; else url=$(pg_db "a_$n"); fi
    echo "bench_store_audit: $backend filling $n rows" >&2
    "$W/drv" fill "$url" "$n" >"$W/fill.txt"
    echo "bench_store_audit: $backend verifying $n rows" >&2
    /usr/bin/time -v -o "$W/time.txt" build/xgate audit verify --db "$url" --json >"$W/verify.json"
    ok=$(jq -r .ok "$W/verify.json"); got=$(jq -r .rows "$W/verify.json")
    [ "$ok" = true ] && [ "$got" = "$n" ] || fail "$backend: verify of $n rows said ok=$ok rows=$got"
    wall=$(gt "Elapsed (wall clock)" "$W/time.txt")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u + s}' "$W/time.txt")
    rss=$(( $(gt "Maximum resident set size" "$W/time.txt") / 1024 ))
    rows+="| $backend | $n | $(v per_s "$W/fill.txt") | $wall | $cpu | $rss |"$'\n'
    [ "$backend" = sqlite ] && rm -f "$W/a-$n.db"*
  done
done
cat <<MD
## Audit chain verification at 1M rows (SQLite and PostgreSQL)

Command: \`ROWS=$ROWS bench/run store_audit\` — \`bench_store fill\` appends ROWS decisions through
\`xg_store_decisions_record_batch\` (1000 a transaction, two threads), then \`build/xgate audit verify
--json\` walks the whole chain (every audit row, the decision it records re-hashed, the head, and
the check that no decision, review or alert event lacks an audit entry), timed by GNU time. The
verify reads the chain through a cursor (PostgreSQL) or a stepped statement (SQLite): peak RSS
at $SMALL and at $ROWS rows shows whether memory stays bounded. SQLite: WAL; PostgreSQL 15 (Debian),
a private server on a unix socket, default settings. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), disk $(df -h "$W" | awk 'NR==2 {print $1}'). Date: $(date -u +%Y-%m-%d). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (shared with other jobs).

| backend | chain rows | fill decisions/s | verify wall (m:ss) | verify CPU s | verify peak RSS MiB |
|---|---|---|---|---|---|
$rows
MD
