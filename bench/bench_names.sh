#!/usr/bin/env bash
# bench_names.sh — name analysis speed (src/text): names/s turning raw list names into comparison
# tokens, for Latin-only names (csl_meti_names_2022-12.txt) and for the non-Latin aliases of the
# EU Annex IV list (Cyrillic, Han …, which go through ICU, the glossary and CC-CEDICT), plus the
# text context's load time. Peer, same names, same run: ICU's own `uconv -x 'Any-Latin;
# Latin-ASCII'` (what a team would reach for to romanise names; it does no tokenising, no legal
# forms, no glossary), timed as one process over the whole file. Prints a Markdown section.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${XGATE_SHARED:-$ROOT/../shared}
L=$SHARED/data/lists
OUT=$ROOT/build/bench/names
export XGATE_DATA=${XGATE_DATA:-$ROOT/data}
mkdir -p "$OUT"

make -s build/libxgate-internal.a >&2
PKGS="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip"
cc -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -Isrc $(pkg-config --cflags $PKGS) -o "$OUT/names_bench" \
  bench/names/names_bench.c build/libxgate-internal.a $(pkg-config --libs $PKGS) -lcivetweb -lpthread -lm -ldl

LATIN=$OUT/latin_names.txt
NONLATIN=$OUT/eu_833_nonlatin_aliases.txt
grep -v '^#' "$L/csl_meti_names_2022-12.txt" | grep -v '^[[:space:]]*$' > "$LATIN"
python3 - "$L/eu_833_annex_iv_2026.xgate.csv" > "$NONLATIN" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    for alias in (row.get("aliases") or "").split("; "):
        alias = alias.strip()
        if alias and any(ord(c) > 0x24F and c.isalpha() for c in alias):
            print(alias)
PY

peer() { # names/s of uconv over a file (CPU time of the process)
  local f=$1 n t
  n=$(wc -l < "$f")
  t=$( { /usr/bin/time -f '%U %S' uconv -x 'Any-Latin; Latin-ASCII' "$f" > /dev/null; } 2>&1 | awk '{print $1+$2}')
  awk -v n="$n" -v t="$t" 'BEGIN { if (t <= 0) t = 0.005; printf "%.0f", n / t }'
}

echo "## Names (text analysis)"
echo
echo "Command: \`bench/run names\` ($(date -u +%Y-%m-%dT%H:%MZ); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg) at start)."
echo
"$OUT/names_bench" "$XGATE_DATA" "$LATIN" "$NONLATIN"
echo
echo "Peer on the same files: ICU \`uconv -x 'Any-Latin; Latin-ASCII'\` (romanisation only), one process per file, CPU time including its start-up:"
echo
echo "| names | uconv names/s (CPU) |"
echo "|---|---:|"
echo "| $(basename "$LATIN") | $(peer "$LATIN") |"
echo "| $(basename "$NONLATIN") | $(peer "$NONLATIN") |"
echo
echo "xgate's figure includes NFKC and case folding, tokenising, legal-form and organisation-word symbols, Han segmentation over the glossary and CC-CEDICT, and ICU transliteration of non-Latin words; names that are ASCII after folding never reach ICU, which is why Latin names are much cheaper."
