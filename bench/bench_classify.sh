#!/usr/bin/env bash
# Benchmark of `xgate classify`: catalog load time, 1M instance-type lookups and 100k full
# classifications (a small C driver linked against build/libxgate.a), the whole Epoch hardware
# table through `xgate classify --import` against a plain Python reimplementation of the TPP
# formula (the peer: same file, same run), and agreement of computed TPP/PD with published
# figures (RULES.md worked values) and between catalog and Epoch rows. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
X=$ROOT/build/xgate
SHARED=${XGATE_SHARED:-$ROOT/../shared}
EPOCH=$SHARED/data/hardware/epoch_ml_hardware_specs.csv
export XGATE_DATA=$ROOT/data
[ -x "$X" ] && [ -f build/libxgate.a ] || make -s build/xgate >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cat > "$W/drv.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xgate/classify.h"
#include "xgate/error.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv)
{
    const char *dir = argv[1];
    int loads = 50;
    double t0 = now();
    xg_catalog *c = NULL;
    for (int i = 0; i < loads; i++) { if (c) xg_catalog_free(c); if (xg_catalog_load(&c, dir)) { fprintf(stderr, "%s\n", xg_error_message()); return 1; } }
    double load_ms = (now() - t0) / loads * 1e3;
    const char *names[256]; size_t n = 0;
    for (size_t i = 0; i < xg_catalog_size(c) && n < 256; i++) {
        const xg_catalog_entry *e = xg_catalog_entry_at(c, i);
        if (e->kind == XG_ITEM_INSTANCE) names[n++] = e->name;
    }
    /* lookups with the spellings users type: the name, upper-cased and with a cloud prefix */
    char forms[3][256][96]; size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(forms[0][i], 96, "%s", names[i]);
        snprintf(forms[1][i], 96, "%s", names[i]);
        for (char *p = forms[1][i]; *p; p++) if (*p >= 'a' && *p <= 'z') *p -= 32;
        snprintf(forms[2][i], 96, "Standard_%s", names[i]);
    }
    nf = n;
    long N = 1000000, found = 0;
    t0 = now();
    for (long i = 0; i < N; i++) {
        const xg_catalog_entry *e;
        if (!xg_catalog_lookup(c, forms[i % 3][i % nf], &e)) found++;
    }
    double lk = now() - t0;
    long M = 100000;
    t0 = now();
    for (long i = 0; i < M; i++) {
        xg_classification *cl;
        if (xg_classify_item(&cl, c, forms[0][i % nf], "2026-11-22")) return 1;
        xg_classification_free(cl);
    }
    double cls = now() - t0;
    printf("%zu %.3f %ld %.0f %.0f %ld %.0f\n", xg_catalog_size(c), load_ms, N, N / lk, M / cls, found, (double)nf);
    xg_catalog_free(c);
    return 0;
}
EOF
PKG="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip"
cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc $(pkg-config --cflags $PKG) "$W/drv.c" build/libxgate.a \
  -o "$W/drv" $(pkg-config --libs $PKG) -lcivetweb -lpthread -lm -ldl
read -r NITEMS LOAD_MS NLOOK LOOK_RATE CLS_RATE FOUND NINST < <("$W/drv" "$XGATE_DATA")

# whole Epoch table: xgate (process start, catalog load, parse, classify, JSON out) vs Python
REPS=20
t0=$(date +%s.%N)
for _ in $(seq $REPS); do "$X" classify --json --as-of 2026-11-22 --import "$EPOCH" >"$W/x.jsonl" 2>"$W/x.err"; done
t1=$(date +%s.%N)
ROWS=$(grep -o '[0-9]* rows' "$W/x.err" | cut -d' ' -f1)
OUTROWS=$(wc -l <"$W/x.jsonl")
X_RATE=$(python3 -c "print(round($ROWS*$REPS/($t1-$t0)))")

cat > "$W/peer.py" <<'EOF'
import csv, sys, json
# The peer: TPP = max(dense figure × bit length) over the precision columns, straight from the file.
COLS = {"Tensor-FP16/BF16 performance (FLOP/s)": 16, "FP16 (half precision) performance (FLOP/s)": 16,
        "FP8 performance (FLOP/s)": 8, "FP4 performance (FLOP/s)": 4, "FP64 (double precision) performance (FLOP/s)": 64,
        "FP32 (single precision) performance (FLOP/s)": 32, "INT16 performance (OP/s)": 16,
        "INT8 performance (OP/s)": 8, "INT4 performance (OP/s)": 4}
out = {}
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    best = None
    for col, bits in COLS.items():
        try:
            v = float(row.get(col) or "")
        except ValueError:
            continue
        t = v / 1e12 * bits
        best = t if best is None or t > best else best
    out[row["Hardware name"]] = best
if len(sys.argv) > 2:
    json.dump(out, open(sys.argv[2], "w"))
EOF
t0=$(date +%s.%N)
for _ in $(seq $REPS); do python3 "$W/peer.py" "$EPOCH"; done
t1=$(date +%s.%N)
P_RATE=$(python3 -c "print(round($ROWS*$REPS/($t1-$t0)))")
python3 "$W/peer.py" "$EPOCH" "$W/peer.json"

