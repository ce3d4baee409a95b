# Customers, the review queue, replay and request errors.
. "$XGATE_TESTS/lib.sh"
F=$XGATE_ROOT/tests/decide
DB=$(xg_db r)

# customers: CSV import (all or nothing), show, an unverified record raises REVIEW
cat >"$TMP/c.csv" <<'CSV'
id,name,aliases,country,headquarters,ids,address,payment_means,payment_source,payment_country,email,phone,verification,owners
c-merlion,Merlion Intelligence Pte. Ltd.,Merlion AI,Singapore,SG,UEN:201912345K,1 Raffles Place,card,company account,SG,ops@merlion.example,+65 6000 0000,unverified,"Beijing Yunhai Holdings Co., Ltd.|CN|60; Temasek Seed Partners|SG|40"
c-acme,Acme Analytics GmbH,,DE,DE,,Berlin,invoice,company account,DE,,,verified,
CSV
run "$X" customers import --db "$DB" "$TMP/c.csv"
assert_rc 0
assert_out_contains "imported 2 customers"
run "$X" customers show --db "$DB" c-merlion
assert_rc 0
assert_json 'd["country"] == "SG" and d["owners"][0]["percent"] == 60 and len(d["ownership_on_file"]) == 2'
printf 'id,name,contry\nx,Bad,CN\n' >"$TMP/bad.csv"
run "$X" customers import --db "$DB" "$TMP/bad.csv"
assert_rc 1
assert_err_contains "unknown column 'contry'"
printf '{"name":"Fine Ltd","country":"GB"}\n{"name":"Bad Ltd","country":"Atlantis"}\n' >"$TMP/bad.jsonl"
run "$X" customers import --db "$DB" "$TMP/bad.jsonl"
assert_rc 1
assert_err_contains "bad.jsonl:2"
assert_err_contains "customer.country"
run "$X" customers list --db "$DB"
assert_json 'len(d["customers"]) == 2'  # nothing from the failed imports

# a registered customer named by id: stored ownership is walked; unverified → REVIEW under ear
run "$X" decide --db "$DB" --json - <<<'{"customer":{"id":"c-merlion"},"resource":{"item":"Claude"},"access":{"source_country":"SG"},"policy":"ear"}'
assert_rc 0
assert_json 'd["decision"] == "REVIEW" and any("unverified" in r["detail"] for r in d["reasons"])'
rid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision_id"])' "$TMP/out")
run "$X" decide --db "$DB" --json - <<<'{"customer":{"id":"c-merlion"},"resource":{"item":"Claude"},"access":{"source_country":"SG"},"policy":"provider"}'
assert_json 'd["decision"] == "DENY" and any(r["rule"] == "model_region" and abs(r["evidence"]["aggregate_percent"] - 60) < 1e-6 for r in d["reasons"])'
run "$X" decide --db "$DB" --json - <<<'{"customer":{"id":"c-nobody"},"resource":{"item":"Claude"}}'
assert_rc 1
assert_err_contains "customer.id"

# the review queue: listed, resolved once, the original kept, the resolution chained
run "$X" review list --db "$DB" --json
assert_json "[x['decision_id'] for x in d['decisions']] == ['$rid']"
run "$X" review resolve "$rid" --action maybe --reason x --by y --db "$DB"
assert_rc 2
run "$X" review resolve "$rid" --action confirm --reason "owner is a front for a listed party" --by "B. Analyst" --db "$DB"
assert_rc 0
assert_out_contains "DENY"
run "$X" review resolve "$rid" --action clear --reason again --by "B. Analyst" --db "$DB"
assert_rc 1
assert_err_contains "not an open review"
run "$X" review list --db "$DB" --json
assert_json 'd["decisions"] == []'
run "$X" decide --replay "$rid" --db "$DB" --json
assert_rc 0
assert_json 'd["holds"] is True and d["original"]["decision"] == "REVIEW" and d["final_outcome"] == "DENY" and d["versions_differ"] == []'
run "$X" decide --replay dec_nonexistent --db "$DB"
assert_rc 1
run "$X" audit verify --db "$DB"
assert_rc 0

