#!/usr/bin/env bash
# HTTP service benchmark (bench/run http): wrk on loopback against `xgate serve` (build/xgate,
# the bundled lists, a fresh SQLite store), beside a trivial civetweb handler with the same
# options (bench/http_ceiling.c, compiled here: the HTTP ceiling of this machine). Then a soak of
# mixed load with a list reload every minute (errors, memory), and kill -9 under load followed by
# a restart (audit verify, every reported decision present).
# Env: DURATION (s per throughput run, default 15), CONNS (default 16), THREADS (wrk, default 2),
#      SOAK_SECONDS (default 600), RELOAD_EVERY (default 60), CRASH_SECONDS (default 10),
#      BEFORE (optional: another xgate binary, e.g. one built from main, whose /healthz and
#      /v1/screen rows are measured in the same run for a before/after comparison),
#      PORT_BASE (optional: listen on PORT_BASE, +1, +2 instead of free ports picked at random,
#      for a machine where each user keeps to a port range).
# Prints a Markdown section on stdout; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
X=$PWD/build/xgate
DURATION=${DURATION:-15}
CONNS=${CONNS:-16}
WRK_THREADS=${THREADS:-2}
SOAK_SECONDS=${SOAK_SECONDS:-600}
RELOAD_EVERY=${RELOAD_EVERY:-60}
CRASH_SECONDS=${CRASH_SECONDS:-10}
SRV_THREADS=64   # the server's default; above CONNS so that reloads and probes get a worker
command -v wrk >/dev/null || { echo "bench_http: wrk is missing (scripts/bootstrap bench)" >&2; exit 1; }
[ -x "$X" ] || { echo "bench_http: build/xgate is missing (make)" >&2; exit 1; }

OUT=$PWD/bench/out/http
rm -rf "$OUT"; mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { echo "bench_http: $*" >&2; }

