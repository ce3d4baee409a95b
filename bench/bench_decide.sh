#!/usr/bin/env bash
# Decision benchmark (bench/run decide): decisions per second and latency percentiles on one
# thread with the durable SQLite store (WAL, synchronous=FULL: every decision is an fsync'd
# commit), beside the same requests decided without a store (the engine alone: validation,
# classification, screening of every party, ownership, rules) — the peer that shows what
# durability costs. Then `audit verify` over a chain grown to ROWS entries (default 1,000,000)
# by cloning real decisions through the store's own append code.
# Env: N (decisions per run, default 2000), ROWS (default 1000000). Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-2000}
ROWS=${ROWS:-1000000}
export XGATE_DATA=$ROOT/data
[ -f build/libxgate-internal.a ] && [ -x build/xgate ] || make -s build/xgate build/libxgate-internal.a >/dev/null
W=$(mktemp -d /var/tmp/xg-bench-decide.XXXXXX)
trap 'rm -rf "$W"' EXIT
PK="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip libcurl"
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc $(pkg-config --cflags $PK) bench/bench_decide.c \
   build/libxgate-internal.a -o "$W/drv" $(pkg-config --libs $PK) -lcivetweb -lpthread -lm -ldl
echo "bench_decide: $N decisions (durable, then dry run)" >&2
"$W/drv" decide tests/decide "$N" "$W/d.db" >"$W/decide.txt"
echo "bench_decide: growing the chain to $ROWS rows" >&2
"$W/drv" grow "$W/d.db" "$ROWS" >"$W/grow.txt"
echo "bench_decide: audit verify" >&2
"$W/drv" verify "$W/d.db" >"$W/verify.txt"
sync
"$ROOT/build/xgate" audit verify --db "sqlite:$W/d.db" >"$W/cli_verify.txt"
v() { grep "^$1=" "$W"/*.txt | head -1 | cut -d= -f2; }
dbsize=$(du -h "$W/d.db" | cut -f1)
cat <<MD
## Decisions (\`xgate decide\`, SQLite store)

Command: \`bench/run decide\` (N=$N, ROWS=$ROWS) — driver \`bench/bench_decide.c\` linked against
\`build/libxgate-internal.a\`; requests: the $(v fixtures) scenario fixtures in \`tests/decide/\` in turn
(every party screened against the bundled lists, resource classified, ownership walked).
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(df -h "$W" | awk 'NR==2 {print $1}') disk. Date: $(date -u +%Y-%m-%d).

| one thread | decisions/s | p50 ms | p99 ms | max ms | CPU ms per decision |
|---|---|---|---|---|---|
| durable: decision + audit entry committed (WAL, synchronous=FULL) | $(v durable_per_s) | $(v durable_p50_ms) | $(v durable_p99_ms) | $(v durable_max_ms) | $(v durable_cpu_ms) |
| peer: same requests, no store (engine only) | $(v dryrun_per_s) | $(v dryrun_p50_ms) | $(v dryrun_p99_ms) | $(v dryrun_max_ms) | $(v dryrun_cpu_ms) |

Start-up (name data, lists snapshot, catalog, policy, store): $(v load_s) s.

| audit chain | rows | time |
|---|---|---|
| grow to ROWS (cloned decisions, 10,000 per transaction) | $(v grow_rows) | $(v grow_s) s |
| \`xg_store_audit_verify\` (rebuilds every payload from its row, SHA-256 chain, head, unchained rows) | $(v verify_rows) (ok=$(v verify_ok)) | $(v verify_s) s wall, $(v verify_cpu_s) s CPU |
| \`xgate audit verify\` (CLI) | | $(sed -n 's/.*verified in \(.*\) s/\1 s/p' "$W/cli_verify.txt") |

Database size at ROWS: $dbsize. Load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg) on
$(nproc) cores shared with other jobs, so wall times above CPU times are time spent waiting for a core. The durable rate is bound by fsync on this disk, not by the engine;
the dry-run row is the engine's own cost.
MD
