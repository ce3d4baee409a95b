# xgate classify on catalog items: worked values of RULES.md §1 and §5, aliases, JSONL fields,
# human output, unknown items (exit 1 after the known ones), --as-of regimes, patterns.
. "$XGATE_TESTS/lib.sh"
# JSONL assertions: d is always the list of objects, even for one line.
assert_jl() { assert_json "(lambda d: $1)(d if isinstance(d, list) else [d])"; }

run "$X" classify --json --as-of 2024-06-01 "H100 SXM5 80GB" h100-sxm H100-SXM5-80GB "NVIDIA H100"
assert_rc 0
assert_jl 'len(d) == 4 and all(o["canonical"] == "H100 SXM5 80GB" and o["tpp"] == 15832 and o["pd"] == 19.45 for o in d)'
assert_jl '[o["item"] for o in d] == ["H100 SXM5 80GB", "h100-sxm", "H100-SXM5-80GB", "NVIDIA H100"]'
assert_jl 'all(o["eccn"] == "3A090.a" and o["paragraph"] == "3A090.a.1" and o["kind"] == "chip" and o["datacenter"] for o in d)'
assert_jl 'all(k in d[0] for k in ["item","canonical","kind","tpp","pd","eccn","paragraph","datacenter","exceptions","overlays","license","regime","notes","sources"])'
assert_jl 'd[0]["regime"] == "2023-11-17" and d[0]["license"]["D:5"] == "presumption of denial"'

# RULES.md §1 worked values
run "$X" classify --json --as-of 2024-06-01 A100 A800 H800 H200 H20 L40S L20 "RTX 4090"
assert_rc 0
assert_jl '[round(o["tpp"]) for o in d] == [4992, 4992, 15832, 15832, 2368, 5864, 1912, 5285]'
assert_jl '[o["pd"] for o in d] == [6.04, 6.04, 19.45, 19.45, 2.91, 9.64, 3.14, 8.68]'
assert_jl '[o["eccn"] for o in d] == ["3A090.a", "3A090.a", "3A090.a", "3A090.a", None, "3A090.a", None, "3A090.a"]'
assert_jl 'd[7]["datacenter"] is False and d[7]["exceptions"] == ["NAC", "ACA"]'

# human output
run "$X" classify --as-of 2024-06-01 "RTX 4090" L20
assert_rc 0
assert_out_contains "3A090.a (3A090.a.1)"
assert_out_contains "≈5285"
assert_out_contains "PD 8.68"
assert_out_contains "exception: NAC"
assert_out_contains "not 3A090/4A090  TPP 1912  PD 3.14"

# RULES.md §5 instances and systems
run "$X" classify --json p4d.24xlarge p4de.24xlarge p5.48xlarge p5e.48xlarge p5en.48xlarge ND96asr_v4 ND96amsr_A100_v4 ND96isr_H100_v5 a2-highgpu-8g a2-ultragpu-8g a3-highgpu-8g a3-megagpu-8g a3-ultragpu-8g
assert_rc 0
assert_jl '[o["tpp"] for o in d] == [39936, 39936, 126656, 126656, 126656, 39936, 39936, 126656, 39936, 39936, 126656, 126656, 126656]'
assert_jl 'all(o["eccn"] == "4A090.a" and o["kind"] == "instance" and o["components"][0]["count"] == 8 for o in d)'
run "$X" classify --json 'g4dn.*'
assert_rc 0
assert_jl 'len(d) == 7 and all(o["eccn"] is None and o["components"][0]["item"] == "T4" for o in d)'
run "$X" classify --json "DGX H100" "HGX H20 8-GPU"
assert_jl 'd[0]["kind"] == "system" and d[0]["tpp"] == 126656 and d[1]["overlays"] == ["H20_LETTER_2025"]'

# unknown items: message with nearest names, results for the known ones, exit 1
run "$X" classify --json H100 "H100 SXM9 Turbo" A100
assert_rc 1
assert_err_contains 'unknown item "H100 SXM9 Turbo"'
assert_err_contains "nearest:"
assert_jl 'len(d) == 2 and d[1]["canonical"] == "A100 SXM4 40GB"'
run "$X" classify 'zz*'
assert_rc 1
assert_err_contains "unknown item"

# regimes by date
run "$X" classify --json --as-of 2023-11-16 A800 H800 A100
assert_jl '[o["eccn"] for o in d] == [None, None, "3A090.a"] and d[0]["regime"] == "2022-10-07"'
run "$X" classify --json --as-of 2022-10-06 A100
assert_jl 'd[0]["eccn"] is None and d[0]["regime"] == "none"'
run "$X" classify --json --as-of 2026-01-15 H200 B200
assert_jl 'd[0]["license"]["CN"] == "case-by-case" and d[0]["license"]["headquartered D:5/Macau"] == "presumption of denial" and d[1]["license"]["CN"] == "presumption of denial"'
run "$X" classify --json --as-of 2025-03-01 --ai-diffusion H100
assert_jl '"Tier 2" in d[0]["license"] and any("Tier 1: AU" in n for n in d[0]["notes"])'
# options may follow the items
run "$X" classify H100 --as-of 2023-01-01 --json
assert_rc 0
assert_jl 'd[0]["regime"] == "2022-10-07"'

# model services
run "$X" classify --json claude gpt-4o "Claude on Vertex AI"
assert_rc 0
assert_jl 'd[0]["kind"] == "model" and d[0]["provider"] == "anthropic" and d[0]["ownership_rule"] and "CN" in d[0]["unsupported_regions"]'
assert_jl 'd[1]["provider"] == "openai" and not d[1]["ownership_rule"]'

# usage errors
run "$X" classify
assert_rc 2
run "$X" classify --as-of tomorrow H100
assert_rc 2
run "$X" classify --spec fp8=1 H100
assert_rc 2

# bad item names are bad input (exit 1, the others still classified), never an internal error
run "$X" classify --json $'\xff\xfe' H100 ''
assert_rc 1
assert_err_contains "item name: invalid UTF-8"
assert_err_contains "item name: empty"
assert_jl 'len(d) == 1 and d[0]["canonical"] == "H100 SXM5 80GB"'
