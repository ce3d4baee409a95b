# xgate classify --spec (boundaries of RULES.md §1, sparse input, bad specs) and --import of the
# whole Epoch hardware table plus malformed tables.
. "$XGATE_TESTS/lib.sh"
# JSONL assertions: d is always the list of objects, even for one line.
assert_jl() { assert_json "(lambda d: $1)(d if isinstance(d, list) else [d])"; }

run "$X" classify --json --spec 'fp8=1979,die=814,datacenter=yes'
assert_rc 0
assert_jl 'd[0]["tpp"] == 15832 and d[0]["pd"] == 19.45 and d[0]["eccn"] == "3A090.a"'
run "$X" classify --json --spec 'fp8=3958,die=814,datacenter=yes,sparse=yes,dram_bw=3350'
assert_jl 'd[0]["tpp"] == 15832 and d[0]["jan2026_class"]'

check() { # spec expected-paragraph-or-null
  run "$X" classify --json --as-of 2024-06-01 --spec "$1"
  assert_rc 0
  assert_jl "d[0]['paragraph'] == $2"
}
check 'tpp=4800,pd=0.5,datacenter=yes' '"3A090.a.1"'
check 'tpp=1600,pd=5.92,datacenter=yes' '"3A090.a.2"'
check 'tpp=2400,pd=1.6,datacenter=yes' '"3A090.b.1"'
check 'tpp=1600,pd=3.2,datacenter=yes' '"3A090.b.2"'
check 'tpp=2399.9,pd=3.199,datacenter=yes' 'None'
check 'tpp=4799,pd=7,datacenter=no' 'None'
check 'tpp=4800,pd=7,datacenter=no' '"3A090.a.1"'

run "$X" classify --spec 'fp8=1979,die=814'
assert_rc 0
assert_out_contains "datacenter not stated: assumed yes"

for bad in 'fp8=abc' 'warp=9' 'fp8=-1' '' 'datacenter=yes' 'fp8=1e999'; do
  run "$X" classify --spec "$bad"
  assert_rc 2
  assert_err_contains "spec"
done

# the whole Epoch table: every row accounted for, no crash
run "$X" classify --json --as-of 2026-11-22 --import "$SHARED/data/hardware/epoch_ml_hardware_specs.csv"
assert_rc 0
assert_err_contains "175 rows"
assert_jl 'len(d) > 150'
assert_jl 'any(o["item"] == "NVIDIA H100 SXM5 80GB" and o["tpp"] == 15832 and o["canonical"] == "H100 SXM5 80GB" for o in d)'
assert_jl 'any(o["item"] == "NVIDIA GeForce RTX 4090" and o["exceptions"] == ["NAC", "ACA"] for o in d)'

# malformed tables
printf 'Hardware name,FP8 performance (FLOP/s)\nX,abc\n,1e15\nY,2e15\n"unterminated,1\n' > "$TMP/odd.csv"
run "$X" classify --json --import "$TMP/odd.csv"
assert_rc 0
assert_jl 'len(d) == 1 and d[0]["item"] == "Y" and d[0]["tpp"] == 16000'
assert_err_contains "line"
printf 'name,other\n1,2\n' > "$TMP/nohdr.csv"
run "$X" classify --import "$TMP/nohdr.csv"
assert_rc 1
assert_err_contains "Hardware name"
run "$X" classify --import "$TMP/does-not-exist.csv"
assert_rc 1
head -c 3000 /dev/urandom > "$TMP/rand.csv"
run "$X" classify --import "$TMP/rand.csv"
[ "$RC" -le 1 ] || fail "random bytes: exit $RC"
