# serve --webhook URL --webhook-secret-file FILE: after the in-server monitor run (serve
# --refresh), each new alert is POSTed as `monitor run --webhook` does — JSON signed with
# HMAC-SHA256 of the body (X-Xgate-Signature: sha256=<hex>), retried with back-off, every delivery
# recorded in the store — and /healthz counts them (refresh.monitor.webhooks). The feed is
# tests/lists_feed_server.py; the receiver is python3 on 127.0.0.1 (started and stopped here), it
# answers 500 to its first request so the retry path runs, and checks every signature itself.
# Each alert names the list version its entry came from (the versions the snapshot holds).
. "$XGATE_TESTS/http/lib_http.sh"

mkdir -p "$TMP/root"
cp "$SHARED"/data/lists/ofac_cons_2025-12/cons_{prim,alt,add}.csv "$TMP/root/"
python3 "$XGATE_TESTS/lists_feed_server.py" "$TMP/root" "$TMP/feed-port" "$TMP/feed.log" 4 &
FEED=$!
printf 'not-a-real-secret-serve-0123456789\n' >"$TMP/secret"
cat >"$TMP/recv.py" <<'PY'
import hashlib, hmac, http.server, json, sys
secret = open(sys.argv[1], "rb").read().rstrip(b"\r\n")
log, portfile = sys.argv[2], sys.argv[3]
state = {"n": 0}
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        state["n"] += 1
        want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, self.headers.get("X-Xgate-Signature", ""))
        with open(log, "a") as f:
            f.write(json.dumps({"n": state["n"], "sig_ok": ok, "body": json.loads(body)}) + "\n")
        self.send_response(500 if state["n"] == 1 else (200 if ok else 401))
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
python3 "$TMP/recv.py" "$TMP/secret" "$TMP/recv.log" "$TMP/recv-port" &
RECV=$!
trap 'kill $FEED $RECV 2>/dev/null; stop_server; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/feed-port" ] && [ -s "$TMP/recv-port" ] && break; sleep 0.1; done
[ -s "$TMP/feed-port" ] || fail "the feed server did not write its port file"
[ -s "$TMP/recv-port" ] || fail "the webhook receiver did not write its port file"
FEED_BASE=http://127.0.0.1:$(cat "$TMP/feed-port")
HOOK=http://127.0.0.1:$(cat "$TMP/recv-port")/hook
SPEC="ofac_cons=$FEED_BASE/files/cons_prim.csv,$FEED_BASE/files/cons_alt.csv,$FEED_BASE/files/cons_add.csv"
STATE="$TMP/state"

# json_get EXPR: evaluate EXPR with d = the last answer, print the result.
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/out" "$1"; }
wait_for() { # wait_for WHAT CMD…: a bounded number of tries
  local what=$1
  shift
  for _ in $(seq 300); do "$@" && return 0; sleep 0.2; done
  fail "waited 300 tries for: $what"
}

# 1. Option errors: the two flags go together, the URL is http(s), the secret is not empty.
set +e
"$X" serve --listen 127.0.0.1:0 --db "$DB" --webhook "$HOOK" 2>"$TMP/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "--webhook without a secret: exit $rc"
grep -q -- '--webhook-secret-file' "$TMP/err" || fail "the error names the flag: $(cat "$TMP/err")"
: >"$TMP/empty"
set +e
"$X" serve --listen 127.0.0.1:0 --db "$DB" --webhook "$HOOK" --webhook-secret-file "$TMP/empty" 2>"$TMP/err"
rc=$?
set -e
[ "$rc" != 0 ] || fail "an empty secret file should stop the start"
grep -q 'empty' "$TMP/err" || fail "the error says the secret is empty: $(cat "$TMP/err")"

# 2. Two stored customers named like two entries of the non-SDN list, one named like nothing.
cat >"$TMP/customers.jsonl" <<'J'
{"id":"cus_teir","name":"Mohammed Abu Teir","country":"PS"}
{"id":"cus_shanti","name":"Jamileh Abdullah Al-Shanti","country":"PS"}
{"id":"cus_clean","name":"Nordlicht Analytics GmbH","country":"DE"}
J
"$X" customers import --db "$DB" "$TMP/customers.jsonl" >/dev/null || fail "customers import"

start_server --source "$SPEC" --data-dir "$STATE" --refresh 1s --webhook "$HOOK" \
  --webhook-secret-file "$TMP/secret"

