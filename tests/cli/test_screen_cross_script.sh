# Cross-script rows of oracles/cross_script_pairs.csv: every Cyrillic row, and the Chinese rows
# whose Latin form is pinyin (金正恩 → "Kim Jong Un" is a Korean reading, not pinyin, and is
# left out). The expected Latin names form a plain name list; each query must find its own name
# at the default threshold.
. "$XGATE_TESTS/lib.sh"
PAIRS=$SHARED/data/oracles/cross_script_pairs.csv
awk -F, '/^# Cyrillic/ {s="cy"} /^# Chinese/ {s="zh"} /^# Korean/ {s=""}
  !/^#/ && NF >= 3 && s != "" && $2 != "Kim Jong Un" {print $1 "\t" $2}' "$PAIRS" >"$TMP/pairs.tsv"
cut -f2 "$TMP/pairs.tsv" >"$TMP/names.txt"
[ "$(wc -l <"$TMP/pairs.tsv")" -ge 6 ] || fail "expected the Cyrillic and pinyin rows"
while IFS=$'\t' read -r q want; do
  run "$X" screen --list "$TMP/names.txt" --json "$q"
  assert_rc 0
  assert_json "d['matches'] and d['matches'][0]['name'] == '$want'"
done <"$TMP/pairs.tsv"
