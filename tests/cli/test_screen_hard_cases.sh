# The hard cases of SCREENING.md through the real binary: NUDT four ways, a BIT sub-institute,
# Ausay in Chinese and by USCC, a traditional-character name, delisted records, and the near
# misses that must stay quiet at the default threshold.
. "$XGATE_TESTS/lib.sh"
L=$SHARED/data/lists
PRC=$L/csl_entity_list_prc_research.csv
NUDT=c99570ec5878f7fe08538d189905a59c

for q in "National University of Defense Technology" "Hunan Guofang Keji University" \
  "国防科技大学" "国防科学技術大学"; do
  run "$X" screen --list "$PRC" --json "$q"
  assert_rc 0
  assert_json "any(m['id'] == '$NUDT' for m in d['matches'])"
  assert_json "d['matches'][0]['id'] == '$NUDT' and d['matches'][0]['explanation']['pairs']"
done

run "$X" screen --list "$PRC" --json "Beijing Institute of Technology, Shenzhen Research Institute"
assert_rc 0
assert_json "d['matches'][0]['name'] == 'Beijing Institute of Technology'"
assert_json "d['matches'][0]['matched'] == 'Beijing Institute of Technology, Shenzhen Research Institute'"

EU=$L/eu_833_annex_iv_2026.xgate.csv
run "$X" screen --list "$EU" --json "广州欧赛科技有限公司"
assert_rc 0
assert_json "d['matches'][0]['id'] == 'EU833-IV-603' and d['matches'][0]['score'] >= 0.99"
# by USCC alone, whatever the name says
run "$X" screen --list "$EU" --json --id USCC:91440101MA5ALQNR86 "Some Trading Company"
assert_rc 0
assert_json "d['matches'][0]['id'] == 'EU833-IV-603' and d['matches'][0]['score'] == 1.0"
assert_json "d['matches'][0]['explanation']['method'] == 'identifier'"
assert_json "d['matches'][0]['matched'].startswith('ID:')"
# the English name, against the EU file
run "$X" screen --list "$EU" --json "Guangzhou Ausay Technology Co., Ltd."
assert_json "d['matches'][0]['id'] == 'EU833-IV-603'"
# traditional characters
run "$X" screen --list "$EU" --json "香港凱利實業有限公司"
assert_json "d['matches'][0]['id'] == 'EU833-IV-640'"
run "$X" screen --list "$EU" --json "香港凯利实业有限公司"
assert_json "d['matches'][0]['id'] == 'EU833-IV-640'"

# delisted 1260H records are history, never alerts; --as-of before the removal makes them live
D=$L/dod_1260h_2026.xgate.csv
run "$X" screen --list "$D" --json "Beijing Megvii Technology Co., Ltd."
assert_rc 0
assert_json "not any(m['id'] == '1260H-839948c04e18' for m in d['matches'])"
assert_json "any(m['id'] == '1260H-839948c04e18' and m['end_date'] == '2025-01-07' for m in d['delisted'])"
run "$X" screen --list "$D" --json --as-of 2024-06-01 "Beijing Megvii Technology Co., Ltd."
assert_json "any(m['id'] == '1260H-839948c04e18' for m in d['matches']) and not d['delisted']"
run "$X" screen --list "$D" "Beijing Megvii Technology Co., Ltd."
assert_rc 0
assert_out_contains "delisted"
assert_out_contains "2025-01-07"

# near misses stay quiet against all shared lists at the default threshold
ALL=(--list "$PRC" --list "$L/csl_meti_names_2022-12.txt" --list "$L/csl_sample.csv" --list "$D"
  --list "$EU" --list "$L/ofac_sdn_2021-07" --list "$L/un_sc_consolidated_2026-02.xml")
for q in "Sichuan Agricultural University" "四川农业大学" "Taiwan Semiconductor Manufacturing Company"; do
  run "$X" screen "${ALL[@]}" --json "$q"
  assert_rc 0
  assert_json "d['matches'] == [] and 0 < d['best_below'] < d['threshold'] and d['near_miss']"
done
# while the listed ones are found
run "$X" screen "${ALL[@]}" --json "Sichuan University"
assert_json "any(m['name'] == 'Sichuan University' for m in d['matches'])"
run "$X" screen "${ALL[@]}" --json "Semiconductor Manufacturing International Corp"
assert_json "len(d['matches']) > 0"
