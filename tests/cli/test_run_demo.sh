# What `make run` runs (scripts/run-demo) on a fresh database: the service starts on the bundled
# lists, and before it hands over it says how old each list in force is (the bundled OFAC SDN
# snapshot of July 2021 and non-SDN one of December 2025 flagged STALE) and how to update them
# (`xgate lists update`). Then SIGTERM (what Ctrl-C does) stops the script and its server. Runs on
# a free loopback port of its own.
. "$XGATE_TESTS/lib.sh"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
XGATE_BIN=$X XGATE_DB="sqlite:$TMP/demo.db" XGATE_LISTEN="127.0.0.1:$PORT" \
  "$XGATE_TESTS/../scripts/run-demo" >"$TMP/demo.out" 2>"$TMP/demo.err" &
DEMO=$!
trap 'kill -TERM $DEMO 2>/dev/null; wait $DEMO 2>/dev/null; rm -rf "$TMP"' EXIT
# a bounded number of tries for the banner the script prints once the server answers
for _ in $(seq 1200); do
  grep -q "xgate is running" "$TMP/demo.out" && break
  kill -0 $DEMO 2>/dev/null || break
  sleep 0.2
done
grep -q "xgate is running" "$TMP/demo.out" ||
  fail "run-demo did not come up: $(tail -n 20 "$TMP/demo.out") $(tail -n 20 "$TMP/demo.err")"
OUT=$(cat "$TMP/demo.out")
# the ages of the lists in force, one line each, the old bundled SDN snapshot flagged …
assert_out_contains "lists in force:"
grep -qE '^  +ofac_sdn +bundled +lists/ofac_sdn_2021-07 +published 2021-07, about [0-9]+ days old +STALE' <<<"$OUT" ||
  fail "no age line for the bundled SDN list: $OUT"
grep -qE '^  +ofac_cons +bundled +lists/ofac_cons_2025-12 +published 2025-12, about [0-9]+ days old +STALE' <<<"$OUT" ||
  fail "no age line for the bundled OFAC non-SDN list: $OUT"
grep -qE '^  +un +bundled .*published 2026-02-27, [0-9]+ days old' <<<"$OUT" ||
  fail "no age line for the bundled UN list: $OUT"
assert_out_contains "older than data/lists/freshness.tsv allows; \`xgate lists update\` fetches the current versions"
# … and how to update them
grep -qE "To fetch the current official lists: .*xgate lists update --db sqlite:$TMP/demo.db" <<<"$OUT" ||
  fail "no update instruction: $OUT"
# the server it started answers, then SIGTERM stops both
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "the demo server does not answer"
kill -TERM $DEMO
wait $DEMO 2>/dev/null || true
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 || break; sleep 0.2; done
! curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 || fail "the demo server still answers after SIGTERM"
grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TMP/demo.err" &&
  fail "sanitizer report: $(cat "$TMP/demo.err")"
echo "ok run demo"
