#!/usr/bin/env bash
# Durable decisions over HTTP with one and three nodes (bench/run nodes, issue 11): wrk POSTs
# /v1/decide with 1, 8 and 64 concurrent clients (connections) against
#   (a) one `xgate serve` node on SQLite (a fresh file),
#   (b) one node on PostgreSQL (a private server started here as tests/lib_pg.sh does: Debian's
#       PostgreSQL 15, unix socket, fsync on, synchronous_commit on),
#   (c) three nodes on that same PostgreSQL behind HAProxy on loopback (examples/haproxy/xgate.cfg
#       with loopback ports put in, as tests/http/test_serve_nodes.sh runs it),
# all in one run, each cell on a fresh database with a freshly started node (or nodes). The server
# always uses group commit (no switch in `xgate serve`); bench/run store measures the store with
# and without it. After each cell the nodes are stopped (SIGTERM: requests in flight finish) and
# the cell is checked: every decision id wrk received in a 2xx answer is in the store exactly once
# (none missing), the store holds at most one more decision per client than were acknowledged
# (requests still in flight when wrk stopped, committed but never answered), and
# `xgate audit verify` passes. A failed check fails the bench (the table is kept in bench/out/nodes).
# Env: DURATION (s per cell, default 10), CLIENTS (default "1 8 64"), SRV_THREADS (serve --threads,
#      default 96: above the largest client count, civetweb holds a worker per keep-alive connection),
#      NOGC_BIN (optional: an xgate binary without group commit, e.g. one built from a revision
#      before it; adds SQLite rows for it in the same run), NOGC_DATA (its data/ directory, which
#      must match that binary: default the data/ beside its build/ directory), NOGC_LABEL (its name in the table).
#      BEFORE_BIN (optional: another xgate binary, e.g. one built from main before a change; adds
#      rows for it in every setup, SQLite, PostgreSQL one node and three nodes, in the same run),
#      BEFORE_DATA (its data/ directory, default the data/ beside its build/ directory), BEFORE_LABEL.
#      PG_STATS=1: load pg_stat_statements (track_planning on) in the private server and write each
#      PostgreSQL row's statements (calls, total plan and execution time, WAL bytes) to
#      bench/out/nodes/pgss-<row>.txt.
#      NAMES (default 1): how many customer names the requests rotate over. 1 sends the one name
#      below every time (after the first request every screening is a cache hit: the cache's best
#      case). N > 1 builds N request bodies differing only in customer.name — the 81 real
#      organisations on none of the lists (data/oracles/non_listed_orgs.txt under XGATE_SHARED,
#      default /work/shared), at most half of N, then entity names of the bundled OFAC SDN list
#      (data/lists/ofac_sdn_2021-07/sdn.csv, evenly spaced) — and each wrk thread walks them in turn
#      from its own offset, so a name comes back only after N requests.
#      E.g. the store before group commit: git archive 538cbd6^ | tar -x -C DIR; make -C DIR build/xgate;
#      NOGC_BIN=DIR/build/xgate NOGC_LABEL="80accb7, before group commit" bench/run nodes
# Uses build/xgate (make), wrk and HAProxy (scripts/bootstrap bench). Prints Markdown on stdout,
# progress on stderr. Every node, HAProxy and PostgreSQL started here is stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
X=$ROOT/build/xgate
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-1 8 64}
SRV_THREADS=${SRV_THREADS:-96}
NOGC_BIN=${NOGC_BIN:-}
NAMES=${NAMES:-1}
XGATE_SHARED=${XGATE_SHARED:-/work/shared}
fail() { echo "bench_nodes: $*" >&2; exit 1; }
log() { echo "bench_nodes: $*" >&2; }
[[ "$NAMES" =~ ^[1-9][0-9]*$ ]] || fail "NAMES=$NAMES is not a positive count"
command -v wrk >/dev/null || fail "wrk is missing (scripts/bootstrap bench)"
command -v haproxy >/dev/null || fail "haproxy is missing (scripts/bootstrap test)"
command -v sqlite3 >/dev/null || fail "sqlite3 is missing (scripts/bootstrap test)"
[ -x "$X" ] || fail "build/xgate is missing (make)"
[ -z "$NOGC_BIN" ] || [ -x "$NOGC_BIN" ] || fail "NOGC_BIN=$NOGC_BIN is not an executable"
NOGC_DATA=${NOGC_DATA:-$(dirname "${NOGC_BIN:-.}")/../data}
[ -z "$NOGC_BIN" ] || [ -d "$NOGC_DATA" ] || fail "NOGC_DATA=$NOGC_DATA is not a directory"
BEFORE_BIN=${BEFORE_BIN:-}
[ -z "$BEFORE_BIN" ] || [ -x "$BEFORE_BIN" ] || fail "BEFORE_BIN=$BEFORE_BIN is not an executable"
BEFORE_DATA=${BEFORE_DATA:-$(dirname "${BEFORE_BIN:-.}")/../data}
[ -z "$BEFORE_BIN" ] || [ -d "$BEFORE_DATA" ] || fail "BEFORE_DATA=$BEFORE_DATA is not a directory"
# data_of BIN: the data/ directory that goes with a binary other than this tree's
data_of() { if [ "$1" = "$BEFORE_BIN" ]; then echo "$BEFORE_DATA"; else echo "$NOGC_DATA"; fi; }
# xg BIN ARGS…: run this tree's binary, or NOGC_BIN with its own data/ directory.
# (env, not a shell function, so that a backgrounded node's $! is the xgate process itself.)
xg() { if [ "$1" = "$X" ]; then "$@"; else env XGATE_DATA="$(data_of "$1")" "$@"; fi; }

