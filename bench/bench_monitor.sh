#!/usr/bin/env bash
# Monitoring benchmark (bench/run monitor): delta re-screening of SIZES stored parties (default
# 100,000 and 1,000,000 synthetic customers, 100 of them carrying names of changed entries)
# against a 500-entry diff (250 entries added, 250 with changed aliases), beside a full forward
# re-screen of the same parties (xg_screen per party against the whole lists) in the same run.
# The delta run is measured twice on copies of the same store: reading the stored parties
# (XGATE_SNAPSHOT_DIR=off: no party file) and mapping the party file the first run wrote.
# Each step is its own process, so peak RSS is that step's. Prints Markdown.
# PEER=0 skips the (slow) full forward re-screen rows.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=${SIZES:-"100000 1000000"}
PEER=${PEER:-1}
export XGATE_DATA=$ROOT/data
# the driver uses the store's internal db layer (bulk insert), so it links the internal archive
make -s build/libxgate-internal.a >/dev/null
W=$(mktemp -d /var/tmp/xg-bench-monitor.XXXXXX)
trap 'rm -rf "$W"' EXIT
PK="libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 libsodium libxxhash geoip libcurl"
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc $(pkg-config --cflags $PK) bench/bench_monitor.c \
   build/libxgate-internal.a -o "$W/drv" $(pkg-config --libs $PK) -lcivetweb -lzip -lsystemd -lpthread -lm -ldl
S=/work/shared/data/lists
[ -d "$S" ] || S=$ROOT/../shared/data/lists
# version 1: the CSL extract and the 1260H list; version 2: 250 CSL entries with an alias added,
# plus 250 entries added (the first 250 of the EU 833 Annex IV list, a file of their own)
python3 - "$S" "$W" <<'PY'
import csv, sys
src, w = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(src + "/csl_2023-11_partial.csv", newline="", encoding="utf-8")))
fields = list(rows[0].keys())
named = [i for i, r in enumerate(rows) if r["name"]]
changed = set(named[::max(1, len(named) // 250)][:250])
with open(w + "/v1_csl.csv", "w", newline="", encoding="utf-8") as f:
    c = csv.DictWriter(f, fieldnames=fields); c.writeheader(); c.writerows(rows)
with open(w + "/v2_csl.csv", "w", newline="", encoding="utf-8") as f:
    c = csv.DictWriter(f, fieldnames=fields); c.writeheader()
    for i, r in enumerate(rows):
        r = dict(r)
        if i in changed:
            r["alt_names"] = (r["alt_names"] + "; " if r["alt_names"] else "") + r["name"] + " Holding"
        c.writerow(r)
eu = list(csv.DictReader(open(src + "/eu_833_annex_iv_2026.xgate.csv", newline="", encoding="utf-8")))
with open(w + "/v2_added.xgate.csv", "w", newline="", encoding="utf-8") as f:
    c = csv.DictWriter(f, fieldnames=list(eu[0].keys())); c.writeheader(); c.writerows(eu[:250])
with open(w + "/names.txt", "w", encoding="utf-8") as f:
    for r in eu[:250:5]: f.write(r["name"] + "\n")
    for i in sorted(changed)[::5]: f.write(rows[i]["name"] + "\n")
PY
V1="$W/v1_csl.csv $S/dod_1260h_2026.xgate.csv"
V2="$W/v2_csl.csv $S/dod_1260h_2026.xgate.csv $W/v2_added.xgate.csv"
v() { grep "^$2=" "$1" | head -1 | cut -d= -f2; }
rows=""
for n in $SIZES; do
  echo "bench_monitor: $n parties" >&2
  rm -f "$W/m.db"* "$W/p.db"*
  "$W/drv" gen "$W/m.db" "$n" "$W/names.txt" >"$W/gen.$n"
  "$W/drv" monitor "$W/m.db" $V1 >"$W/first.$n"
  # the same store twice: p.db keeps the party file the first run wrote (named after the store)
  for x in "" -wal -shm .parties; do if [ -e "$W/m.db$x" ]; then cp "$W/m.db$x" "$W/p.db$x"; fi; done
  XGATE_SNAPSHOT_DIR=off "$W/drv" monitor "$W/m.db" $V2 >"$W/delta.$n"
  "$W/drv" monitor "$W/p.db" $V2 >"$W/pdelta.$n"
  f=$W/first.$n d=$W/delta.$n p=$W/pdelta.$n s=$W/full.$n
  rows+="| $n | delta run: 500-entry diff ($(v $d added) added, $(v $d changed) changed) through the party index | $(v $d wall) | $(v $d cpu) | $(v $d parties_per_s) | $(v $d peak_mb) | $(v $d opened) new, $(v $d still_open) still open |
| $n | delta run, party file $(v $p party_file): the same diff, the stored parties mapped from the file the first run wrote | $(v $p wall) | $(v $p cpu) | $(v $p parties_per_s) | $(v $p peak_mb) | $(v $p opened) new, $(v $p still_open) still open |
| $n | first run: every entry in force ($(v $f entries)) through the party index, party file $(v $f party_file) ($(v $f file_s) s) | $(v $f wall) | $(v $f cpu) | $(v $f parties_per_s) | $(v $f peak_mb) | $(v $f opened) new |
"
  if [ "$PEER" != 0 ]; then
    "$W/drv" screen "$W/m.db" $V2 >"$W/full.$n"
    rows+="| $n | peer: full forward re-screen, xg_screen per party against all lists | $(v $s wall) | $(v $s cpu) | $(v $s parties_per_s) | $(v $s peak_mb) | $(v $s parties_hit) parties hit |
"
  fi
  splits+="| $n | reading the store | $(v $d read_s) | $(v $d index_s) | $(v $d screen_s) | $(v $d store_s) |
| $n | party file | $(v $p file_s) | $(v $p index_s) | $(v $p screen_s) | $(v $p store_s) |
"
done
cat <<MD
## Monitoring (\`xgate monitor run\`, delta re-screening)

Command: \`bench/run monitor\` (SIZES="$SIZES" PEER=$PEER) — driver \`bench/bench_monitor.c\` linked against
\`build/libxgate.a\`. Stored parties: synthetic customers (generated words, organisation words,
legal forms, numbers), 100 of them named after changed or added entries, bulk-inserted into a
fresh SQLite store. Lists: version 1 = \`csl_2023-11_partial.csv\` + \`dod_1260h_2026.xgate.csv\`;
version 2 = the same with 250 CSL entries given an extra alias, plus 250 entries added (the first
250 of \`eu_833_annex_iv_2026.xgate.csv\`): a 500-entry diff. Each row is one process (peak RSS is
its own, including the lists snapshot); "parties/s" = stored parties / wall seconds.
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB RAM. Date: $(date -u +%Y-%m-%d).

| parties | run | wall s | CPU s | parties/s | peak RSS MB | alerts |
|---:|---|---:|---:|---:|---:|---|
$rows
Where a delta run's time goes (seconds): reading and merging the stored parties (or checking
and mapping the party file), analysing and indexing their names (or taking the file's keys),
screening the diff's entries against the index, writing alerts.

| parties | parties from | read parties / map file | index names | screen diff | store |
|---:|---|---:|---:|---:|---:|
$splits
Goal: the delta run over 1M parties within 10 s. Load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg) on
$(nproc) cores shared with other jobs, so wall times above CPU times are time spent waiting for a core.
MD
