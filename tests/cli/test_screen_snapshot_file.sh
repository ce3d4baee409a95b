# The compiled snapshot file of `xgate screen`: a cold start writes it, a warm start maps it and
# answers exactly alike (the golden queries over every shared list, Chinese and mistyped names
# among them); a truncated, bit-flipped or foreign file is refused, rebuilt and noted on stderr,
# never trusted; no cache directory (off, or one that cannot be made) is no error. The key is
# remembered beside the files for the list files' stat (path, inode, size, times) and used without
# hashing while they are unchanged; a file rewritten in place, same size and mtime, is still seen.
. "$XGATE_TESTS/lib.sh"
L=$SHARED/data/lists
S=$TMP/snap
LISTS=()
for f in csl_entity_list_prc_research.csv csl_meti_names_2022-12.txt csl_sample.csv \
  dod_1260h_2026.xgate.csv eu_833_annex_iv_2026.xgate.csv ofac_sdn_2021-07 \
  un_sc_consolidated_2026-02.xml; do LISTS+=(--list "$L/$f"); done
# the names of the golden queries (options dropped), the first 150
grep -v "^#" "$XGATE_ROOT/tests/golden/screen_queries.tsv" | cut -s -f2 | grep -v "^$" | head -n 150 >"$TMP/q.txt"
[ "$(wc -l <"$TMP/q.txt")" -ge 100 ] || fail "too few golden queries"

screen() { run "$X" screen "${LISTS[@]}" --snapshot-dir "$S" --json --threshold 0.5 \
  --as-of 2026-06-01 --timings --batch "$TMP/q.txt"; assert_rc 0; }

screen
assert_err_contains "snapshot built $S/lists-"
cold=$OUT
file=$(ls "$S"/lists-*.xgsnap)
[ -f "$file" ] || fail "no snapshot file in $S"
# besides the snapshot: its stat side file, the compiled name tables, and the compiled CC-CEDICT
# and Hant-Hans tables (a Chinese query loads them)
[ "$(ls "$S" | grep -v '\.xgstat$' | grep -vEc '^(cedict|hanthans|names)-[0-9a-f]*\.tab$')" -eq 1 ] || fail "stray files in $S: $(ls "$S")"
[ "$(ls "$S" | grep -c '^lists-[0-9a-f]*-[0-9a-f]*\.xgstat$')" -eq 1 ] || fail "no stat side file in $S: $(ls "$S")"
screen
assert_err_contains "snapshot mapped $file (key stat)"
[ "$OUT" = "$cold" ] || fail "warm answers differ from cold ones"
grep -q '"matches": \[{' <<<"$cold" || grep -q '"matches":\[{' <<<"$cold" || fail "no match at all"

# the bundled lists (no --list): the answers with the file mapped are the answers with no snapshot
# file at all (issue 12: records, files and hashes come from the file, no list file is parsed)
B=$TMP/bundled-snap
bundled() { run "$X" screen --json --threshold 0.5 --as-of 2026-06-01 --timings --batch "$TMP/q.txt"; assert_rc 0; }
XGATE_SNAPSHOT_DIR=off bundled
assert_err_contains "snapshot built-uncached"
nocache=$OUT
XGATE_SNAPSHOT_DIR=$B bundled
assert_err_contains "snapshot built $B/lists-"
[ "$OUT" = "$nocache" ] || fail "bundled lists: answers with a cold snapshot file differ from no file"
XGATE_SNAPSHOT_DIR=$B bundled
assert_err_contains "snapshot mapped $B/lists-"
[ "$OUT" = "$nocache" ] || fail "bundled lists: answers from the mapped file differ from no file"
# one name with the store-free decision fields a screen prints: list versions and hash
XGATE_SNAPSHOT_DIR=off run "$X" screen --json "Huawei Technologies"
assert_rc 0
one=$OUT
XGATE_SNAPSHOT_DIR=$B run "$X" screen --json "Huawei Technologies"
assert_rc 0
[ "$OUT" = "$one" ] || fail "bundled lists: one name answered differently from the mapped file"

