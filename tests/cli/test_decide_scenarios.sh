# The decision scenario suite (issue 4): every fixture in tests/decide/ under each profile, with
# the outcome the policy tables give, then the reasons and evidence that matter for each case.
# One `decide --jsonl` run decides them all (loading lists once keeps the sanitised run short).
. "$XGATE_TESTS/lib.sh"
F=$XGATE_ROOT/tests/decide
DB=$(xg_db decide)

python3 - "$F" >"$TMP/batch.jsonl" <<'PY'
import json, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if not name.endswith(".json"):
        continue
    req = json.load(open(os.path.join(d, name)))
    for profile in ("ear", "remote-access", "provider"):
        req["policy"] = profile
        print(json.dumps(req))
PY

run "$X" decide --db "$DB" --jsonl "$TMP/batch.jsonl"
assert_rc 0
cp "$TMP/out" "$TMP/answers.jsonl"

python3 - "$F" "$TMP/answers.jsonl" <<'PY' || fail "scenario outcomes differ (see above)"
import json, os, sys
fixtures = sorted(n for n in os.listdir(sys.argv[1]) if n.endswith(".json"))
answers = [json.loads(l) for l in open(sys.argv[2])]
# fixture prefix -> outcome under (ear, remote-access, provider)
expected = {
    "s01": ("REVIEW", "DENY", "DENY"),                              # Sichuan University (Entity List), Azure OpenAI via reseller
    "s02": ("REVIEW", "LICENSE_REQUIRED", "LICENSE_REQUIRED"),      # Shenzhen University trains on p4d via an intermediary
    "s03": ("LICENSE_REQUIRED",) * 3,                               # CSET: H100 to an Alibaba subsidiary in Saudi Arabia
    "s04": ("LICENSE_REQUIRED",) * 3,                               # CSET: H100 to a Tencent subsidiary in Germany
    "s05": ("ALLOW",) * 3,                                          # CSET: RTX 4090 to a ByteDance subsidiary in the UK
    "s06": ("DENY",) * 3,                                           # an SDN party on a non-controlled instance
    "s07_": ("DENY",) * 3,                                          # a customer in an embargoed country
    "s07b": ("REVIEW",) * 3,                                        # access from Crimea only
    "s07c": ("DENY",) * 3,                                          # a customer located in Sevastopol
    "s08": ("ALLOW", "LICENSE_REQUIRED", "LICENSE_REQUIRED"),       # German subsidiary of a Chinese parent on p5
    "s09": ("ALLOW", "ALLOW", "DENY"),                              # Singapore company 60 % owned from China asks for Claude
    # H20 for a Chinese company in 2025. The issue's table says "ALLOW, noted" under ear: that
    # holds for H20 capacity *rented* (kind instance: renting is not an export, s10b); 5000 H20
    # chips *shipped* (kind chip, s10_) are an export and the is-informed letters require a license.
    "s10_": ("LICENSE_REQUIRED",) * 3,                              # kind chip: shipped
    "s10b": ("ALLOW", "LICENSE_REQUIRED", "LICENSE_REQUIRED"),      # kind instance: rented
    "s11": ("LICENSE_REQUIRED",) * 3,                               # H200 for a China-located company after Jan 2026
    "s12": ("LICENSE_REQUIRED",) * 3,                               # no license on file yet
    "s13": ("REVIEW",) * 3,                                         # an ownership cycle
    "s14": ("REVIEW", "DENY", "DENY"),                              # a listed reseller serving a clean customer
    "s15": ("DENY",) * 3,                                           # 60 % owned by SDN parties
    "s16": ("REVIEW",) * 3,                                         # reseller will not name its end user; countries disagree
    "s17": ("ALLOW", "ALLOW", "DENY"),                              # subsidiary named only with its Chinese ultimate parent asks for Claude
    # the issue's request form: an owner given by "country" only is headquartered there
    "s18": ("REVIEW", "LICENSE_REQUIRED", "LICENSE_REQUIRED"),      # German company 60 % owned from China trains on p5
    "s19": ("ALLOW", "ALLOW", "DENY"),                              # Singapore company 60 % owned from China asks for Claude
}
bad = 0
assert len(answers) == 3 * len(fixtures), (len(answers), len(fixtures))
for i, name in enumerate(fixtures):
    key = next(k for k in expected if name.startswith(k))
    for j, profile in enumerate(("ear", "remote-access", "provider")):
        a = answers[3 * i + j]
        assert a["versions"]["policy"] == profile
        if a["decision"] != expected[key][j]:
            bad += 1
            print(f"{name} {profile}: {a['decision']}, expected {expected[key][j]}:",
                  [(r["rule"], r["outcome"], r["detail"]) for r in a["reasons"]], file=sys.stderr)
        for r in a["reasons"]:
            assert set(r) >= {"rule", "citation", "detail", "evidence"}, r
            assert r["citation"], r
        assert a["decision_id"] and a["audit"]["seq"] > 0 and len(a["audit"]["hash"]) == 64
