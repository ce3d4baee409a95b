#!/usr/bin/env bash
# bench/bench_scan.sh — throughput of `xgate scan` on >= 100 MB of real notices (the shared
# real/ folder replicated into /tmp), beside the raw Hyperscan scan of the same lexicon over the
# same bytes (the ceiling: no decoding, fields, screening or JSON) and `grep -F -f` with the same
# terms (what an analyst would reach for). Prints a Markdown section.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${XGATE_SHARED:-$ROOT/../shared}
export XGATE_DATA=${XGATE_DATA:-$ROOT/data}
BIN=$ROOT/build/xgate
[ -x "$BIN" ] || make -s build/xgate >&2
make -s build/libxgate.a >&2
WORK=${TMPDIR:-/tmp}/xgate-bench-scan
CORPUS=$WORK/corpus
mkdir -p "$WORK"
# the corpus: copies of the real notices (JSONL records, HTML, text, JSON) until >= 100 MB
if [ ! -f "$WORK/.done" ]; then
  rm -rf "$CORPUS"; mkdir -p "$CORPUS"
  i=0
  while [ "$(du -sm "$CORPUS" | cut -f1)" -lt 101 ]; do
    d=$CORPUS/copy$(printf %04d $i); mkdir -p "$d"
    cp "$SHARED"/data/tenders/real/* "$d"/
    i=$((i + 1))
  done
  touch "$WORK/.done"
fi
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
FILES=$(find "$CORPUS" -type f | wc -l)
MB=$(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b / 1e6}')
# the ceiling driver, compiled now against the library
cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc $(pkg-config --cflags libhs libxml-2.0) \
  bench/scan_hs_ceiling.c build/libxgate.a -o "$WORK/hs_ceiling" \
  $(pkg-config --libs libutf8proc icu-uc icu-i18n libhs libpcre2-8 jansson libxml-2.0 sqlite3 libpq yaml-0.1 libsodium libxxhash geoip) -lcivetweb -lpthread -lm -ldl
grep -v '^#' data/scan/lexicon.tsv | cut -f1 | sort -u > "$WORK/terms.txt"
TERMS=$(wc -l < "$WORK/terms.txt")
now() { date +%s.%N; }
t0=$(now); "$BIN" scan --json "$CORPUS" > "$WORK/scan.jsonl" 2> "$WORK/scan.err" || true; t1=$(now)
DOCS=$(wc -l < "$WORK/scan.jsonl")
FLAGGED=$(grep -c '"flagged":true' "$WORK/scan.jsonl" || true)
t2=$(now); "$BIN" scan --json "$CORPUS" --list "$ROOT/data/lists/csl_sample.csv" > /dev/null 2>&1 || true; t3=$(now)
read -r HB HM HS < <(find "$CORPUS" -type f -print0 | xargs -0 "$WORK/hs_ceiling" data/scan/lexicon.tsv)
t4=$(now); grep -r -F -c -f "$WORK/terms.txt" "$CORPUS" > "$WORK/grep.out" || true; t5=$(now)
t6=$(now); grep -r -F -i -c -f "$WORK/terms.txt" "$CORPUS" > /dev/null || true; t7=$(now)
rate() { awk -v b="$BYTES" -v s="$1" 'BEGIN {printf "%.1f", b / 1e6 / s}'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
S1=$(secs "$t0" "$t1"); S2=$(secs "$t2" "$t3"); S4=$(secs "$t4" "$t5"); S6=$(secs "$t6" "$t7")
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat <<MD
## scan — tender scanning throughput

\`bench/bench_scan.sh\` on $(date -u +%Y-%m-%d) · $CPU · $(nproc) cores (shared) · corpus: the
shared \`data/tenders/real/\` notices replicated $((FILES / 7)) times into \`$CORPUS\`:
$FILES files, $MB MB, $DOCS documents (JSONL records count one each), $FLAGGED flagged.
Lexicon: $TERMS distinct terms, one Hyperscan database.

| what | command | time (s) | MB/s |
|---|---|---:|---:|
| xgate scan, bundled lists screened, catalog, JSONL | \`xgate scan --json CORPUS\` | $S1 | $(rate "$S1") |
| xgate scan, one small list (csl_sample) | \`xgate scan --json --list csl_sample.csv CORPUS\` | $S2 | $(rate "$S2") |
| raw Hyperscan, same database, raw bytes (ceiling) | \`hs_ceiling lexicon.tsv FILES\` ($HM matches) | $HS | $(awk -v b="$HB" -v s="$HS" 'BEGIN {printf "%.1f", b / 1e6 / s}') |
| grep -F -f (same terms, case-sensitive) | \`grep -r -F -c -f terms.txt CORPUS\` | $S4 | $(rate "$S4") |
| grep -F -i -f (same terms, caseless) | \`grep -r -F -i -c -f terms.txt CORPUS\` | $S6 | $(rate "$S6") |

The scan times include reading, encoding detection, HTML/JSON parsing, NFKC, folding, field
patterns, screening of every buyer/supplier/organisation (cached per name), classification,
linking and JSON output; the ceiling is the lexicon pass alone; grep only says which files
contain a term (no offsets per term, no categories, no fields).
MD