# a list file changed in place (one byte, same size) is another key: built, never the old file
cp "$L/csl_sample.csv" "$TMP/changed.csv"
C=$TMP/changed-snap
run "$X" screen --list "$TMP/changed.csv" --snapshot-dir "$C" --json --timings x
assert_err_contains "snapshot built"
run "$X" screen --list "$TMP/changed.csv" --snapshot-dir "$C" --json --timings x
assert_err_contains "snapshot mapped"
sed -i '2s/a/e/' "$TMP/changed.csv"
run "$X" screen --list "$TMP/changed.csv" --snapshot-dir "$C" --json --timings x
assert_rc 0
assert_err_contains "snapshot built"
[ "$(ls "$C"/lists-*.xgsnap | wc -l)" -eq 2 ] || fail "a changed list did not get its own file: $(ls "$C")"

# the stat fast path: a file rewritten in place with the same size, its mtime put back (only the
# ctime tells), is hashed again and gets its own snapshot; a touch alone hashes and maps the same
# file. The side file is only written for files unchanged for 2 s (timestamps of a file changed
# just before could match its next change), hence the sleep.
# (a directory of its own: the side file also keys on the list's directory, which changes when
# any entry is added, as $TMP does under the test)
mkdir "$TMP/inplace"
cp "$L/csl_sample.csv" "$TMP/inplace/csl.csv"
touch -d "2026-01-01 00:00:00" "$TMP/inplace/csl.csv"
I=$TMP/inplace-snap
sleep 2.2
run "$X" screen --list "$TMP/inplace/csl.csv" --snapshot-dir "$I" --json --timings x
assert_err_contains "snapshot built"
assert_err_contains "(key hashed)"
[ -f "$(ls "$I"/lists-*.xgstat)" ] || fail "no stat side file written: $(ls "$I")"
run "$X" screen --list "$TMP/inplace/csl.csv" --snapshot-dir "$I" --json --timings x
assert_err_contains "snapshot mapped"
assert_err_contains "(key stat)"
ino=$(stat -c %i "$TMP/inplace/csl.csv") size=$(stat -c %s "$TMP/inplace/csl.csv")
python3 - "$TMP/inplace/csl.csv" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    data = f.read(); i = data.index(b"a", data.index(b"\n") + 1); f.seek(i); f.write(b"e")
PY
touch -d "2026-01-01 00:00:00" "$TMP/inplace/csl.csv"
[ "$(stat -c %i:%s:%Y "$TMP/inplace/csl.csv")" = "$ino:$size:$(date -d '2026-01-01 00:00:00' +%s)" ] ||
  fail "the in-place rewrite changed inode, size or mtime"
run "$X" screen --list "$TMP/inplace/csl.csv" --snapshot-dir "$I" --json --timings x
assert_rc 0
assert_err_contains "snapshot built"
assert_err_contains "(key hashed)"
[ "$(ls "$I"/lists-*.xgsnap | wc -l)" -eq 2 ] || fail "the rewritten list did not get its own file: $(ls "$I")"
touch "$TMP/inplace/csl.csv"
run "$X" screen --list "$TMP/inplace/csl.csv" --snapshot-dir "$I" --json --timings x
assert_err_contains "snapshot mapped"
assert_err_contains "(key hashed)"
[ "$(ls "$I"/lists-*.xgsnap | wc -l)" -eq 2 ] || fail "a touch alone made a new snapshot: $(ls "$I")"

# lenient loads: the skipped rows come back from the file as parsed (an SDN triple without add.csv)
mkdir -p "$TMP/sdn"
head -n 200 "$L/ofac_sdn_2021-07/sdn.csv" >"$TMP/sdn/sdn.csv"
head -n 300 "$L/ofac_sdn_2021-07/alt.csv" >"$TMP/sdn/alt.csv"
run "$X" screen --list "$TMP/sdn" --lenient --snapshot-dir "$TMP/sdn-snap" --json "BANCO NACIONAL DE CUBA"
assert_rc 0
assert_err_contains "skipped"
cold_err=$(grep -v "snapshot\|note:" <<<"$ERR")
cold=$OUT
run "$X" screen --list "$TMP/sdn" --lenient --snapshot-dir "$TMP/sdn-snap" --json --timings "BANCO NACIONAL DE CUBA"
assert_rc 0
assert_err_contains "snapshot mapped"
[ "$(grep -v "snapshot\|note:" <<<"$ERR")" = "$cold_err" ] || fail "skipped rows differ when mapped"
[ "$OUT" = "$cold" ] || fail "lenient answers differ when mapped"