sys.exit(1 if bad else 0)
PY

# Details an analyst relies on.
check() { python3 - "$TMP/answers.jsonl" "$1" "$2" "$3" <<'PY' || fail "check $2 $3 failed"
import json, os, sys
answers = [json.loads(l) for l in open(sys.argv[1])]
fixtures = sorted(n for n in os.listdir(os.environ["F"]) if n.endswith(".json"))
i = next(k for k, n in enumerate(fixtures) if n.startswith(sys.argv[2]))
d = answers[3 * i + ("ear", "remote-access", "provider").index(sys.argv[3])]
rules = {r["rule"]: r for r in d["reasons"]}
ok = eval(sys.argv[4])
if not ok:
    print(json.dumps(d["reasons"], indent=1)[:3000], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
export F
# LICENSE_REQUIRED states the review policy.
check s03 provider '"presumption of denial" in rules["compute_located"]["detail"] and rules["compute_located"]["evidence"]["review_policy"]["policy"] == "d5_presumption_denial"'
check s04 ear 'rules["compute_headquarters"]["evidence"]["whose"] == "ultimate parent headquarters" and "presumption of denial" in rules["compute_headquarters"]["detail"]'
check s11 provider 'rules["compute_located"]["evidence"]["review_policy"]["policy"] == "jan2026_case_by_case"'
check s05 provider '"headquarters rule does not reach" in rules["compute_headquarters"]["detail"]'
# Every party is screened and listed with its role.
check s01 provider '[p["role"] for p in d["parties"]] == ["customer", "intermediary"] and d["parties"][0]["screening"][0]["list"] == "EL"'
check s14 remote-access 'rules["entity_listed"]["evidence"]["role"] == "intermediary"'
check s06 ear 'rules["sdn_listed"]["evidence"]["matches"][0]["list"] == "SDN"'
# Ownership: aggregates, cycles, the ultimate parent.
check s09 provider 'abs(rules["model_region"]["evidence"]["aggregate_percent"] - 60) < 1e-6'
check s09 ear 'rules["model_region"]["outcome"] == "ALLOW" and "noted" in rules["model_region"]["detail"]'
check s13 ear 'd["ownership"]["cycles"] and rules["red_flag"]["evidence"]["cycles"]'
check s15 provider 'abs(rules["sdn_owned"]["evidence"]["aggregate_percent"] - 60) < 1e-6'
check s08 provider 'd["ownership"]["ultimate_parent"]["headquarters"] == "CN"'
check s08 ear 'rules["compute_headquarters"]["outcome"] == "ALLOW" and "not training" in rules["compute_headquarters"]["detail"]'
check s10_ ear 'd["access"]["delivery"] == "export" and rules["sku_overlay"]["outcome"] == "LICENSE_REQUIRED" and "H20_LETTER_2025" in rules["sku_overlay"]["evidence"]["overlays"]'
check s10b ear 'd["access"]["delivery"] == "remote" and rules["sku_overlay"]["outcome"] == "ALLOW" and "noted" in rules["sku_overlay"]["detail"]'
check s10b provider 'rules["sku_overlay"]["outcome"] == "LICENSE_REQUIRED" and d["resource"]["count"] == 64'
# What was asked for is echoed: count, tokens, the total TPP.
check s01 provider 'd["resource"]["tokens"] == 40000000 and d["resource"]["delivery"] == "model"'
check s08 ear 'd["resource"]["tpp_total"] == d["classification"]["tpp"] * (d["resource"]["count"] or 1)'
check s02 ear 'rules["compute_located"]["outcome"] == "REVIEW" and "training" in rules["compute_located"]["detail"]'
check s07b provider 'rules["embargo_access"]["evidence"]["code"] == "UA-43"'
check s17 provider 'any("control (100 %) assumed" in m for m in d["ownership"]["missing"]) and rules["model_region"]["evidence"]["aggregate_percent"] == 100'
check s16 provider 'sum(r["rule"] == "red_flag" for r in d["reasons"]) == 2'

check s18 ear 'rules["compute_headquarters"]["outcome"] == "REVIEW" and d["ownership"]["ultimate_parent"]["headquarters"] == "CN"'
check s19 provider 'abs(rules["model_region"]["evidence"]["aggregate_percent"] - 60) < 1e-6'

# The same owner on file (customers add) counts the same way when the customer is named by id.
run "$X" customers add --db "$DB" - <<<'{"name":"Nordlicht Rechenzentrum GmbH","country":"DE","verification":"verified","owners":[{"name":"Hangzhou Lanxin Technology Co., Ltd.","country":"CN","percent":60}]}'
assert_rc 0
cid=$(tail -n1 <<<"$OUT")
run "$X" decide --db "$DB" --json - <<<"{\"customer\":{\"id\":\"$cid\"},\"resource\":{\"item\":\"p5.48xlarge\"},\"access\":{\"end_use\":\"training\"},\"policy\":\"provider\"}"
assert_rc 0
assert_json 'd["decision"] == "LICENSE_REQUIRED" and any(r["rule"] == "compute_headquarters" for r in d["reasons"])'

# The H20 letters and the Jan-2026 rule depend on the date; --as-of and the request's as_of.
run "$X" decide --dry-run --json --policy provider - <<<"$(python3 -c "import json;r=json.load(open('$F/s10_h20_shipped_chips_china_2025.json'));r['as_of']='2024-06-01';print(json.dumps(r))")"
assert_rc 0
assert_json 'd["decision"] == "ALLOW"'
run "$X" decide --dry-run --json - <<<"$(python3 -c "import json;r=json.load(open('$F/s11_h200_china_2026.json'));del r['as_of'];print(json.dumps(r))")" --as-of 2025-12-01
assert_rc 0
assert_json 'd["reasons"][0]["evidence"]["review_policy"]["policy"] == "d5_presumption_denial" and d["versions"]["as_of"] == "2025-12-01" and d["decision_id"] is None'

# A license on file covering party, item and destination turns LICENSE_REQUIRED into ALLOW.
run "$X" licenses add --db "$DB" --number D1234567 --party "Alibaba Cloud Arabia Company" \
    --item 3A090.a --destination "Saudi Arabia" --from 2026-01-01 --to 2027-12-31
assert_rc 0
run "$X" decide --db "$DB" --json "$F/s12_license_on_file.json"
assert_rc 0
assert_json 'd["decision"] == "ALLOW" and any(r["rule"] == "license_on_file" for r in d["reasons"])'
run "$X" decide --db "$DB" --json --policy ear - <<<"$(python3 -c "import json;r=json.load(open('$F/s12_license_on_file.json'));r['as_of']='2028-02-01';print(json.dumps(r))")"
assert_json 'd["decision"] == "LICENSE_REQUIRED"'  # expired
# A license names items as the catalog does or by ECCN (a parent ECCN covers its paragraphs);
# an item or destination it could never match, or a validity that ends before it starts, is refused.
L=$(xg_db lic)
run "$X" licenses add --db "$L" --number D7654321 --party "Alibaba Cloud Arabia Company" --item h100-sxm --destination SA --from 2026-01-01
assert_rc 0
run "$X" licenses list --db "$L"
assert_json 'd[0]["items"] == ["H100 SXM5 80GB"] and d[0]["destinations"] == ["SA"]'
run "$X" decide --db "$L" --json "$F/s12_license_on_file.json"
assert_json 'd["decision"] == "ALLOW"'
run "$X" licenses add --db "$L" --number D7654322 --party "Alibaba Cloud Arabia Company" --item 4A090 --destination "Saudi Arabia" --from 2026-01-01
assert_rc 0
run "$X" decide --db "$L" --json - <<<'{"customer":{"name":"Alibaba Cloud Arabia Company","country":"SA","ultimate_parent":{"name":"Alibaba Group Holding Limited","headquarters":"CN"}},"resource":{"item":"p5.48xlarge"},"as_of":"2026-11-22"}'
assert_json 'd["decision"] == "ALLOW" and [r for r in d["reasons"] if r["rule"] == "license_on_file"][0]["evidence"]["license"]["number"] == "D7654322"'
run "$X" licenses add --db "$L" --number D1 --party P --item "H100 Ultra Max" --destination SA --from 2026-01-01
assert_rc 1
assert_err_contains 'license.items[0]: unknown item "H100 Ultra Max"'
run "$X" licenses add --db "$L" - <<<'{"number":"D2","party":"P","items":["3A090"],"destinations":["Atlantis"],"valid_from":"2026-01-01"}'
assert_rc 1
assert_err_contains "license.destinations[0]: unknown country 'Atlantis'"
run "$X" licenses add --db "$L" --number D3 --party P --item 3A090 --destination SA --from 2026-05-01 --to 2026-01-01
assert_rc 1
assert_err_contains "license.valid_to: '2026-01-01' is before valid_from '2026-05-01'"

# The Affiliates rule: 50 % owned by an Entity List party, by date.
aff='{"customer":{"name":"Blue Harbor Compute Ltd","country":"MY","owners":[{"name":"Sichuan University","country":"CN","percent":55}]},"resource":{"item":"g4dn.xlarge"},"access":{"source_country":"MY"},"policy":"provider"}'
for d_o in "2025-10-15 DENY" "2026-02-01 REVIEW" "2025-09-01 REVIEW" "2026-11-22 DENY"; do
  set -- $d_o
  run "$X" decide --dry-run --json --as-of "$1" - <<<"$aff"
  assert_rc 0
  assert_json "d['decision'] == '$2'"
done
run "$X" decide --dry-run --json --as-of 2026-02-01 - <<<"$aff"
assert_json 'any(r["rule"] == "entity_affiliate" and r["outcome"] == "REVIEW" and "suspended" in r["rule_text"] + r["citation"] for r in d["reasons"])'