# malformed requests name the field and exit 1; usage errors exit 2
bad() { run "$X" decide --dry-run - <<<"$1"; assert_rc 1; assert_err_contains "$2"; }
bad '{"customer":{"name":"X","country":"Narnia"},"resource":{"item":"H100"}}' "customer.country: unknown country 'Narnia'"
bad '{"customer":{"name":"X"},"resource":{"item":"H999 Ultra"}}' "resource.item"
bad '{"customer":{"name":"X"},"resource":{"item":"H100"},"policy":"lenient"}' "policy: unknown profile 'lenient'"
bad '{"customer":{"name":"X"},"resource":{"item":"H100"},"as_of":"2026-02-30"}' "as_of"
bad '{"customer":{"name":"X"},"resource":{"item":"H100"},"custmer":{}}' "request.custmer: unknown field"
bad '{"customer":{"name":"X","owners":[{"name":"Y","percent":140}]},"resource":{"item":"H100"}}' "customer.owners[0].percent"
bad '{"customer":{"name":"X"},"resource":{"item":"H100"},"access":{"source_ip":"999.1.1.1"}}' "access.source_ip"
bad '{"customer":{"name":"X"},"resource":{"item":"H100"},"access":{"source_region":"Crimea"}}' "access.source_region"
bad '{"customer":{"name":"X"},"resource":{"item":"H100","kind":"model"}}' "resource.kind"
bad '{"resource":{"item":"H100"}}' "customer: required"
bad '[1,2]' "request: expected a JSON object"
bad '{"customer":' "malformed JSON"
bad '{"customer":{"name":5},"resource":{"item":"H100"}}' "customer.name: expected a string"
bad '{"customer":{"name":"X"},"resource":{"item":"H100","count":"eight"}}' "resource.count: expected a non-negative number"
bad '{"customer":{"name":"X"},"resource":{"item":"H100","tokens":-1}}' "resource.tokens"
bad '{"customer":{"name":"X"},"resource":{"item":"H100","kind":"rack"}}' "resource.kind: 'rack'"
bad "{\"customer\":{\"name\":\"$(head -c 5000 /dev/zero | tr '\0' A)\"},\"resource\":{\"item\":\"H100\"}}" "customer.name: longer than"
# the provider must be the one that offers the instance or model service
bad '{"customer":{"name":"X","country":"DE"},"resource":{"item":"p5.48xlarge","provider":"gcp"}}' "resource.provider: 'gcp', but p5.48xlarge is offered by aws"
bad '{"customer":{"name":"X","country":"DE"},"resource":{"item":"gemini","provider":"azure"}}' "resource.provider: 'azure'"
run "$X" decide --dry-run - <<<$'{"customer":{"name":"\xff\xfe Ltd","country":"DE"},"resource":{"item":"H100"}}'
assert_rc 1
assert_err_contains "invalid UTF-8"
# --jsonl: a line that cannot be decided gets an error line in its place, and the exit is 1
printf '%s\n' '{"customer":{"name":"Acme GmbH","country":"DE"},"resource":{"item":"H100"}}' \
  '{"customer":{"name":"Acme GmbH"},"resource":{"item":"H999"}}' 'garbage' '' \
  '{"customer":{"name":"Acme GmbH","country":"DE"},"resource":{"item":"A100"}}' >"$TMP/mix.jsonl"