# the damage cases on two small lists (quicker)
LISTS=(--list "$L/csl_entity_list_prc_research.csv" --list "$L/csl_sample.csv")
rm -rf "$S"
screen
assert_err_contains "snapshot built"
cold=$OUT
file=$(ls "$S"/lists-*.xgsnap)

# truncated
truncate -s 1000 "$file"
screen
assert_err_contains "note: snapshot file $file: truncated; rebuilt"
assert_err_contains "snapshot built"
[ "$OUT" = "$cold" ] || fail "answers after a rebuild differ"
screen
assert_err_contains "snapshot mapped"
[ "$OUT" = "$cold" ] || fail "answers differ"

# a flipped bit in the middle
python3 - "$file" <<'PY'
import os, sys
p = sys.argv[1]; n = os.path.getsize(p)
with open(p, 'r+b') as f:
    f.seek(n // 2); b = f.read(1); f.seek(n // 2); f.write(bytes([b[0] ^ 4]))
PY
screen
assert_err_contains "checksum mismatch; rebuilt"
[ "$OUT" = "$cold" ] || fail "answers after a rebuild differ"

# another list set's file under this key's name
run "$X" screen --list "$L/csl_sample.csv" --snapshot-dir "$TMP/other" --json x
assert_rc 0
cp "$TMP"/other/lists-*.xgsnap "$file"
screen
assert_err_contains "key differs); rebuilt"
[ "$OUT" = "$cold" ] || fail "answers after a rebuild differ"

# pruning: writing a file keeps it and the newest others up to XGATE_SNAPSHOT_KEEP (default 4),
# removes temporary files left by a crashed writer an hour ago, and touches nothing else (the
# compiled name tables, written by every load, are left out of the listing)
rm -rf "$S"
mkdir -p "$S"
for i in 1 2 3 4 5 6; do touch -d "2026-01-0$i" "$S/lists-old$i-00000000.xgsnap"; done
touch -d "2026-01-01" "$S/lists-dead.xgsnap.1.0.tmp"
touch "$S/lists-live.xgsnap.2.0.tmp" "$S/notes.txt"
screen
assert_err_contains "snapshot built"
[ "$OUT" = "$cold" ] || fail "answers differ"
got=$(cd "$S" && ls | grep -v '^lists-[0-9a-f]*-[0-9a-f]*\.xg\(snap\|stat\)$' | grep -v '^names-[0-9a-f]*\.tab$' | tr '\n' ' ')
[ "$got" = "lists-live.xgsnap.2.0.tmp lists-old4-00000000.xgsnap lists-old5-00000000.xgsnap lists-old6-00000000.xgsnap notes.txt " ] ||
  fail "after pruning: $got"
[ "$(ls "$S"/lists-*.xgsnap | wc -l)" -eq 4 ] || fail "not 4 snapshot files: $(ls "$S")"
screen
assert_err_contains "snapshot mapped"
XGATE_SNAPSHOT_KEEP=1 run "$X" screen --list "$L/csl_sample.csv" --snapshot-dir "$S" --json x
assert_rc 0
[ "$(ls "$S"/lists-*.xgsnap | wc -l)" -eq 1 ] || fail "XGATE_SNAPSHOT_KEEP=1 kept: $(ls "$S")"

# no cache: off, or a directory that cannot be made
XGATE_SNAPSHOT_DIR=off run "$X" screen --list "$L/csl_sample.csv" --timings --json x
assert_rc 0
assert_err_contains "snapshot built-uncached"
run "$X" screen --list "$L/csl_sample.csv" --snapshot-dir /proc/xgate-none/x --timings --json x
assert_rc 0
assert_err_contains "snapshot built-uncached"
echo "ok"
