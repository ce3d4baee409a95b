# monitor run --webhook: each new alert is POSTed as JSON signed with HMAC-SHA256 of the body
# (X-Xgate-Signature: sha256=<hex>), retried with back-off after a failure, every delivery
# recorded in the store. The receiver is python3 on 127.0.0.1 (started and stopped here); it
# answers 500 to its first request so the retry path runs, and checks every signature itself.
. "$XGATE_TESTS/lib.sh"
export XGATE_DATA=${XGATE_DATA:-$XGATE_ROOT/data}
DB="sqlite:$TMP/w.db"
printf 'not-a-real-secret-0123456789\n' >"$TMP/secret"
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
open(portfile, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
python3 "$TMP/recv.py" "$TMP/secret" "$TMP/recv.log" "$TMP/port" &
RPID=$!
trap 'kill $RPID 2>/dev/null || true; rm -rf "$TMP"' EXIT
tries=0
while [ ! -s "$TMP/port" ]; do # wait for the receiver to listen (bounded tries)
  tries=$((tries + 1)); [ $tries -le 100 ] || fail "webhook receiver did not write its port"
  sleep 0.1
done
URL="http://127.0.0.1:$(cat "$TMP/port")/hook"
printf '%s' '{"name":"Huawei Technologies Co Ltd","country":"CN"}' >"$TMP/c1.json"
printf '%s' '{"name":"China Mobile Communications Group","country":"CN"}' >"$TMP/c2.json"
run "$X" customers add --db "$DB" "$TMP/c1.json"; assert_rc 0
run "$X" customers add --db "$DB" "$TMP/c2.json"; assert_rc 0
L="$SHARED/data/lists/dod_1260h_2026.xgate.csv"
run "$X" monitor run --db "$DB" --list "$L" --webhook "$URL" --webhook-secret-file "$TMP/secret" --json
assert_rc 0
assert_json "len(d['opened']) == 2 and d['webhooks'] == {'delivered': 2, 'failed': 0}"
python3 - "$TMP/recv.log" "$TMP/out" <<'PY' || fail "webhook receiver log: $(cat "$TMP/recv.log")"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
run = json.load(open(sys.argv[2]))
assert len(got) == 3, got                      # one refused (500), then both delivered
assert all(g["sig_ok"] for g in got), got       # every body signed with the shared secret
ids = sorted(a["id"] for a in run["opened"])
assert sorted(g["body"]["alert"]["id"] for g in got[1:]) == ids or \
       sorted({g["body"]["alert"]["id"] for g in got}) == ids, (got, ids)
assert all(g["body"]["event"] == "alert.opened" for g in got)
PY
st=$(sqlite3 "$TMP/w.db" "SELECT status || ':' || attempts FROM webhook_deliveries ORDER BY attempts DESC, id")
[ "$(echo "$st" | tr '\n' ' ')" = "delivered:2 delivered:1 " ] || fail "deliveries recorded: $st"
# nothing new on a rerun: nothing sent
run "$X" monitor run --db "$DB" --list "$L" --webhook "$URL" --webhook-secret-file "$TMP/secret" --json
assert_rc 0
assert_json "d['opened'] == [] and d['webhooks'] == {'delivered': 0, 'failed': 0}"
[ "$(wc -l <"$TMP/recv.log")" -eq 3 ] || fail "a rerun sent webhooks again"
# a receiver that is gone: bounded retries, the failure recorded, the run still exits 0
kill $RPID; wait $RPID 2>/dev/null || true
printf '%s' '{"name":"Qihoo 360 Technology","country":"CN"}' >"$TMP/c3.json"
run "$X" customers add --db "$DB" "$TMP/c3.json"; assert_rc 0
run "$X" monitor run --db "$DB" --list "$L" --full --webhook "$URL" --webhook-secret-file "$TMP/secret" --json
assert_rc 0
assert_json "len(d['opened']) == 1 and d['webhooks'] == {'delivered': 0, 'failed': 1}"
[ "$(sqlite3 "$TMP/w.db" "SELECT status || ':' || attempts FROM webhook_deliveries WHERE status <> 'delivered'")" = "failed:4" ] \
  || fail "failed delivery not recorded with its attempts"
# option errors
run "$X" monitor run --db "$DB" --list "$L" --webhook "$URL"
assert_rc 2
run "$X" monitor run --db "$DB" --list "$L" --webhook ftp://x --webhook-secret-file "$TMP/secret"
assert_rc 2
: >"$TMP/empty"
run "$X" monitor run --db "$DB" --list "$L" --webhook "$URL" --webhook-secret-file "$TMP/empty"
assert_rc 1
assert_err_contains "empty"
