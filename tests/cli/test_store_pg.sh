# The store on PostgreSQL (tests/lib_pg.sh starts a private server): migrate, decide, review,
# audit verify, store copy from SQLite (chain verified), several processes appending to one chain
# at once, the server stopped mid-burst (a clear error; every acknowledged decision kept), and the
# one-line errors at start: unknown database, wrong password, server down, schema too new.
. "$XGATE_TESTS/lib.sh"
. "$XGATE_TESTS/lib_pg.sh"
F=$XGATE_ROOT/tests/decide
pg_start
DB=$PGURL

# requests: N lines cycling over the scenario requests
burst() {
  python3 - "$F" "$1" <<'PY'
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
reqs = [json.load(open(os.path.join(d, f))) for f in sorted(os.listdir(d)) if f.endswith(".json")]
for i in range(n):
    print(json.dumps(reqs[i % len(reqs)]))
PY
}
ids_of() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try: d = json.loads(line)
    except ValueError: continue
    if "decision_id" in d: print(d["decision_id"])' "$1"; }

# ---- migrate: the schema version, applied once
run "$X" store migrate --db "$DB"
assert_rc 0
assert_json 'd["backend"] == "postgresql" and d["schema_version"] == d["latest"] and d["schema_version"] >= 6'
run "$X" store migrate --db "$DB"
assert_rc 0
assert_json 'd["applied_at_open"] == 0'

# ---- decisions, a review and the chain
burst 12 >"$TMP/twelve.jsonl"
run "$X" decide --db "$DB" --jsonl "$TMP/twelve.jsonl"
assert_rc 0
[ "$(grep -c decision_id <<<"$OUT")" -eq 12 ] || fail "expected 12 decisions: ${OUT:0:300}"
run "$X" review list --db "$DB" --json
assert_rc 0
rid=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["decisions"][0]["decision_id"])' "$OUT")
run "$X" review resolve "$rid" --action clear --reason "registry extract checked" --by "A. Analyst" --db "$DB"
assert_rc 0
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True and d["rows"] == 13'
# tampering is caught the same way as on SQLite
psql_q xgate "UPDATE decisions SET outcome = 'ALLOW' WHERE n = 2" >/dev/null
run "$X" audit verify --db "$DB" --json
assert_rc 1
assert_json 'd["ok"] is False and d["first_bad"]["seq"] == 2 and d["first_bad"]["problem"] == "edited"'
psql_q xgate "TRUNCATE audit, audit_head, decisions, review_actions, access_records, resellers" >/dev/null

# ---- several processes appending at once: one valid chain, every decision in it once
burst 40 >"$TMP/forty.jsonl"
pids=()
for i in 1 2 3 4; do
  "$X" decide --db "$DB" --jsonl "$TMP/forty.jsonl" >"$TMP/p$i.out" 2>"$TMP/p$i.err" &
  pids+=($!)
done
for i in 1 2 3 4; do
  wait "${pids[$((i - 1))]}" || fail "process $i failed: $(head -c 500 "$TMP/p$i.err")"
done
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True and d["rows"] == 160'
cat "$TMP"/p?.out >"$TMP/all.out"
ids_of "$TMP/all.out" | sort >"$TMP/acked"
[ "$(wc -l <"$TMP/acked")" -eq 160 ] || fail "expected 160 acknowledged decisions"
psql_q xgate "SELECT id FROM decisions" | sort >"$TMP/stored"
cmp -s "$TMP/acked" "$TMP/stored" || fail "stored decisions differ from the acknowledged ones"
[ "$(psql_q xgate "SELECT COUNT(DISTINCT seq) FROM audit")" -eq 160 ] || fail "audit seqs not unique"

