#!/usr/bin/env bash
# bench_screen.sh — screening quality and speed, xgate side by side with its peers, one run, same
# names, same queries. Prints a Markdown section on stdout (bench/run stores it).
#
#   quality: the evaluation set built from the shared lists (bench/screen/build_evalset.py):
#            recall of listed names under variants, false alerts on organisations and persons on
#            no list; xgate at its default threshold (and a sweep), pg_trgm at its `%` default.
#   speed:   queries/s with 1 and 2 threads over all shared lists together, p50/p99 latency,
#            load time, memory; pg_trgm (GIN index, `%`, top 10) on the same names.
#   kernel:  Jaro-Winkler ns per pair: xgate, jellyfish (Debian python3-jellyfish) and
#            rapidfuzz-cpp's cached scorer when RAPIDFUZZ_DIR names a checkout (else "skipped").
#   before:  XGATE_BENCH_BEFORE=DIR (an unpacked `git archive` of an earlier commit, with its
#            build/libxgate-internal.a built) adds that xgate's 1-thread speed and kernel figures
#            in the same run, beside this one's, on the same queries.
#
# Needs `scripts/bootstrap bench` (postgresql, postgresql-contrib, python3-jellyfish). The
# PostgreSQL cluster is a throwaway one under /tmp, run as the postgres user when started as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${XGATE_SHARED:-$ROOT/../shared}
L=$SHARED/data/lists
OUT=$ROOT/build/bench/screen
export XGATE_DATA=${XGATE_DATA:-$ROOT/data}
# The load figures below are the full build (parse, analyse, index): no snapshot file, except
# for the warm start-up row, which maps one.
export XGATE_SNAPSHOT_DIR=off
PY=/usr/bin/python3 # Debian's python, where python3-jellyfish lives
REPEAT=${SCREEN_BENCH_REPEAT:-5}
mkdir -p "$OUT/lists"

log() { echo "bench_screen: $*" >&2; }

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- build the drivers against the library ----
make -s build/libxgate-internal.a >&2
PKGS="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip"
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -Isrc $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lcivetweb -lpthread -lm -ldl"
cc $CFLAGS -o "$OUT/screen_bench" bench/screen/screen_bench.c build/libxgate-internal.a $LIBS
cc $CFLAGS -o "$OUT/pg_bench" bench/screen/pg_bench.c $(pkg-config --libs libpq) -lpthread
BEFORE=${XGATE_BENCH_BEFORE:-}
if [ -n "$BEFORE" ]; then
  (cd "$BEFORE" && make -s build/libxgate-internal.a >&2 &&
    cc -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -Isrc $(pkg-config --cflags $PKGS) \
      -o "$OUT/screen_bench_before" bench/screen/screen_bench.c build/libxgate-internal.a $LIBS)
  BEFORE_REV=$(cat "$BEFORE/.git-commit" 2>/dev/null || basename "$BEFORE")
fi

LISTS=("$L/csl_entity_list_prc_research.csv" "$L/csl_meti_names_2022-12.txt" "$L/csl_sample.csv"
  "$L/dod_1260h_2026.xgate.csv" "$L/eu_833_annex_iv_2026.xgate.csv" "$L/ofac_sdn_2021-07"
  "$L/un_sc_consolidated_2026-02.xml")
EVAL_LISTS=("${LISTS[@]/$L\/eu_833_annex_iv_2026.xgate.csv/$OUT/lists/eu_833_annex_iv_2026.xgate.csv}")

# ---- evaluation set ----
log "dumping names and building the evaluation set"
"$OUT/screen_bench" dump "${LISTS[@]}" >"$OUT/dump_all.tsv"
$PY bench/screen/build_evalset.py "$OUT/dump_all.tsv" "$L/eu_833_annex_iv_2026.xgate.csv" \
  "$SHARED/data/oracles/non_listed_orgs.txt" bench/screen/non_listed_persons.txt \
  bench/screen/non_listed_orgs_zh.txt "$OUT/eval.tsv" "$OUT/lists/eu_833_annex_iv_2026.xgate.csv"
"$OUT/screen_bench" dump "${EVAL_LISTS[@]}" >"$OUT/dump_eval.tsv"
NQ=$(wc -l <"$OUT/eval.tsv")
NNAMES=$(wc -l <"$OUT/dump_all.tsv")

