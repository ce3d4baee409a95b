#!/usr/bin/env bash
# bench_zh.sh — Chinese names of organisations listed in English (issue 13): recall@3 and false
# alerts at the default threshold on three sets, and CPU per query. Prints a Markdown section on
# stdout (bench/run zh stores it).
#
#   eval     the evaluation set's Chinese rows (bench/screen/build_evalset.py: the EU 833 Annex IV
#            Han aliases, held out of the list, their traditional forms, and 28 unlisted Chinese
#            organisations) — tuned on
#   dev      bench/screen/zh_dev.tsv — institutes, nested names, prefixes, abbreviations, official,
#            short and brand names of listed organisations; tuned on
#   negdev   bench/screen/zh_negatives_dev.tsv — 208 real Chinese organisations on no list
#            (CC-CEDICT headwords), false alerts only; tuned on
#   heldout  bench/screen/zh_heldout.tsv — the METI list's own original-script names, official and
#            short Chinese names of listed companies, 99 unlisted Chinese organisations; never
#            tuned on
# Every set's positives are also split by glossary coverage (build_zh_sets.py covered,
# judge_zh.py --covered): a query holding a word that zh_brands.tsv, zh_abbrev.tsv or
# zh_org_glossary.tsv reads as one organisation's own name is "covered"; "not covered" is the
# recall to expect for organisations no glossary row names.
# The lists screened are all the shared lists, with the EU 833 file's Han aliases and the METI
# list's original-script forms removed (so that each Chinese query tests translation).
# Needs python3 and uconv (icu-devtools), as bench_screen.sh does.
# XGATE_BENCH_BEFORE=DIR: the source tree of an earlier commit with its build/libxgate-internal.a
# built (e.g. `git archive COMMIT | tar -x -C DIR && make -C DIR build/libxgate-internal.a`),
# screened in the same run on the same queries with its own data/ (column "before", label
# XGATE_BENCH_BEFORE_LABEL or the directory's name).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${XGATE_SHARED:-$ROOT/../shared}
L=$SHARED/data/lists
OUT=$ROOT/build/bench/zh
export XGATE_DATA=${XGATE_DATA:-$ROOT/data}
mkdir -p "$OUT/lists"
log() { echo "bench_zh: $*" >&2; }

make -s build/libxgate-internal.a >&2
PKGS="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip"
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -Isrc $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lcivetweb -lpthread -lm -ldl"
cc $CFLAGS -o "$OUT/screen_bench" bench/screen/screen_bench.c build/libxgate-internal.a $LIBS
BEFORE=${XGATE_BENCH_BEFORE:-}
if [ -n "$BEFORE" ]; then
  BLABEL=${XGATE_BENCH_BEFORE_LABEL:-$(basename "$BEFORE")}
  mkdir -p "$OUT/before"
  cc -std=c11 -D_GNU_SOURCE -O2 -g -I"$BEFORE/include" -I"$BEFORE/src" $(pkg-config --cflags $PKGS) \
    -o "$OUT/before/screen_bench" "$BEFORE/bench/screen/screen_bench.c" "$BEFORE/build/libxgate-internal.a" $LIBS
fi

LISTS=("$L/csl_entity_list_prc_research.csv" "$L/csl_meti_names_2022-12.txt" "$L/csl_sample.csv"
  "$L/dod_1260h_2026.xgate.csv" "$L/eu_833_annex_iv_2026.xgate.csv" "$L/ofac_sdn_2021-07"
  "$L/un_sc_consolidated_2026-02.xml")
log "building the query sets"
"$OUT/screen_bench" dump "${LISTS[@]}" >"$OUT/dump_all.tsv"
python3 bench/screen/build_evalset.py "$OUT/dump_all.tsv" "$L/eu_833_annex_iv_2026.xgate.csv" \
  "$SHARED/data/oracles/non_listed_orgs.txt" bench/screen/non_listed_persons.txt \
  bench/screen/non_listed_orgs_zh.txt "$OUT/eval.tsv" "$OUT/lists/eu_833_annex_iv_2026.xgate.csv"
python3 bench/screen/build_zh_sets.py strip "$L/csl_meti_names_2022-12.txt" \
  "$OUT/lists/csl_meti_names_2022-12.txt"
EVAL_LISTS=("$L/csl_entity_list_prc_research.csv" "$OUT/lists/csl_meti_names_2022-12.txt"
  "$L/csl_sample.csv" "$L/dod_1260h_2026.xgate.csv" "$OUT/lists/eu_833_annex_iv_2026.xgate.csv"
  "$L/ofac_sdn_2021-07" "$L/un_sc_consolidated_2026-02.xml")