NEXT_PORT=${PORT_BASE:-}
free_port() {
  if [ -n "$NEXT_PORT" ]; then echo "$NEXT_PORT"; return; fi
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
take_port() { [ -z "$NEXT_PORT" ] || NEXT_PORT=$((NEXT_PORT + 1)); }
DB="sqlite:$OUT/xgate.db"
SERVICE=$("$X" keys create --role service --name bench-service --db "$DB" | tail -n 1)
ADMIN=$("$X" keys create --role admin --name bench-admin --db "$DB" | tail -n 1)
ANALYST=$("$X" keys create --role analyst --name bench-analyst --db "$DB" | tail -n 1)

start_xgate() { # start_xgate PORT [BINARY [DB]] → sets XPID
  "${2:-$X}" serve --listen "127.0.0.1:$1" --db "${3:-$DB}" --threads $SRV_THREADS --rate -1 --quiet \
    2>>"$OUT/server.log" &
  XPID=$!
  PIDS+=($XPID)
  scripts/wait-ready $XPID "$OUT/server.log" "url:http://127.0.0.1:$1/healthz" || exit 1
}

# wrk scripts: a fixed POST body per endpoint, and a mixed one that rotates through them.
SCREEN_BODY='{"name": "Beijing University of Aeronautics and Astronautics", "limit": 5}'
DECIDE_BODY='{"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"}, "resource": {"kind": "instance", "provider": "aws", "item": "p5.48xlarge", "count": 2}, "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}'
CLASSIFY_BODY='{"items": ["H100 SXM5 80GB", "p5.48xlarge", "RTX 4090"]}'
BATCH_BODY='{"queries": [{"name": "Sichuan University"}, {"name": "四川大学"}, {"name": "Beihang University"}, {"name": "Acme Widgets Ltd"}]}'
lua_post() { # lua_post FILE BODY [KEY]
  python3 - "$1" "$2" "${3:-$SERVICE}" <<'PY'
import json, sys
path, body, key = sys.argv[1:4]
open(path, "w").write(f'''wrk.method = "POST"
wrk.body = {json.dumps(body, ensure_ascii=False)}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
''')
PY
}
lua_post "$OUT/screen.lua" "$SCREEN_BODY"
lua_post "$OUT/decide.lua" "$DECIDE_BODY"
python3 - "$OUT/mixed.lua" "$SERVICE" "$SCREEN_BODY" "$DECIDE_BODY" "$CLASSIFY_BODY" "$BATCH_BODY" <<'PY'
import json, sys
path, key, screen, decide, classify, batch = sys.argv[1:7]
reqs = [("/v1/screen", screen)] * 5 + [("/v1/decide", decide)] * 2 + [("/v1/classify", classify), ("/v1/screen/batch", batch)]
lines = ['local reqs = {}']
for p, b in reqs:
    lines.append(f'table.insert(reqs, wrk.format("POST", "{p}", {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {key}"}}, {json.dumps(b, ensure_ascii=False)}))')
lines.append('local i = 0')
lines.append('request = function() i = i + 1; return reqs[(i % #reqs) + 1] end')
lines.append('done = function(summary, latency, requests) io.stderr:write(string.format("WRKSTATS errors_status=%d errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d requests=%d\\n", summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.requests)) end')
open(path, "w").write("\n".join(lines) + "\n")
PY

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, all threads

wrk_run() { # wrk_run SLUG LABEL URL SERVER_PID [SCRIPT] → a table row
  local slug=$1 name=$2 url=$3 pid=$4 script=${5:-}
  local args=(-t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  log "wrk $slug ($DURATION s)"
  local t0 t1 hz
  t0=$(cpu_ticks "$pid")
  wrk "${args[@]}" "$url" >"$OUT/wrk-$slug.txt" 2>&1
  t1=$(cpu_ticks "$pid")
  hz=$(getconf CLK_TCK)
  local rps p50 p99 non2xx reqs
  reqs=$(awk '/requests in/ {print $1}' "$OUT/wrk-$slug.txt")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-$slug.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$OUT/wrk-$slug.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$slug.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk-$slug.txt")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}" \
    "$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="${reqs:-0}" 'BEGIN {if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "n/a"}')"
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# ---- throughput: ceiling vs xgate ----
cc -O2 -o "$OUT/http_ceiling" bench/http_ceiling.c -lcivetweb -lpthread
CPORT=$(free_port); take_port
"$OUT/http_ceiling" "$CPORT" $SRV_THREADS & PIDS+=($!)
CEIL_PID=$!
scripts/wait-ready $CEIL_PID - "url:http://127.0.0.1:$CPORT/" || exit 1
XPORT=$(free_port); take_port
start_xgate "$XPORT"
B="http://127.0.0.1:$XPORT"
curl -sf -H "Authorization: Bearer $SERVICE" -H 'Content-Type: application/json' -d "$DECIDE_BODY" "$B/v1/decide" >"$OUT/decide-sample.json" \
  || { log "decide sample failed: $(cat "$OUT/decide-sample.json")"; }
ROWS=$(
  wrk_run ceiling "trivial civetweb handler (ceiling)" "http://127.0.0.1:$CPORT/" $CEIL_PID
  wrk_run healthz "xgate GET /healthz" "$B/healthz" $XPID
  wrk_run screen "xgate POST /v1/screen" "$B/v1/screen" $XPID "$OUT/screen.lua"
  wrk_run decide "xgate POST /v1/decide (durable SQLite write)" "$B/v1/decide" $XPID "$OUT/decide.lua"
)
if [ -n "${BEFORE:-}" ]; then # the same rows from the other binary, on a store of its own
  # (its own schema version: an older binary refuses a store migrated by this one)
  MAIN_PID=$XPID
  BDB="sqlite:$OUT/xgate-before.db"
  rm -f "$OUT"/xgate-before.db*
  BSERVICE=$("$BEFORE" keys create --role service --name bench-service --db "$BDB" | tail -n 1)
  lua_post "$OUT/screen-before.lua" "$SCREEN_BODY" "$BSERVICE"
  BPORT=$(free_port); take_port
  start_xgate "$BPORT" "$BEFORE" "$BDB"
  ROWS="$ROWS
$(wrk_run before-healthz "before ($(basename "$BEFORE")): GET /healthz" "http://127.0.0.1:$BPORT/healthz" $XPID
    wrk_run before-screen "before ($(basename "$BEFORE")): POST /v1/screen" \
      "http://127.0.0.1:$BPORT/v1/screen" $XPID "$OUT/screen-before.lua")"
  kill -TERM $XPID; wait $XPID 2>/dev/null || true
  XPID=$MAIN_PID
fi
kill -TERM $CEIL_PID; wait $CEIL_PID 2>/dev/null || true
RATIO=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-screen.txt" "$OUT/wrk-ceiling.txt" |
  awk 'NR == 1 {s = $1} NR == 2 {c = $1} END {if (c > 0) printf "%.0f %%", 100 * s / c; else print "n/a"}')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "${BEFORE:-}" ]; then
  RATIO="$RATIO ($(basename "$BEFORE"): $(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-before-screen.txt" "$OUT/wrk-ceiling.txt" |
    awk 'NR == 1 {s = $1} NR == 2 {c = $1} END {if (c > 0) printf "%.0f %%", 100 * s / c; else print "n/a"}'))"