# ---- xgate ----
log "xgate: quality run, then speed with 2 threads (x$REPEAT); 1 thread comes with pg_trgm below"
"$OUT/screen_bench" run 1 1 "$OUT/eval.tsv" "${EVAL_LISTS[@]}" >"$OUT/xg_eval.out"
if [ -n "$BEFORE" ]; then
  "$OUT/screen_bench" run 1 "$REPEAT" "$OUT/eval.tsv" "${LISTS[@]}" >"$OUT/xg_t1.out"
  log "xgate before ($BEFORE_REV): speed with 1 thread (x$REPEAT), then this build again"
  "$OUT/screen_bench_before" run 1 "$REPEAT" "$OUT/eval.tsv" "${LISTS[@]}" >"$OUT/xb_t1.out"
  # the same answers, or the comparison means nothing
  cmp -s <(grep -v '^#' "$OUT/xg_t1.out") <(grep -v '^#' "$OUT/xb_t1.out") &&
    BEFORE_SAME="identical answers" || BEFORE_SAME="answers DIFFER"
  # a second round of this build after the before one, so that neither is favoured by when it ran
  "$OUT/screen_bench" run 1 "$REPEAT" "$OUT/eval.tsv" "${LISTS[@]}" >"$OUT/xg_t1b.out"
fi
"$OUT/screen_bench" run 2 "$REPEAT" "$OUT/eval.tsv" "${LISTS[@]}" >"$OUT/xg_t2.out"
val() { awk -v k="$2" '$1 == "#" && $2 == k { print $3 }' "$1"; }
DEFAULT=$(grep -o 'XG_SCREEN_DEFAULT_THRESHOLD = [0-9.]*' src/match/screen.c | awk '{print $3}')

# ---- start-up: a whole process, bundled lists, one answer ----
# cold: no snapshot file (XGATE_SNAPSHOT_DIR=off); warm: the compiled snapshot file mapped (one
# untimed process writes it first)
# STARTUP_RUNS processes each (20 unless set); the median and the least
STARTUP_RUNS=${SCREEN_BENCH_STARTUP_RUNS:-20}
log "xgate: start-up to first answer ($STARTUP_RUNS processes cold, $STARTUP_RUNS warm)"
startup() {
  for i in $(seq "$STARTUP_RUNS"); do
    t0=$(date +%s.%N); build/xgate screen "Huawei Technologies" >/dev/null; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc; done | sort -g |
    awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.3f s (least %.3f s)", m, v[1] }'
}
STARTUP=$(startup)
export XGATE_SNAPSHOT_DIR=$OUT/snapshots
mkdir -p "$XGATE_SNAPSHOT_DIR"
build/xgate screen "Huawei Technologies" >/dev/null
STARTUP_WARM=$(startup)
export XGATE_SNAPSHOT_DIR=off