"$X" classify --json --as-of 2024-06-01 A100 A800 H100 H800 H200 H20 L40S L20 "RTX 4090" >"$W/worked.jsonl"
"$X" classify --json --as-of 2024-06-01 p4d.24xlarge p5.48xlarge p5e.48xlarge ND96isr_H100_v5 a2-highgpu-8g a3-ultragpu-8g >"$W/inst.jsonl"
"$X" catalog list --kind chip --json >"$W/chips.jsonl"

python3 - "$W" <<'EOF' >"$W/tables.md"
import json, sys
W = sys.argv[1]
rows = [json.loads(l) for l in open(f"{W}/x.jsonl")]
peer = json.load(open(f"{W}/peer.json"))
agree = sum(1 for r in rows if r["tpp"] is not None and peer.get(r["item"]) is not None and abs(r["tpp"] - peer[r["item"]]) < 0.05)
both = sum(1 for r in rows if r["tpp"] is not None and peer.get(r["item"]) is not None)
print(f"Import agreement with the peer's TPP (rows both could compute): **{agree}/{both}**.\n")
published = {"A100": (4992, 6.04, "3A090.a"), "A800": (4992, 6.04, "3A090.a"), "H100": (15832, 19.45, "3A090.a"),
             "H800": (15832, 19.45, "3A090.a"), "H200": (15832, 19.45, "3A090.a"), "H20": (2368, 2.91, None),
             "L40S": (5864, 9.64, "3A090.a"), "L20": (1912, 3.14, None), "RTX 4090": (5285, 8.68, "3A090.a")}
print("| chip | published TPP | computed TPP | published PD | computed PD | class (RULES.md) | computed | agree |")
print("|---|---|---|---|---|---|---|---|")
ok = 0
for l in open(f"{W}/worked.jsonl"):
    r = json.loads(l); t, p, e = published[r["item"]]
    good = round(r["tpp"]) == t and r["pd"] == p and r["eccn"] == e
    ok += good
    print(f"| {r['item']} | {t} | {r['tpp']} | {p} | {r['pd']} | {e or 'not 3A090'} | {r['eccn'] or 'not 3A090'} | {'yes' if good else '**no**'} |")
print(f"\nRULES.md worked values reproduced: **{ok}/{len(published)}** (TPP rounded to the integer as RULES.md prints it).\n")
print("| instance | RULES.md §5 node TPP | computed | ECCN |")
print("|---|---|---|---|")
exp = {"p4d.24xlarge": 39936, "p5.48xlarge": 126656, "p5e.48xlarge": 126656, "ND96isr_H100_v5": 126656, "a2-highgpu-8g": 39936, "a3-ultragpu-8g": 126656}
for l in open(f"{W}/inst.jsonl"):
    r = json.loads(l)
    print(f"| {r['item']} | {exp[r['item']]} | {r['tpp']} | {r['eccn']} |")
# catalog figure vs the Epoch row of the same part
matched = [r for r in rows if r.get("canonical") and r["tpp"] is not None]
names = sorted({r["canonical"] for r in matched})
import subprocess
out = subprocess.run(["build/xgate", "classify", "--json", "--as-of", "2024-06-01"] + names, capture_output=True, text=True).stdout
cat = {json.loads(l)["canonical"]: (json.loads(l)["tpp"], json.loads(l)["tpp_basis"]) for l in out.splitlines()}
print("\nCatalog TPP (vendor datasheets, sparse figures halved) against each Epoch row the catalog recognises, where they differ:\n")
print("| Epoch row | Epoch-row TPP | from | catalog chip | catalog TPP | from |")
print("|---|---|---|---|---|---|")
diff = same = 0
for r in matched:
    ct, cb = cat.get(r["canonical"], (None, None))
    if ct is None: continue
    if abs(ct - r["tpp"]) < 0.05:
        same += 1; continue
    diff += 1
    print(f"| {r['item']} | {r['tpp']} | {r['tpp_basis']} | {r['canonical']} | {ct} | {cb} |")
print(f"\n{same} recognised Epoch rows match the catalog TPP exactly; {diff} differ (listed).")
EOF

cat <<EOF
## classify

Command: \`bench/bench_classify.sh\` (xgate built with \`make\`, -O2). Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'). Date: $(date -u +%Y-%m-%dT%H:%MZ).
Data: bundled catalog (data/catalog, version $("$X" catalog version)); the Epoch AI hardware table
(../shared/data/hardware/epoch_ml_hardware_specs.csv, CC BY 4.0, $ROWS rows).

| measure | xgate | peer (Python 3 csv + TPP formula) |
|---|---|---|
| catalog load ($NITEMS entries, 4 JSON files, index, rules) | $LOAD_MS ms | — |
| instance-type lookups ($NLOOK, $NINST names × 3 spellings, $FOUND found) | $LOOK_RATE lookups/s | — |
| full classifications with license map and JSON (100k) | $CLS_RATE items/s | — |
| whole Epoch table, $REPS runs, process start included | $X_RATE rows/s ($OUTROWS of $ROWS rows classified) | $P_RATE rows/s (TPP only: no PD, class, license or JSON) |

EOF
cat "$W/tables.md"