fi

# ---- soak: mixed load, reload every RELOAD_EVERY s, RSS sampled every 10 s ----
log "soak: $SOAK_SECONDS s of mixed load, reload every $RELOAD_EVERY s"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"${SOAK_SECONDS}s" --latency -s "$OUT/mixed.lua" "$B" >"$OUT/wrk-soak.txt" 2>&1 &
WRK_PID=$!
RSS_START=""; RSS_MAX=0
SOAK_T0=$SECONDS; NEXT_RELOAD=$RELOAD_EVERY
echo "seconds rss_kb" >"$OUT/rss.txt"
: >"$OUT/reloads.txt"
while kill -0 $WRK_PID 2>/dev/null; do
  sleep 5
  el=$((SECONDS - SOAK_T0))
  r=$(rss_kb $XPID); echo "$el $r" >>"$OUT/rss.txt"
  if [ -z "$RSS_START" ] && [ $el -ge 30 ]; then RSS_START=$r; fi  # after warm-up
  if [ "$r" -gt $RSS_MAX ]; then RSS_MAX=$r; fi
  if [ $el -ge $NEXT_RELOAD ] && [ $el -lt "$SOAK_SECONDS" ]; then
    NEXT_RELOAD=$((NEXT_RELOAD + RELOAD_EVERY))
    # In the background: a reload under load takes a while, and sampling must go on meanwhile.
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H "Authorization: Bearer $ADMIN" \
      "$B/v1/lists/reload" >>"$OUT/reloads.txt" &
  fi
done
wait $WRK_PID || true
for j in $(jobs -p); do [ "$j" = "$XPID" ] || wait "$j" 2>/dev/null || true; done
RELOADS=$(wc -l <"$OUT/reloads.txt")
RELOAD_FAIL=$(awk '$1 != 200' "$OUT/reloads.txt" | wc -l)
RELOAD_MAX=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {printf "%.2f s", m}' "$OUT/reloads.txt")
RSS_END=$(rss_kb $XPID)
RSS_BY_MINUTE=$(awk 'NR > 1 && $1 % 60 < 5 {printf "%s%s:%s", sep, $1, $2; sep = ", "}' "$OUT/rss.txt")
RSS_START=${RSS_START:-$(sed -n 2p "$OUT/rss.txt" | cut -d' ' -f2)}
SOAK_REQ=$(awk '/requests in/ {print $1}' "$OUT/wrk-soak.txt")
SOAK_RPS=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-soak.txt")
SOAK_P99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk-soak.txt")
SOAK_STATS=$(grep WRKSTATS "$OUT/wrk-soak.txt" | sed "s/WRKSTATS //" || true)
SOAK_NON2XX=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk-soak.txt"); SOAK_NON2XX=${SOAK_NON2XX:-0}
SOAK_SOCK=$(awk '/Socket errors/ {print}' "$OUT/wrk-soak.txt"); SOAK_SOCK=${SOAK_SOCK:-none}