# ---- PostgreSQL pg_trgm ----
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PGDIR=$(mktemp -d /tmp/xgate-pg.XXXXXX)
PGPORT=$((20000 + RANDOM % 20000))
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
cleanup() {
  as_pg "$PGBIN/pg_ctl -D $PGDIR/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
log "pg_trgm: throwaway cluster in $PGDIR, port $PGPORT"
as_pg "$PGBIN/initdb -D $PGDIR/data -U postgres -E UTF8 --locale=C.UTF-8 -A trust" >/dev/null
as_pg "$PGBIN/pg_ctl -D $PGDIR/data -l $PGDIR/log -w -o '-k $PGDIR -p $PGPORT -c listen_addresses= -c shared_buffers=256MB' start" >/dev/null
PSQL="$PGBIN/psql -X -q -h $PGDIR -p $PGPORT -U postgres -d postgres -v ON_ERROR_STOP=1"
cut -f1,5 "$OUT/dump_all.tsv" >"$PGDIR/names_all.tsv"
cut -f1,5 "$OUT/dump_eval.tsv" >"$PGDIR/names_eval.tsv"
chmod 644 "$PGDIR"/*.tsv
T0=$(date +%s.%N)
$PSQL <<SQL
CREATE EXTENSION pg_trgm;
CREATE TABLE names_all (reckey text, name text);
CREATE TABLE names_eval (reckey text, name text);
\copy names_all FROM '$PGDIR/names_all.tsv' WITH (FORMAT text)
\copy names_eval FROM '$PGDIR/names_eval.tsv' WITH (FORMAT text)
CREATE INDEX ON names_all USING gin (name gin_trgm_ops);
CREATE INDEX ON names_eval USING gin (name gin_trgm_ops);
ANALYZE;
SQL
PG_LOAD=$(printf "%.3f" "$(echo "$(date +%s.%N) - $T0" | bc)")
PG_SIZE=$($PSQL -t -A -c "SELECT pg_size_pretty(pg_total_relation_size('names_all'))")
CONN="host=$PGDIR port=$PGPORT user=postgres dbname=postgres"
log "pg_trgm: quality and speed runs"
"$OUT/pg_bench" "$CONN" names_eval 1 1 "$OUT/eval.tsv" >"$OUT/pg_eval.out"
"$OUT/pg_bench" "$CONN" names_all 2 1 "$OUT/eval.tsv" >"$OUT/pg_t2.out"
# One thread, xgate and pg_trgm interleaved: REPEAT rounds each, one pass over the queries per
# round and per process (xgate round 1, pg round 1, xgate round 2 ...), so that both see the same
# machine. Each process writes its per-query CPU (xgate: the thread's CPU clock; pg_trgm: the
# backend's run time from /proc/PID/schedstat) to a .qcpu file; the least per query over the
# rounds, averaged, is the figure the machine's load moves least.
log "xgate and pg_trgm, 1 thread: $REPEAT interleaved rounds"
rm -f "$OUT"/xg_r*.out "$OUT"/pg_r*.out "$OUT"/*.qcpu
for r in $(seq "$REPEAT"); do
  SCREEN_BENCH_QCPU=$OUT/xg_r$r.qcpu "$OUT/screen_bench" run 1 1 "$OUT/eval.tsv" "${LISTS[@]}" \
    >"$OUT/xg_r$r.out"
  SCREEN_BENCH_QCPU=$OUT/pg_r$r.qcpu "$OUT/pg_bench" "$CONN" names_all 1 1 "$OUT/eval.tsv" \
    >"$OUT/pg_r$r.out"
done
# the same answers in every round, or the rounds are not the same work
for r in $(seq 2 "$REPEAT"); do
  for t in xg pg; do
    cmp -s <(grep -v '^#' "$OUT/${t}_r1.out") <(grep -v '^#' "$OUT/${t}_r$r.out") ||
      log "WARNING: $t round $r answered differently from round 1"
  done
done
cp "$OUT/pg_r1.out" "$OUT/pg_t1.out"
PG_VERSION=$($PSQL -t -A -c "SHOW server_version")

# ---- Jaro-Winkler kernels ----
log "kernels"
awk -F'\t' '$5 ~ /^[ -~]+$/ { print tolower($5) }' "$OUT/dump_all.tsv" | awk 'NR % 29 == 0' |
  head -2200 >"$OUT/kernel_all.txt"
head -200 "$OUT/kernel_all.txt" >"$OUT/kernel_a.txt"
tail -n +201 "$OUT/kernel_all.txt" >"$OUT/kernel_b.txt"
"$OUT/screen_bench" kernel "$OUT/kernel_a.txt" "$OUT/kernel_b.txt" >"$OUT/k_xg.out"
[ -n "$BEFORE" ] && "$OUT/screen_bench_before" kernel "$OUT/kernel_a.txt" "$OUT/kernel_b.txt" >"$OUT/k_xb.out"
$PY bench/screen/jf_kernel.py "$OUT/kernel_a.txt" "$OUT/kernel_b.txt" >"$OUT/k_jf.out" 2>/dev/null
RF="skipped (set RAPIDFUZZ_DIR to a rapidfuzz-cpp checkout)"
if [ -n "${RAPIDFUZZ_DIR:-}" ] && [ -f "$RAPIDFUZZ_DIR/rapidfuzz/distance/JaroWinkler.hpp" ]; then
  if c++ -O2 -std=c++17 -I"$RAPIDFUZZ_DIR" -o "$OUT/rf_kernel" bench/screen/rf_kernel.cpp; then
    "$OUT/rf_kernel" "$OUT/kernel_a.txt" "$OUT/kernel_b.txt" >"$OUT/k_rf.out"
    RF="$(val "$OUT/k_rf.out" cached_ns) ns"
  else
    RF="skipped (rf_kernel.cpp did not compile against $RAPIDFUZZ_DIR)"
  fi
fi

# ---- report ----
# over the interleaved rounds: median and best (largest queries/s, least CPU) of a key
rounds() { for f in "$OUT/$1"_r*.out; do val "$f" "$2"; done | sort -g; }
median() { rounds "$1" "$2" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
best() { if [ "$3" = max ]; then rounds "$1" "$2" | tail -1; else rounds "$1" "$2" | head -1; fi; }
# each query's least CPU over all rounds (all processes), averaged over the queries, in µs
leastcpu() { cat "$OUT/$1"_r*.qcpu | awk -F'\t' '!($1 in m) || $2 < m[$1] { m[$1] = $2 } END { for (k in m) { s += m[k]; n++ } printf "%.1f", s / n }'; }
spread() { rounds "$1" "$2" | awk '{ v[NR] = $1 } END { printf "%s–%s", v[1], v[NR] }'; }
XR1=$OUT/xg_r1.out # load time, memory and CPU percentiles: the first round's process
XQ1=$(median xg qps); XQ2=$(val "$OUT/xg_t2.out" qps)
PQ1=$(median pg qps); PQ2=$(val "$OUT/pg_t2.out" qps)
XB1=$(best xg qps max); PB1=$(best pg qps max)
XC1=$(median xg cpu_us); PC1=$(median pg cpu_us)
XL1=$(leastcpu xg); PL1=$(leastcpu pg)
ratio() { echo "scale=1; $1 / $2" | bc; }
cat <<EOF
## Screening (\`bench/bench_screen.sh\`)

- Command: \`bench/run screen\` (\`bench/bench_screen.sh\`${RAPIDFUZZ_DIR:+, RAPIDFUZZ_DIR=$RAPIDFUZZ_DIR}${BEFORE:+, XGATE_BENCH_BEFORE=$BEFORE})
- Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GB RAM; load average $LOADAVG when the run began (the machine is shared: wall-clock figures move with it, CPU time per query much less)
- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); xgate $(git rev-parse --short HEAD 2>/dev/null || echo "?"); PostgreSQL $PG_VERSION
- Names: all shared lists together — $NNAMES names and aliases of $(val "$OUT/xg_r1.out" records) records
  (CSL PRC research, METI names, CSL sample, DoD 1260H, EU 833 Annex IV, OFAC SDN 2021-07, UN SC).
- Queries: the evaluation set, $NQ queries (built by \`bench/screen/build_evalset.py\` from the lists).

### Quality

Positives are listed names as queries really differ from list entries (one typo, legal form
swapped or added, abbreviations, word order, upper case, the Chinese names of organisations
listed in English and their traditional forms, the SCREENING.md hard cases); negatives are real
organisations (81 from \`non_listed_orgs.txt\`, 28 Chinese names) and 40 persons on no list, plus
the two near misses. For the Chinese queries the EU 833 file's Han aliases are held out, so they
test translation, not an exact alias lookup. A query counts as recalled when one of the records
holding the original name is reported at or above the threshold; a negative counts as a false
alert when anything is reported.

$($PY bench/screen/judge.py "$OUT/eval.tsv" "$OUT/xg_eval.out" "$OUT/pg_eval.out" "$DEFAULT" | grep -v '^# ')

### Speed (same names, same $NQ queries; 1 thread: $REPEAT rounds each, xgate and pg_trgm interleaved)

xgate runs in-process over its snapshot; pg_trgm is queried over a Unix socket with a prepared
statement, one connection per thread. On one thread each side runs $REPEAT rounds of all queries,
one process a round, alternating (xgate, pg_trgm, xgate, ...), so both see the same machine.
Wall-clock queries/s depend on what else the machine runs; **the steadiest figure is the CPU
time per query, each query's least over the rounds** (the least disturbed by other processes;
xgate: its thread's CPU clock, pg_trgm: its backend's run time from /proc/PID/schedstat).

| | xgate | PostgreSQL pg_trgm (GIN, \`%\`, top 10) | xgate / pg_trgm |
|---|---|---|---|
| queries/s, 1 thread (median round of $REPEAT) | $XQ1 | $PQ1 | $(ratio "$XQ1" "$PQ1")× |
| queries/s, 1 thread, best round of $REPEAT | $XB1 | $PB1 | $(ratio "$XB1" "$PB1")× |
| queries/s, 1 thread, each round (least–most) | $(spread xg qps) | $(spread pg qps) | |
| CPU time per query, each query's least over the $REPEAT rounds, averaged (**the steadiest**) | $XL1 µs | $PL1 µs | $(ratio "$PL1" "$XL1")× less CPU |
| queries/s, 2 threads (one run) | $XQ2 | $PQ2 | $(ratio "$XQ2" "$PQ2")× |
| CPU time per query (xgate: the process; pg_trgm: its server backend; median round) | $XC1 µs | $PC1 µs | $(ratio "$PC1" "$XC1")× less CPU |
| p50 latency, 1 thread (median round) | $(median xg p50_us) µs | $(median pg p50_us) µs | |
| p99 latency, 1 thread (median round) | $(median xg p99_us) µs | $(median pg p99_us) µs | |
| CPU time per query, p50 / p99 / max (xgate, the thread's own CPU clock: no preemption in it; first round) | $(val "$XR1" cpu_p50_us) / $(val "$XR1" cpu_p99_us) / $(val "$XR1" cpu_max_us) µs | | |
| start-up to first answer: \`xgate screen NAME\` on the bundled lists (median of $STARTUP_RUNS processes), no snapshot file | $STARTUP | | |
| the same with the compiled snapshot file mapped (warm start) | $STARTUP_WARM | | |
| load (parse lists, analyse and index every name; median of the $REPEAT round processes) | $(median xg load_seconds) s (of which analysis + index $(median xg build_seconds) s) | $PG_LOAD s (COPY + GIN index, names already extracted) | |
| memory | $(( $(val "$XR1" rss_after_load_kb) / 1024 )) MB RSS after load, $(( $(val "$XR1" rss_peak_kb) / 1024 )) MB peak | table + index $PG_SIZE | |

$(if [ -n "$BEFORE" ]; then cat <<EOB
#### This build beside the one before ($BEFORE_REV), same run, same queries, 1 thread ($BEFORE_SAME)

The before build ran between two runs of this one (after 1, after 2), each $REPEAT rounds.

| | before ($BEFORE_REV) | after, run 1 | after, run 2 |
|---|---|---|---|
| queries/s | $(val "$OUT/xb_t1.out" qps) | $(val "$OUT/xg_t1.out" qps) | $(val "$OUT/xg_t1b.out" qps) |
| CPU time per query (process) | $(val "$OUT/xb_t1.out" cpu_us) µs | $(val "$OUT/xg_t1.out" cpu_us) µs | $(val "$OUT/xg_t1b.out" cpu_us) µs |
| CPU time per query, least of $REPEAT rounds, averaged | $(val "$OUT/xb_t1.out" cpu_min_us) µs | $(val "$OUT/xg_t1.out" cpu_min_us) µs | $(val "$OUT/xg_t1b.out" cpu_min_us) µs |
| thread CPU p50 / p99 / max | $(val "$OUT/xb_t1.out" cpu_p50_us) / $(val "$OUT/xb_t1.out" cpu_p99_us) / $(val "$OUT/xb_t1.out" cpu_max_us) µs | $(val "$OUT/xg_t1.out" cpu_p50_us) / $(val "$OUT/xg_t1.out" cpu_p99_us) / $(val "$OUT/xg_t1.out" cpu_max_us) µs | $(val "$OUT/xg_t1b.out" cpu_p50_us) / $(val "$OUT/xg_t1b.out" cpu_p99_us) / $(val "$OUT/xg_t1b.out" cpu_max_us) µs |
| wall p50 / p99 | $(val "$OUT/xb_t1.out" p50_us) / $(val "$OUT/xb_t1.out" p99_us) µs | $(val "$OUT/xg_t1.out" p50_us) / $(val "$OUT/xg_t1.out" p99_us) µs | $(val "$OUT/xg_t1b.out" p50_us) / $(val "$OUT/xg_t1b.out" p99_us) µs |
| Jaro-Winkler kernel, plain / cached pattern | $(val "$OUT/k_xb.out" plain_ns) / $(val "$OUT/k_xb.out" cached_ns) ns | $(val "$OUT/k_xg.out" plain_ns) / $(val "$OUT/k_xg.out" cached_ns) ns | |

EOB
fi)

### Jaro-Winkler kernel (ns per pair, best of five rounds; $(val "$OUT/k_xg.out" pairs) pairs of lower-cased ASCII list names, each of 200 against each of 2,000)

| xgate \`xg_jaro_winkler\` | xgate cached pattern | rapidfuzz-cpp \`CachedJaroWinkler\` | jellyfish \`jaro_winkler_similarity\` (Python, C extension, one round) |
|---|---|---|---|
| $(val "$OUT/k_xg.out" plain_ns) ns | $(val "$OUT/k_xg.out" cached_ns) ns | $RF | $(val "$OUT/k_jf.out" cached_ns) ns |

Checksums (sum of all similarities; equal sums mean equal kernels): xgate $(awk '$2 == "checksum" {print $3}' "$OUT/k_xg.out"), jellyfish $(val "$OUT/k_jf.out" checksum)$( [ -f "$OUT/k_rf.out" ] && echo ", rapidfuzz $(val "$OUT/k_rf.out" checksum)").
EOF
