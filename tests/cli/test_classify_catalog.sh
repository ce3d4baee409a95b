# xgate catalog list: kinds, JSON, aliases; catalog version.
. "$XGATE_TESTS/lib.sh"

run "$X" catalog list
assert_rc 0
assert_out_contains "H100 SXM5 80GB"
assert_out_contains "p5.48xlarge"
run "$X" catalog list --kind instance --json
assert_rc 0
assert_json 'len(d) > 90 and all(o["kind"] == "instance" and o["components"][0]["count"] >= 1 for o in d)'
run "$X" catalog list --kind model --json
assert_json 'any(o["name"] == "Claude (Anthropic API)" for o in d)'
run "$X" catalog list --kind chip --json
assert_json 'any("h100-sxm" in o["aliases"] for o in d) and all(o["kind"] == "chip" for o in d)'
run "$X" catalog list --kind gadget
assert_rc 2
run "$X" catalog version
assert_rc 0
[ ${#OUT} -eq 12 ] || fail "version '$OUT'"
run "$X" catalog
assert_rc 2
# a broken catalog is a clear error, not a crash
mkdir -p "$TMP/data/catalog"
cp "$XGATE_DATA"/catalog/*.json "$TMP/data/catalog/"
printf '{"chips": [' > "$TMP/data/catalog/chips.json"
XGATE_DATA="$TMP/data" run "$X" catalog list
assert_rc 3
assert_err_contains "chips.json"