# ---- kill -9 under load, restart, check every reported decision ----
log "crash: decisions under load for $CRASH_SECONDS s, then kill -9"
python3 - "$B" "$SERVICE" "$DECIDE_BODY" "$OUT/reported.txt" "$CRASH_SECONDS" <<'PY' &
import http.client, json, sys, threading, time, urllib.parse
base, key, body, out, secs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
u = urllib.parse.urlparse(base)
lock = threading.Lock()
f = open(out, "w")
def client():
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    while True:
        try:
            conn.request("POST", "/v1/decide", body=body.encode(), headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
            r = conn.getresponse(); data = r.read()
            if r.status == 200:
                with lock:
                    f.write(json.loads(data)["decision_id"] + "\n"); f.flush()
        except Exception:
            return  # the server died: stop; only answers fully received count as reported
threads = [threading.Thread(target=client) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
PY
CLIENTS=$!
wrk -t1 -c8 -d"$((CRASH_SECONDS + 5))s" -s "$OUT/mixed.lua" "$B" >/dev/null 2>&1 &
WRK2=$!
sleep "$CRASH_SECONDS"
kill -9 $XPID
wait $CLIENTS 2>/dev/null || true
kill $WRK2 2>/dev/null || true; wait $WRK2 2>/dev/null || true
REPORTED=$(wc -l <"$OUT/reported.txt")
start_xgate "$XPORT"
# Read every reported decision back over one keep-alive connection.
MISSING=$(python3 - "$B" "$ANALYST" "$OUT/reported.txt" <<'PY'
import http.client, sys, urllib.parse
base, key, path = sys.argv[1:4]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
missing = 0
for line in open(path):
    conn.request("GET", "/v1/decisions/" + line.strip(), headers={"Authorization": "Bearer " + key})
    r = conn.getresponse(); r.read()
    missing += r.status != 200
print(missing)
PY
)
VERIFY=$("$X" audit verify --db "$DB" 2>&1 | tail -n 1) && VERIFY_RC=0 || VERIFY_RC=$?
HTTP_VERIFY=$(curl -s -H "Authorization: Bearer $ANALYST" "$B/v1/audit/verify")

# ---- report ----
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cat <<EOF
## HTTP service (\`xgate serve\`)

Command: \`bench/run http\` or \`bench/bench_http.sh\` (DURATION=$DURATION s, wrk -t$WRK_THREADS -c$CONNS, server $SRV_THREADS threads,
rate limit off, bundled lists, fresh SQLite store). Machine: $(nproc) cores, $CPU, $(uname -sr).
Date: $(date -u +%Y-%m-%dT%H:%MZ). wrk and the server share the same cores.

| endpoint | requests/s | p50 | p99 | non-2xx | server CPU µs/request |
|---|---|---|---|---|---|
$ROWS

The first row is the ceiling: a civetweb handler answering a fixed 16-byte body with the same
server options. The last column is the server process's CPU time (user + system, all threads,
from /proc) over the run divided by the requests answered. It depends less than requests/s on how
much of the cores wrk and other processes took, but on a crowded machine it grows too (cache and
scheduler costs, steal): compare rows of one run only. \`POST /v1/screen\` answered $RATIO of the ceiling's requests/s in this run (load
average after the throughput runs: $LOAD; the machine may be shared, so the ratio is the fair figure).
\`/v1/decide\` commits every decision to SQLite (WAL, synchronous) before answering.

**Soak** ($SOAK_SECONDS s of mixed load — screen, decide, classify, batch screen — with a list reload
every $RELOAD_EVERY s): $SOAK_REQ requests, $SOAK_RPS requests/s, p99 $SOAK_P99; non-2xx answers:
$SOAK_NON2XX; socket errors: $SOAK_SOCK; wrk: $SOAK_STATS; reloads: $RELOADS ($RELOAD_FAIL failed, slowest $RELOAD_MAX
under load).
Server RSS after 30 s warm-up $RSS_START kB, at the end $RSS_END kB, peak $RSS_MAX kB; by minute
(s:kB): $RSS_BY_MINUTE.

**kill -9 under load**: $REPORTED decisions were reported (HTTP 200 received) in $CRASH_SECONDS s
before \`kill -9\`; after a restart $MISSING of them are missing. \`xgate audit verify\`: exit $VERIFY_RC
(\`$VERIFY\`); over HTTP: \`$HTTP_VERIFY\`.
EOF
