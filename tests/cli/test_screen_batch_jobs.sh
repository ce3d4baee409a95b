# `xgate screen --batch --jobs N`: a batch screened on several threads gives exactly the output
# of one thread (results in input order, JSON and table), stops at the same bad row with the same
# message, and --jobs is checked like every number option.
. "$XGATE_TESTS/lib.sh"
L=$SHARED/data/lists
LISTS=(--list "$L/csl_entity_list_prc_research.csv" --list "$L/eu_833_annex_iv_2026.xgate.csv"
  --list "$L/dod_1260h_2026.xgate.csv")

# 300 names of the golden queries: Latin, Chinese, typos, near misses
grep -v '^#' "$XGATE_TESTS/golden/screen_queries.tsv" | cut -f2 | awk 'NR % 3 == 0' | head -300 >"$TMP/q.txt"
[ "$(wc -l <"$TMP/q.txt")" -eq 300 ] || fail "expected 300 batch names"

run "$X" screen "${LISTS[@]}" --json --as-of 2026-06-01 --batch "$TMP/q.txt" --jobs 1
assert_rc 0
cp "$TMP/out" "$TMP/one.jsonl"
[ "$(wc -l <"$TMP/one.jsonl")" -eq 300 ] || fail "one JSON line per name"
run "$X" screen "${LISTS[@]}" --json --as-of 2026-06-01 --batch "$TMP/q.txt" --jobs 3
assert_rc 0
cmp -s "$TMP/out" "$TMP/one.jsonl" || fail "--jobs 3 output differs from --jobs 1"
[ "$ERR" = "" ] || fail "nothing on stderr: $ERR"
# in input order: the n-th result is the n-th name
python3 - "$TMP/q.txt" "$TMP/out" <<'PY' || fail "results out of input order"
import json, sys
names = [l.rstrip("\n").strip(" \t") for l in open(sys.argv[1], encoding="utf-8")]
got = [json.loads(l)["query"] for l in open(sys.argv[2], encoding="utf-8")]
sys.exit(0 if names == got else 1)
PY
# the default (one thread per core) and the table form agree too
run "$X" screen "${LISTS[@]}" --json --as-of 2026-06-01 --batch "$TMP/q.txt"
cmp -s "$TMP/out" "$TMP/one.jsonl" || fail "default --jobs output differs from --jobs 1"
run "$X" screen "${LISTS[@]}" --as-of 2026-06-01 --batch "$TMP/q.txt" --jobs 1
cp "$TMP/out" "$TMP/one.txt"
run "$X" screen "${LISTS[@]}" --as-of 2026-06-01 --batch "$TMP/q.txt" --jobs 2
assert_rc 0
cmp -s "$TMP/out" "$TMP/one.txt" || fail "table output differs between --jobs 1 and 2"

# a CSV stopping at a bad row: the rows before it answered, the row named, for any --jobs
printf 'name,country\nNational University of Defense Technology,CN\n,CN\nSichuan University,CN\nNUDT Lookalike,Narnia\nHuawei,CN\n' >"$TMP/c.csv"
for j in 1 4; do
  run "$X" screen "${LISTS[@]}" --json --batch "$TMP/c.csv" --jobs $j
  assert_rc 1
  assert_err_contains "c.csv:3: empty name, row not screened"
  assert_err_contains "c.csv:5: country 'Narnia' is not a known country"
  assert_json "[r['query'] for r in d] == ['National University of Defense Technology', 'Sichuan University']"
done

for bad in 0 257 1.5 x; do
  run "$X" screen "${LISTS[@]}" --batch "$TMP/q.txt" --jobs "$bad"
  assert_rc 2
  assert_err_contains "--jobs '$bad' is not a whole number in 1..256"
done