"$OUT/screen_bench" dump "${EVAL_LISTS[@]}" >"$OUT/dump_eval.tsv"
python3 bench/screen/build_zh_sets.py queries "$OUT/dump_eval.tsv" "$OUT/eval.tsv" \
  bench/screen/zh_dev.tsv bench/screen/zh_heldout.tsv "$OUT" bench/screen/zh_negatives_dev.tsv
awk -F'\t' '$1 ~ /^(upper|typo|legal|abbrev|order)$/' "$OUT/eval.tsv" >"$OUT/q_latin.tsv"
python3 bench/screen/build_zh_sets.py covered "$XGATE_DATA/text" "$OUT/covered.txt"

log "screening"
for s in eval dev negdev heldout; do
  "$OUT/screen_bench" run 1 1 "$OUT/q_$s.tsv" "${EVAL_LISTS[@]}" >"$OUT/r_$s.out"
  [ -z "$BEFORE" ] || XGATE_DATA=$BEFORE/data "$OUT/before/screen_bench" run 1 1 "$OUT/q_$s.tsv" \
    "${EVAL_LISTS[@]}" >"$OUT/before/r_$s.out"
done
# CPU per query: Chinese (all three sets) and Latin (the evaluation set's Latin variants), 3 rounds
cat "$OUT"/q_eval.tsv "$OUT"/q_dev.tsv "$OUT"/q_negdev.tsv "$OUT"/q_heldout.tsv >"$OUT/q_zh_all.tsv"
"$OUT/screen_bench" run 1 3 "$OUT/q_zh_all.tsv" "${EVAL_LISTS[@]}" >"$OUT/cpu_zh.out"
"$OUT/screen_bench" run 1 3 "$OUT/q_latin.tsv" "${EVAL_LISTS[@]}" >"$OUT/cpu_latin.out"
if [ -n "$BEFORE" ]; then
  for q in zh_all latin; do
    XGATE_DATA=$BEFORE/data "$OUT/before/screen_bench" run 1 3 "$OUT/q_$q.tsv" "${EVAL_LISTS[@]}" \
      >"$OUT/before/cpu_$q.out"
  done
fi
val() { awk -v k="$2" '$1 == "#" && $2 == k { print $3 }' "$1"; }
DEFAULT=$(grep -o 'XG_SCREEN_DEFAULT_THRESHOLD = [0-9.]*' src/match/screen.c | awk '{print $3}')

cat <<MD
## Chinese names of organisations listed in English (\`bench/bench_zh.sh\`)

- Command: \`${BEFORE:+XGATE_BENCH_BEFORE=<tree of $BLABEL> }bench/run zh\` (\`bench/bench_zh.sh\`); date $(date -u '+%Y-%m-%d %H:%M UTC'); xgate $(git rev-parse --short HEAD 2>/dev/null || echo "?")
- Lists: all shared lists ($(wc -l <"$OUT/dump_eval.tsv") names), without the EU 833 file's Han aliases and the METI list's original-script forms.
- Sets: **eval** — the evaluation set's Chinese rows (EU 833 Annex IV pairs and traditional forms; 28 unlisted organisations), tuned on;
  **dev** — \`bench/screen/zh_dev.tsv\` (institutes, nested names, prefixes, abbreviations, official, short and brand names), tuned on;
  **negdev** — \`bench/screen/zh_negatives_dev.tsv\` (208 Chinese organisations on no list, from CC-CEDICT: universities, institutes, companies, banks, short names), tuned on;
  **heldout** — \`bench/screen/zh_heldout.tsv\` (the METI list's own original-script names, official and short names of listed companies, their traditional forms; 99 unlisted organisations), never tuned on.
- A positive counts when one of its records is among the first three reported at or above the default threshold ($DEFAULT); a negative is a false alert when anything is reported.

$(python3 bench/screen/judge_zh.py --misses "$OUT" --covered "$OUT/covered.txt" ${BEFORE:+--before "$OUT/before" "$BLABEL"} "$DEFAULT" eval "$OUT/q_eval.tsv" "$OUT/r_eval.out" \
  dev "$OUT/q_dev.tsv" "$OUT/r_dev.out" negdev "$OUT/q_negdev.tsv" "$OUT/r_negdev.out" heldout "$OUT/q_heldout.tsv" "$OUT/r_heldout.out")

CPU per query (one thread, three rounds, over the same lists): Chinese queries $(val "$OUT/cpu_zh.out" cpu_us) µs ($(wc -l <"$OUT/q_zh_all.tsv") queries), Latin queries of the evaluation set $(val "$OUT/cpu_latin.out" cpu_us) µs ($(wc -l <"$OUT/q_latin.tsv") queries)$([ -z "$BEFORE" ] || echo "; before ($BLABEL): Chinese $(val "$OUT/before/cpu_zh_all.out" cpu_us) µs, Latin $(val "$OUT/before/cpu_latin.out" cpu_us) µs"). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared with other jobs).
MD