run "$X" decide --dry-run --jsonl "$TMP/mix.jsonl"
assert_rc 1
assert_err_contains "mix.jsonl:2: resource.item"
python3 - "$OUT" <<'PY' || fail "jsonl answers do not pair with request lines: $OUT"
import json, sys
a = [json.loads(l) for l in sys.argv[1].splitlines()]
assert [x.get("line") for x in a] == [None, 2, 3, None], a
assert a[0]["decision"] == "ALLOW" and "unknown item" in a[1]["error"] and "malformed JSON" in a[2]["error"]
assert a[3]["classification"]["canonical"].startswith("A100")
PY
# stored records have bounds and types, named by field
run "$X" customers add --db "$DB" - <<<"$(python3 -c 'import json;print(json.dumps({"name":"X","country":"DE","aliases":["a%d" % i for i in range(1000)]}))')"
assert_rc 1
assert_err_contains "customer.aliases: more than 256 entries"
run "$X" licenses add --db "$DB" - <<<'{"number":5,"party":"P","items":["3A090"],"destinations":["CN"],"valid_from":"2026-01-01"}'
assert_rc 1
assert_err_contains "license.number: expected a string"
run "$X" licenses add --db "$DB" --number "$(head -c 5000 /dev/zero | tr '\0' N)" --party P --item 3A090 --destination CN --from 2026-01-01
assert_rc 1
assert_err_contains "license.number: longer than 4096 bytes"
# resellers seen in recorded decisions, and whom each serves
R=$(xg_db resellers)
run "$X" decide --db "$R" "$F/s01_sichuan_azure_openai_reseller.json"
assert_rc 0
run "$X" decide --db "$R" "$F/s16_reseller_hides_end_user.json"
assert_rc 0
run "$X" customers resellers --db "$R"
assert_rc 0
assert_json 'len(d) == 2 and d[0]["serves"] == "Sichuan University" and d[0]["names_end_user"] is True and d[1]["names_end_user"] is False'
run "$X" customers resellers --db "$R" "CHENGDU ZHIYUN  Information Technology Co., Ltd."
assert_json 'len(d) == 1 and d[0]["country"] == "CN"'
# the human form names the resource as judged
run "$X" decide --dry-run "$F/s01_sichuan_azure_openai_reseller.json"
assert_rc 0
assert_out_contains "resource Azure OpenAI → GPT-4o (Azure OpenAI) (model, model; not 3A090/4A090)  tokens 40000000"
# a generic model name with a platform is that vendor's service on the platform
run "$X" decide --dry-run --json - <<<'{"customer":{"name":"Acme Analytics GmbH","country":"DE"},"resource":{"item":"claude","provider":"aws","tokens":50000000}}'
assert_rc 0
assert_json 'd["classification"]["canonical"] == "Claude on Amazon Bedrock" and "aws" in d["resource"]["resolved"] and d["resource"]["tokens"] == 50000000'
run "$X" decide --dry-run --json - <<<'{"customer":{"name":"Acme Analytics GmbH","country":"DE"},"resource":{"item":"Standard_ND96isr_H100_v5","provider":"Microsoft Azure"}}'
assert_rc 0
assert_json 'd["classification"]["canonical"] == "ND96isr_H100_v5" and "resolved" not in d["resource"]'
run "$X" decide --dry-run --policy nope "$F/s05_cset_bytedance_uk_rtx4090.json"
assert_rc 1
assert_err_contains "unknown profile 'nope'"
run "$X" decide
assert_rc 2

# GeoIP: the source country comes from the address when not given, and the database is named
run "$X" decide --dry-run --json - <<<'{"customer":{"name":"Acme Analytics GmbH","country":"DE"},"resource":{"item":"g4dn.xlarge"},"access":{"source_ip":"8.8.8.8"}}'
assert_rc 0
assert_json 'd["access"]["source_country_from"] == "geoip" and d["access"]["source_country"] == "US" and "GEO" in d["access"]["geoip_database"].upper()'

# keys for the HTTP service: the key alone on the last line
run "$X" keys create --role analyst --name "B. Analyst" --db "$DB"
assert_rc 0
key=$(tail -n1 <<<"$OUT")
[[ "$key" == xgk_* ]] || fail "last line is not the key: $key"
run "$X" keys create --role root --db "$DB"
assert_rc 1
