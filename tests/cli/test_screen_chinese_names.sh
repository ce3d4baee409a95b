# Chinese names of organisations listed in English (issue 13) through the real binary, on the
# Entity List entries for PRC research institutions: a prefix that used to drag the score
# (中国人民解放军), a listed parent inside a longer name with the relation explained, an
# abbreviation, traditional characters, and universities of the same city as listed ones that must
# stay quiet at the default threshold.
. "$XGATE_TESTS/lib.sh"
PRC=$SHARED/data/lists/csl_entity_list_prc_research.csv
NUDT=c99570ec5878f7fe08538d189905a59c

for q in "中国人民解放军国防科技大学" "中國人民解放軍國防科技大學" "国防科大"; do
  run "$X" screen --list "$PRC" --json "$q"
  assert_rc 0
  assert_json "d['matches'][0]['id'] == '$NUDT' and d['matches'][0]['score'] >= 0.8"
done
run "$X" screen --list "$PRC" --json "中国人民解放军国防科技大学"
assert_json "d['matches'][0]['explanation']['nested']['relation'] == 'listed_unit'"
assert_json "'chinese peoples liberation army' in d['matches'][0]['explanation']['nested']['unmatched_levels']"

run "$X" screen --list "$PRC" --json "北京航空航天大学杭州创新研究院"
assert_rc 0
assert_json "d['matches'][0]['name'].startswith('Beijing University of Aeronautics and Astronautics')"
assert_json "d['matches'][0]['explanation']['nested']['relation'] == 'listed_parent'"
assert_json "any(p['kind'] == 'unmatched_levels' for p in d['matches'][0]['explanation']['penalties'])"

run "$X" screen --list "$PRC" --json "北航"
assert_json "d['matches'][0]['name'] == 'Beijing University of Aeronautics and Astronautics (BUAA)'"

# another university of the same city: nothing at the default threshold, the near miss reported
for q in "天津理工大学" "南京工业大学" "哈尔滨理工大学" "天津科技大学"; do
  run "$X" screen --list "$PRC" --json "$q"
  assert_rc 0
  assert_json "d['matches'] == [] and d['best_below'] < 0.8"
done
run "$X" screen --list "$PRC" --json --threshold 0.3 "天津理工大学"
assert_json "any(p['kind'] == 'university_qualifiers' for m in d['matches'] for p in m['explanation']['penalties'])"

# a word read part by meaning, part by pinyin (新 new, 国脉 guomai), each piece named in the
# explanation (1260H list)
DOD=$SHARED/data/lists/dod_1260h_2026.xgate.csv
run "$X" screen --list "$DOD" --json "新国脉数字文化股份有限公司"
assert_rc 0
assert_json "d['matches'][0]['name'] == 'New Guomai Digital Culture Co., Ltd.' and d['matches'][0]['score'] >= 0.8"
assert_json "any(p.get('via') == 'pieces' and p['list'] == 'new guomai' and p['pieces'] == '新 new (gloss), 国 guo (pinyin), 脉 mai (pinyin)' for p in d['matches'][0]['explanation']['pairs'])"