OUT=$ROOT/bench/out/nodes
rm -rf "$OUT"
mkdir -p "$OUT"
TMP=$(mktemp -d /var/tmp/xg-bench-nodes.XXXXXX)
. tests/lib_pg.sh
PG_STATS=${PG_STATS:-}
[ -z "$PG_STATS" ] || export XGATE_PG_OPTS="${XGATE_PG_OPTS:-} -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"

PIDS=()
stop_all() { # SIGTERM every node and HAProxy started here, then wait for each
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
# pg_start installs its own EXIT trap (pg_cleanup); ours, set right after it, does both.
trap 'exit 130' INT TERM HUP
pg_start
trap 'stop_all; pg_cleanup' EXIT
export XGATE_STATE_DIR="$TMP/state"

NODE_PIDS=()
# node_cpu: CPU time (user + system, clock ticks) of the running nodes so far
node_cpu() { local p t=0; for p in "${NODE_PIDS[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# pg_cpu: CPU time (clock ticks) of the private PostgreSQL so far: the postmaster's own and that of
# its exited children (utime + stime + cutime + cstime), plus every live child's (backends,
# walwriter, checkpointer…): a backend that exits between two readings moves into cutime/cstime.
pg_cpu() {
  local pm
  pm=$(head -n 1 "$PGDIR/data/postmaster.pid")
  for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null || true; done |
    awk -v pm="$pm" '{ sub(/^.*\) /, ""); # after "pid (comm) ": $1 state, $2 ppid, $12 utime …
      if ($2 == pm) t += $12 + $13 } END { printf "%d\n", t }' >"$TMP/pgcpu.children"
  echo $(($(cat "$TMP/pgcpu.children") + $(awk '{sub(/^.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$pm/stat")))
}
TICK=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

node_start() { # node_start BIN DB I → prints the node's port
  local bin=$1 db=$2 i=$3 pid
  rm -f "$TMP/port$i"
  local pre=()
  [ "$bin" = "$X" ] || pre=(env XGATE_DATA="$(data_of "$bin")")
  "${pre[@]}" "$bin" serve --listen 127.0.0.1:0 --db "$db" --port-file "$TMP/port$i" --threads "$SRV_THREADS" \
    --rate -1 --quiet 2>>"$OUT/node$i.log" &
  pid=$!
  PIDS+=("$pid")
  NODE_PIDS+=("$pid")
  scripts/wait-ready "$pid" "$OUT/node$i.log" "file:$TMP/port$i" >&2 || fail "node $i did not start (log: $OUT/node$i.log)"
  scripts/wait-ready "$pid" "$OUT/node$i.log" "url:http://127.0.0.1:$(cat "$TMP/port$i")/healthz" >&2 ||
    fail "node $i did not answer /healthz"
}

haproxy_start() { # haproxy_start PORT… → sets LB
  local lbport pid
  lbport=$(free_port)
  python3 - examples/haproxy/xgate.cfg "$TMP/haproxy.cfg" "$lbport" "$@" <<'PY'
import re, sys
src, dst, lbport = sys.argv[1:4]
ports = sys.argv[4:]
out = []
for line in open(src):
    if line.strip().startswith("bind 127.0.0.1:"):
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:" + lbport, line)
    elif line.strip().startswith("server node"):
        if not ports:
            continue
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:" + ports.pop(0), line)
    out.append(line)
open(dst, "w").write("".join(out))
PY
  haproxy -c -q -f "$TMP/haproxy.cfg" >>"$OUT/haproxy.log" 2>&1 || fail "the HAProxy configuration does not check"
  haproxy -db -f "$TMP/haproxy.cfg" >>"$OUT/haproxy.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  LB="http://127.0.0.1:$lbport"
  scripts/wait-ready "$pid" "$OUT/haproxy.log" "url:$LB/healthz" >&2 || fail "HAProxy did not answer on $LB"
}

DECIDE_BODY='{"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"}, "resource": {"kind": "instance", "provider": "aws", "item": "p5.48xlarge", "count": 2}, "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}'

# The request bodies, one a line (bodies.txt): the one above, or NAMES of them rotating customer.name.
write_bodies() {
  python3 - "$1" "$DECIDE_BODY" "$NAMES" "$XGATE_SHARED/data/oracles/non_listed_orgs.txt" \
    data/lists/ofac_sdn_2021-07/sdn.csv <<'PY' || fail "could not build $NAMES request bodies"
import csv, json, sys
path, body, n, unlisted_path, sdn_path = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
names = [body["customer"]["name"]]
if n > 1:
    unlisted = [l.strip() for l in open(unlisted_path, encoding="utf-8") if l.strip() and not l.startswith("#")]
    names = unlisted[: n // 2]
    # the SDN file's entities (column 3 "-0-": not an individual, vessel or aircraft)
    with open(sdn_path, encoding="utf-8", errors="replace", newline="") as f:
        ents = sorted({r[1].strip() for r in csv.reader(f) if len(r) > 3 and r[2].strip() == "-0-" and r[1].strip()})
    k = n - len(names)
    if k > len(ents):
        sys.exit(f"NAMES={n}: only {len(names) + len(ents)} names available")
    names += [ents[i * len(ents) // k] for i in range(k)]
    assert len(set(names)) == n
with open(path, "w", encoding="utf-8") as out:
    for name in names:
        body["customer"]["name"] = name
        out.write(json.dumps(body, ensure_ascii=False) + "\n")
PY
}
BODIES=$OUT/bodies.txt
write_bodies "$BODIES"

# write_lua FILE KEY IDS_PREFIX: POST the decisions (the bodies of bodies.txt in turn, each thread
# from its own offset); every 2xx answer's decision_id goes to IDS_PREFIX<thread>.txt ("?" when a
# 2xx answer has none), every other answer's status and the start of its body to
# IDS_PREFIX<thread>.non2xx (named on stderr after the row); done() prints the summary in µs.
write_lua() {
  python3 - "$1" "$2" "$3" "$BODIES" <<'PY'
import json, sys
path, key, prefix, bodies = sys.argv[1:5]
open(path, "w").write(f'''wrk.method = "POST"
wrk.path = "/v1/decide"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
local n = 0
function setup(thread) thread:set("tid", n); n = n + 1 end
local f
local reqs = {{}}
local next_req = 1
function init(args)
  f = assert(io.open({json.dumps(prefix)} .. tid .. ".txt", "w"))
  f:setvbuf("line")
  for line in io.lines({json.dumps(bodies)}) do
    reqs[#reqs + 1] = wrk.format(nil, nil, nil, line)
  end
  next_req = (tid * 7919) % #reqs + 1
end
function request()
  local r = reqs[next_req]
  next_req = next_req % #reqs + 1
  return r
end
local bad
function response(status, headers, body)
  if status >= 200 and status < 300 then
    f:write((body:match('"decision_id"%s*:%s*"([^"]+)"') or "?"), "\\n")
  else
    bad = bad or assert(io.open({json.dumps(prefix)} .. tid .. ".non2xx", "w"))
    bad:write(status, " ", (body or ""):sub(1, 300):gsub("\\n", " "), "\\n")
    bad:flush()
  end
end
function done(s, latency, requests)
  io.write(string.format("WRKSTATS duration_us=%d requests=%d p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d timeout=%d\\n",
    s.duration, s.requests, latency:percentile(50), latency:percentile(99), s.errors.status,
    s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout))
end
''')
PY
}

wstat() { sed -n 's/.*WRKSTATS.* '"$1"'=\([0-9]*\).*/\1/p' "$2"; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u / 1000}'; }

ROWS=""
FAILED=0
cell() { # cell LABEL BIN BACKEND NODES CLIENTS
  local label=$1 bin=$2 backend=$3 nodes=$4 c=$5 slug db ids url i ports=() t key
  slug="${backend}-n${nodes}-c${c}"
  [ "$bin" = "$X" ] || slug="$slug-$([ "$bin" = "$BEFORE_BIN" ] && echo before || echo nogc)"
  if [ "$backend" = sqlite ]; then
    db="sqlite:$TMP/$slug.db"
  else
    db=$(pg_db "b_${slug//-/_}")
  fi
  key=$(xg "$bin" keys create --role service --name bench --db "$db" 2>>"$OUT/keys.log" | tail -n 1)
  [ -n "$key" ] || fail "keys create failed: $(cat "$OUT/keys.log")"
  for ((i = 1; i <= nodes; i++)); do
    node_start "$bin" "$db" "$i"
    ports+=("$(cat "$TMP/port$i")")
  done
  if [ "$nodes" -gt 1 ]; then
    haproxy_start "${ports[@]}"
    url=$LB
  else
    url="http://127.0.0.1:${ports[0]}"
  fi
  rm -f "$OUT/ids-$slug-"*.txt "$OUT/ids-$slug-"*.non2xx
  local cpu0 cpu1 pg0=0 pg1=0 lsn0="" walb=""
  if [ "$backend" = postgresql ]; then
    if [ -n "$PG_STATS" ]; then
      psql_q "b_${slug//-/_}" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
      psql_q "b_${slug//-/_}" "SELECT pg_stat_statements_reset()" >/dev/null
    fi
    lsn0=$(psql_q postgres "SELECT pg_current_wal_lsn()")
    pg0=$(pg_cpu)
  fi
  cpu0=$(node_cpu)
  write_lua "$OUT/$slug.lua" "$key" "$OUT/ids-$slug-"
  t=$((c < 2 ? c : 2))
  log "$label, $c clients, $DURATION s"
  wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 30s --latency -s "$OUT/$slug.lua" "$url" >"$OUT/wrk-$slug.txt" 2>&1 ||
    fail "wrk failed: $(cat "$OUT/wrk-$slug.txt")"
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu1=$(node_cpu)
  if [ "$backend" = postgresql ]; then
    pg1=$(pg_cpu)
    walb=$(psql_q postgres "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')")
    [ -z "$PG_STATS" ] || psql_q "b_${slug//-/_}" "SELECT sum(calls) AS calls, sum(rows) AS rows,
      round(sum(total_plan_time)) AS plan_ms, round(sum(total_exec_time)) AS exec_ms, sum(wal_bytes) AS wal,
      left(regexp_replace(query, '\s+', ' ', 'g'), 70) AS q FROM pg_stat_statements GROUP BY q
      ORDER BY sum(total_plan_time + total_exec_time) DESC LIMIT 30" >"$OUT/pgss-$slug.txt"
  fi
  NODE_PIDS=()
  stop_all # requests in flight finish before the nodes exit
  # ---- checks ----
  cat "$OUT/ids-$slug-"*.txt 2>/dev/null | sort >"$OUT/acked-$slug.txt"
  if [ "$backend" = sqlite ]; then
    sqlite3 "${db#sqlite:}" "SELECT id FROM decisions" | sort >"$OUT/stored-$slug.txt"
  else
    psql_q "b_${slug//-/_}" "SELECT id FROM decisions" | sort >"$OUT/stored-$slug.txt"
  fi
  local acked stored noid dup missing extra verify check=ok dur req non2xx sockerr dps
  acked=$(grep -vc '^?$' "$OUT/acked-$slug.txt" || true)
  noid=$(grep -c '^?$' "$OUT/acked-$slug.txt" || true)
  stored=$(wc -l <"$OUT/stored-$slug.txt")
  dup=$( (uniq -d "$OUT/acked-$slug.txt"; uniq -d "$OUT/stored-$slug.txt") | wc -l)
  missing=$(grep -v '^?$' "$OUT/acked-$slug.txt" | comm -23 - "$OUT/stored-$slug.txt" | wc -l)
  extra=$((stored - acked))
  if xg "$bin" audit verify --db "$db" --json >"$OUT/verify-$slug.json" 2>&1 &&
    python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["ok"] is True else 1)' "$OUT/verify-$slug.json"; then
    verify=pass
  else
    verify=FAIL
  fi
  [ "$noid" = 0 ] && [ "$dup" = 0 ] && [ "$missing" = 0 ] && [ "$extra" -ge 0 ] && [ "$extra" -le "$c" ] &&
    [ "$verify" = pass ] || { check=FAILED; FAILED=1; }
  dur=$(wstat duration_us "$OUT/wrk-$slug.txt")
  req=$(wstat requests "$OUT/wrk-$slug.txt")
  sockerr=$(($(wstat connect "$OUT/wrk-$slug.txt") + $(wstat read "$OUT/wrk-$slug.txt") + \
    $(wstat write "$OUT/wrk-$slug.txt") + $(wstat timeout "$OUT/wrk-$slug.txt")))
  non2xx=$((req - acked - noid))
  dps=$(awk -v n="$acked" -v d="$dur" 'BEGIN {printf "%.0f", n / (d / 1e6)}')
  local cpu_us
  cpu_us=$(awk -v t=$((cpu1 - cpu0)) -v hz="$TICK" -v n="$stored" 'BEGIN {printf "%.0f", n ? t / hz * 1e6 / n : 0}')
  local pg_us="–" wal_b="–"
  if [ "$backend" = postgresql ]; then
    pg_us=$(awk -v t=$((pg1 - pg0)) -v hz="$TICK" -v n="$stored" 'BEGIN {printf "%.0f", n ? t / hz * 1e6 / n : 0}')
    wal_b=$(awk -v b="$walb" -v n="$stored" 'BEGIN {printf "%.0f", n ? b / n : 0}')
  fi
  log "  $dps decisions/s, node CPU $cpu_us µs/decision, PG CPU $pg_us µs/decision, WAL $wal_b B/decision, acked $acked, stored $stored, missing $missing, verify $verify, load $load"
  if [ "$non2xx" != 0 ]; then # what they were: status and the start of the body, by count
    log "  non-2xx answers: $(cat "$OUT/ids-$slug-"*.non2xx 2>/dev/null | sort | uniq -c | sort -rn | head -5 | tr '\n' ';')"
  fi
  ROWS+="| $label | $c | $dps | $(ms "$(wstat p50_us "$OUT/wrk-$slug.txt")") | $(ms "$(wstat p99_us "$OUT/wrk-$slug.txt")") | $non2xx | $sockerr | $acked | $stored | $missing | $verify | $check | $cpu_us | $pg_us | $wal_b | $load |"$'\n'
}

for c in $CLIENTS; do
  [ -z "$NOGC_BIN" ] || cell "SQLite, 1 node, without group commit (${NOGC_LABEL:-$NOGC_BIN})" "$NOGC_BIN" sqlite 1 "$c"
  if [ -n "$BEFORE_BIN" ]; then
    cell "SQLite, 1 node (${BEFORE_LABEL:-$BEFORE_BIN})" "$BEFORE_BIN" sqlite 1 "$c"
    cell "PostgreSQL, 1 node (${BEFORE_LABEL:-$BEFORE_BIN})" "$BEFORE_BIN" postgresql 1 "$c"
    cell "PostgreSQL, 3 nodes + HAProxy (${BEFORE_LABEL:-$BEFORE_BIN})" "$BEFORE_BIN" postgresql 3 "$c"
  fi
  cell "SQLite, 1 node" "$X" sqlite 1 "$c"
  cell "PostgreSQL, 1 node" "$X" postgresql 1 "$c"
  cell "PostgreSQL, 3 nodes + HAProxy" "$X" postgresql 3 "$c"
done

CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
CMD_ENV=""
[ -z "$NOGC_BIN" ] || CMD_ENV="NOGC_BIN=$NOGC_BIN "
[ -z "${NOGC_LABEL:-}" ] || CMD_ENV="${CMD_ENV}NOGC_LABEL=\"$NOGC_LABEL\" "
[ -z "$BEFORE_BIN" ] || CMD_ENV="${CMD_ENV}BEFORE_BIN=$BEFORE_BIN "
[ -z "${BEFORE_LABEL:-}" ] || CMD_ENV="${CMD_ENV}BEFORE_LABEL=\"$BEFORE_LABEL\" "
[ "$NAMES" = 1 ] || CMD_ENV="${CMD_ENV}NAMES=$NAMES "
if [ "$NAMES" = 1 ]; then
  NAMES_NOTE="Every request names the same customer, so after the first one every screening is a cache hit."
else
  NAMES_NOTE="The requests rotate over $NAMES customer names ($(python3 -c 'import sys; print(min(int(sys.argv[1]) // 2, 81))' "$NAMES") real organisations on none of the lists, the rest entity names of the bundled OFAC SDN list), so a name comes back only after $NAMES requests."
fi
{
  cat <<EOF
## Durable decisions over HTTP: one node and three nodes (SQLite, PostgreSQL, HAProxy)

Command: \`${CMD_ENV}DURATION=$DURATION CLIENTS="$CLIENTS" bench/run nodes\` (bench/bench_nodes.sh) —
\`wrk -t min(2,N) -cN -d${DURATION}s --timeout 30s\` POSTs \`/v1/decide\` (one decision, durable before the
answer) with N concurrent clients (keep-alive connections) to build/xgate \`serve\` (\`--threads $SRV_THREADS --rate -1\`,
bundled lists, group commit always on). SQLite: one node on a fresh file (WAL, synchronous=FULL).
PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), a private server started by the bench on a
unix socket (fsync on, synchronous_commit on), a fresh database per row; "3 nodes" = three
\`xgate serve\` on that database behind HAProxy $(haproxy -v | awk 'NR == 1 {print $3}') (examples/haproxy/xgate.cfg, round robin, loopback).
wrk, HAProxy, the nodes and PostgreSQL share the same cores. Machine: $(nproc) cores, $CPU, disk
$(df -h /var/tmp | awk 'NR == 2 {print $1}'), $(uname -sr). Date: $(date -u +%Y-%m-%dT%H:%MZ). Load average at the end:
$(cut -d' ' -f1-3 /proc/loadavg) (the machine was shared with other jobs; the last column is the
1-minute load average right after each row).

Checks after each row, nodes stopped: every decision id received in a 2xx answer ("acked") is
in the store ("missing" = acked but not stored: must be 0), no id twice, the store holds at most N
decisions more than were acked (requests in flight when wrk stopped: committed, never answered),
and \`xgate audit verify\` passes. decisions/s = acked / wrk's run time; p50/p99 over every answer;
node CPU = user + system CPU time of the xgate node(s) during the wrk run / decisions stored;
PG CPU = the same for the private PostgreSQL (every process of it: backends, WAL writer,
checkpointer; backends that exit meanwhile through the postmaster's children's time), and PG WAL
bytes = \`pg_wal_lsn_diff\` of \`pg_current_wal_lsn()\` around the run, both / decisions stored.
$NAMES_NOTE

| setup | clients | decisions/s | p50 ms | p99 ms | non-2xx | socket errors | acked | stored | missing | audit verify | check | node CPU µs/decision | PG CPU µs/decision | PG WAL bytes/decision | load 1 min |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOF
  printf '%s' "$ROWS"
} | tee "$OUT/nodes.md"
[ "$FAILED" = 0 ] || fail "a check failed (see the table above and $OUT)"
