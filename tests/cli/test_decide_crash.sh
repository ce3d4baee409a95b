# kill -9 during a burst of decisions: every decision id the process reported (printed after its
# COMMIT) must be in the store, and the chain must verify.
. "$XGATE_TESTS/lib.sh"
F=$XGATE_ROOT/tests/decide
DB=$(xg_db c)
python3 - "$F" >"$TMP/burst.jsonl" <<'PY'
import json, os, sys
d = sys.argv[1]
reqs = [json.load(open(os.path.join(d, n))) for n in sorted(os.listdir(d)) if n.endswith(".json")]
for i in range(4000):
    print(json.dumps(reqs[i % len(reqs)]))
PY
: >"$TMP/reported.jsonl" # exists before the loop below reads it, however the shell schedules
"$X" decide --db "$DB" --jsonl "$TMP/burst.jsonl" >>"$TMP/reported.jsonl" 2>"$TMP/burst.err" &
pid=$!
# wait until some decisions are out, then kill without warning
while kill -0 "$pid" 2>/dev/null && [ "$(wc -l <"$TMP/reported.jsonl")" -lt 20 ]; do
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
n=$(wc -l <"$TMP/reported.jsonl")
[ "$n" -ge 20 ] || fail "only $n decisions reported before the kill: $(head -c 500 "$TMP/burst.err")"
# the kill must land mid-burst, or this would only test a clean exit
[ "$n" -lt 4000 ] || fail "the burst finished before the kill; nothing was interrupted"
[ -s "$TMP/burst.err" ] && fail "the burst reported errors: $(head -c 500 "$TMP/burst.err")"
# the last line may be cut mid-write: only complete lines were reported
python3 - "$TMP/reported.jsonl" >"$TMP/ids" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        print(json.loads(line)["decision_id"])
    except ValueError:
        pass
PY
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json "d['ok'] is True and d['rows'] >= $(wc -l <"$TMP/ids")"
missing=$(db_query c "SELECT id FROM decisions" | sort | comm -23 <(sort "$TMP/ids") -)
[ -z "$missing" ] || fail "reported decisions missing after kill -9: $missing"
# the store keeps working after the crash
run "$X" decide --db "$DB" --json "$F/s05_cset_bytedance_uk_rtx4090.json"
assert_rc 0
run "$X" audit verify --db "$DB"
assert_rc 0