# ---- store copy: SQLite → PostgreSQL, chain verified; a non-empty destination is refused
burst 10 >"$TMP/ten.jsonl"
run "$X" decide --db "sqlite:$TMP/src.db" --jsonl "$TMP/ten.jsonl"
assert_rc 0
run "$X" keys create --role analyst --name copied --db "sqlite:$TMP/src.db"
assert_rc 0
COPY=$(pg_db copied)
run "$X" store copy --from "sqlite:$TMP/src.db" --to "$COPY"
assert_rc 0
assert_json 'd["verify"]["ok"] is True and d["verify"]["rows"] == 10 and d["tables"]["decisions"] == 10 and d["tables"]["api_keys"] == 1'
run "$X" audit head --db "sqlite:$TMP/src.db"
src_head=$OUT
run "$X" audit head --db "$COPY"
[ "$OUT" = "$src_head" ] || fail "heads differ after the copy: $src_head vs $OUT"
run "$X" keys list --db "$COPY"
assert_rc 0
assert_out_contains '"copied"'
# the copy carries on: a decision appended on PostgreSQL continues the chain
run "$X" decide --db "$COPY" --jsonl "$TMP/ten.jsonl"
assert_rc 0
run "$X" audit verify --db "$COPY" --json
assert_json 'd["ok"] is True and d["rows"] == 20'
run "$X" store copy --from "sqlite:$TMP/src.db" --to "$COPY"
assert_rc 3
assert_err_contains "is not empty"
# and back: PostgreSQL → SQLite
run "$X" store copy --from "$COPY" --to "sqlite:$TMP/back.db"
assert_rc 0
assert_json 'd["verify"]["ok"] is True and d["verify"]["rows"] == 20'

# ---- one clear line each at start
run "$X" audit verify --db "postgresql:///nosuchdb?host=$PGSOCK&user=xgate"
assert_rc 3
assert_err_contains 'database "nosuchdb" does not exist'
[ "$(wc -l <<<"$ERR")" -eq 1 ] || fail "more than one line: $ERR"
run "$X" audit verify --db "postgresql:///xgate?host=$PGSOCK&user=locked&password=wrong"
assert_rc 3
assert_err_contains 'password authentication failed for user "locked"'
assert_err_contains 'password=***'
grep -qF wrong <<<"$ERR" && fail "the password was printed: $ERR"
run "$X" audit verify --db "host=$PGSOCK dbname=xgate user=xgate" # a conninfo string
assert_rc 0
V=$(pg_db newer)
run "$X" store migrate --db "$V"
assert_rc 0
psql_q newer "INSERT INTO schema_version VALUES (999, 'future')" >/dev/null
run "$X" decide --db "$V" --jsonl "$TMP/ten.jsonl"
assert_rc 3
assert_err_contains "schema version 999 is newer than this xgate"

# ---- the server stopped mid-burst: a clear error, every acknowledged decision stored
psql_q xgate "TRUNCATE audit, audit_head, decisions, review_actions, access_records, resellers" >/dev/null
burst 3000 >"$TMP/burst.jsonl"
: >"$TMP/reported.jsonl"
"$X" decide --db "$DB" --jsonl "$TMP/burst.jsonl" >>"$TMP/reported.jsonl" 2>"$TMP/burst.err" &
pid=$!
tries=0 # wait (at most 600 × 0.1 s) for the first 20 acknowledged decisions
while kill -0 "$pid" 2>/dev/null && [ "$(grep -c decision_id "$TMP/reported.jsonl")" -lt 20 ]; do
  tries=$((tries + 1))
  [ "$tries" -lt 600 ] || fail "no 20 decisions acknowledged before the stop"
  sleep 0.1
done
pg_stop immediate
wait "$pid" && fail "decide carried on without its database"
grep -q "PostgreSQL" "$TMP/burst.err" || fail "no clear error: $(head -c 500 "$TMP/burst.err")"
n=$(ids_of "$TMP/reported.jsonl" | wc -l)
[ "$n" -ge 20 ] && [ "$n" -lt 3000 ] || fail "the stop did not land mid-burst ($n acknowledged)"
run "$X" audit verify --db "$DB"
assert_rc 3
assert_err_contains "cannot connect"
pg_restart
ids_of "$TMP/reported.jsonl" | sort >"$TMP/acked"
psql_q xgate "SELECT id FROM decisions" | sort >"$TMP/stored"
missing=$(comm -23 "$TMP/acked" "$TMP/stored" | wc -l)
[ "$missing" -eq 0 ] || fail "$missing acknowledged decisions are missing after the restart"
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True'
echo "store on PostgreSQL: ok"