# The first refresh fetches the version, the monitor opens two alerts, and both are delivered:
# the receiver saw three POSTs (the first answered 500 and retried), every one signed.
delivered() {
  req GET /healthz
  [ "$(json_get "((d['refresh'].get('monitor') or {}).get('webhooks') or {}).get('delivered_total')")" = 2 ]
}
wait_for "the two alerts to be delivered" delivered
assert_json 'd["refresh"]["monitor"]["webhooks"]["failed_total"] == 0'
req GET "/v1/alerts?status=open" "$ANALYST"
assert_code 200
cp "$TMP/out" "$TMP/alerts.json"
req GET /healthz
V1=$(json_get "d['lists']['sources'][0]['version']")
python3 - "$TMP/recv.log" "$TMP/alerts.json" "$V1" <<'PY' || fail "webhook receiver log: $(cat "$TMP/recv.log")"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
alerts = json.load(open(sys.argv[2]))["alerts"]
assert len(got) == 3, got                    # one refused (500), then both delivered
assert all(g["sig_ok"] for g in got), got     # every body signed with the shared secret
assert all(g["body"]["event"] == "alert.opened" for g in got), got
ids = sorted(a["id"] for a in alerts)
assert len(ids) == 2, alerts
assert sorted({g["body"]["alert"]["id"] for g in got}) == ids, (got, ids)
names = sorted(c for a in alerts for c in a["party"]["customers"])
assert names == ["Jamileh Abdullah Al-Shanti", "Mohammed Abu Teir"], names
# the in-server monitor names the version the snapshot holds
for g in got:
    lv = g["body"]["alert"].get("list_version")
    assert lv and lv["source"] == "ofac_cons" and lv["id"] == sys.argv[3], g
PY
st=$(sqlite3 "$TMP/xgate.db" "SELECT status || ':' || attempts FROM webhook_deliveries ORDER BY attempts DESC, id")
[ "$(echo "$st" | tr '\n' ' ')" = "delivered:2 delivered:1 " ] || fail "deliveries recorded: $st"

# 3. Later refreshes find nothing new: nothing is sent again.
runs_after() { # the monitor has run again since the deliveries
  req GET /healthz
  [ "$(json_get "d['refresh']['monitor']['webhooks']['delivered']")" = 0 ]
}
wait_for "a later monitor run" runs_after
[ "$(wc -l <"$TMP/recv.log")" -eq 3 ] || fail "a later run sent webhooks again: $(cat "$TMP/recv.log")"
stop_server
check_server_log
grep -q 'webhooks: 2 delivered, 0 failed' "$SRV_LOG" || fail "the deliveries are not logged"

# 4. A stop cancels the deliveries: a receiver that takes each POST and never answers holds the
# first attempt; SIGTERM then aborts it, no retry is made, and both deliveries stay "pending" in
# the store (the first with its one attempt) for the next start. Without the cancel the server
# would wait out 4 attempts of 15 s and record "failed".
cat >"$TMP/hang.py" <<'PY'
import http.server, os, sys, time
log, portfile = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log, "a") as f:
            f.write("POST\n")
        time.sleep(3600)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1]))
os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
python3 "$TMP/hang.py" "$TMP/hang.log" "$TMP/hang-port" &
HANG=$!
trap 'kill $FEED $RECV $HANG 2>/dev/null; stop_server; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/hang-port" ] && break; sleep 0.1; done
[ -s "$TMP/hang-port" ] || fail "the hanging receiver did not write its port file"
DB="sqlite:$TMP/cancel.db"
ADMIN="" ANALYST="" SERVICE=""
"$X" customers import --db "$DB" "$TMP/customers.jsonl" >/dev/null || fail "customers import"
start_server --source "$SPEC" --data-dir "$TMP/state2" --refresh 1h \
  --webhook "http://127.0.0.1:$(cat "$TMP/hang-port")/hook" --webhook-secret-file "$TMP/secret"
posted() { [ -s "$TMP/hang.log" ]; }
wait_for "the first POST to reach the hanging receiver" posted
t0=$(date +%s.%N)
stop_server
t1=$(date +%s.%N)
[ "$SRV_RC" = 0 ] || fail "serve exited $SRV_RC after SIGTERM"
check_server_log
echo "  serve stopped $(python3 -c "print(round($t1 - $t0, 2))") s after SIGTERM with a POST in flight"
[ "$(wc -l <"$TMP/hang.log")" -eq 1 ] || fail "retried after the stop: $(wc -l <"$TMP/hang.log") POSTs"
st=$(sqlite3 "$TMP/cancel.db" "SELECT status || ':' || attempts FROM webhook_deliveries ORDER BY attempts DESC, id")
[ "$(echo "$st" | tr '\n' ' ')" = "pending:1 pending:0 " ] || fail "deliveries after a stop: $st"
grep -q 'webhooks cancelled (stopping): 2 left pending' "$SRV_LOG" || fail "the cancel is not logged"
echo "ok serve webhook"
