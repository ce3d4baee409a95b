# `xgate lists update` against a loopback server (tests/lists_feed_server.py) serving OFAC's real
# non-SDN files from ../shared: version 1, a 304 with ETag, version 2 derived here (two entries
# added, one removed, aliases changed on another) and `lists diff` reporting exactly that; then
# every refused download (HTML page, truncated, empty, 500, time-out, shrink > 20 %) leaves the
# version in force untouched and says why in one line; --force accepts the shrink; kill -9 during
# an update leaves the previous version in force and no half version.
. "$XGATE_TESTS/lib.sh"

mkdir -p "$TMP/root"
cp "$SHARED"/data/lists/ofac_cons_2025-12/cons_{prim,alt,add}.csv "$TMP/root/"
python3 "$XGATE_TESTS/lists_feed_server.py" "$TMP/root" "$TMP/port" "$TMP/requests.log" 30 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/port" ] && break; sleep 0.1; done
[ -s "$TMP/port" ] || fail "the feed server did not write its port file"
BASE=http://127.0.0.1:$(cat "$TMP/port")
OPTS=(--db "sqlite:$TMP/xgate.db" --data-dir "$TMP/state")
src() { echo "ofac_cons=$BASE/$1/cons_prim.csv,$BASE/files/cons_alt.csv,$BASE/files/cons_add.csv"; }
in_force() { "$X" lists versions --db "sqlite:$TMP/xgate.db" --json |
  python3 -c 'import json,sys; v=[r["id"] for r in json.load(sys.stdin)["versions"] if r["in_force"]]; print(" ".join(v))'; }

# --- version 1
run "$X" lists update --source "$(src files)" "${OPTS[@]}"
assert_rc 0
assert_out_contains "ofac_cons: new version ofac_cons-"
assert_out_contains "442 entries"
V1=$(in_force)
[ -n "$V1" ] || fail "no version in force after the first update"
[ -f "$TMP/state/lists/ofac_cons/$(sha256sum "$TMP/root/cons_prim.csv" "$TMP/root/cons_alt.csv" "$TMP/root/cons_add.csv" >/dev/null; cat "$TMP/root"/cons_{prim,alt,add}.csv | sha256sum | cut -c1-64)/cons_prim.csv" ] ||
  fail "version 1 is not kept under its content hash"

# --- unchanged: the ETags go back, the server answers 304
run "$X" lists update --source "$(src files)" "${OPTS[@]}"
assert_rc 0
assert_out_contains "unchanged (304 Not Modified)"
grep -q 'GET /files/cons_prim.csv if-none-match="' "$TMP/requests.log" || fail "no If-None-Match sent"
[ "$(in_force)" = "$V1" ] || fail "a 304 changed the version in force"
# …and the check is kept in the store: a later process (here `lists versions`; a restarted
# server's /healthz and /metrics read the same row) knows when the source was last checked
run "$X" lists versions --db "sqlite:$TMP/xgate.db" --json
assert_rc 0
assert_json "[(r['check_result'], r['checked_at'] >= r['fetched_at']) for r in d['versions'] if r['in_force']] == [('304 Not Modified', True)]"
run "$X" lists versions --db "sqlite:$TMP/xgate.db"
assert_out_contains "(304 Not Modified)"
assert_out_contains ", checked 20"

# --- version 2: drop entry 9639, add 99000001 and 99000002, give 9640 a new alias
python3 - "$TMP/root" <<'PY'
import sys
root = sys.argv[1]
def rw(name, fn):
    p = f"{root}/{name}"
    data = open(p, "rb").read()
    open(p, "wb").write(fn(data))
def prim(d):
    lines = d.split(b"\r\n")
    lines = [l for l in lines if not l.startswith(b"9639,")]
    new = [b'99000001,"NORTHWIND TEST TRADING LLC",-0- ,"CMIC-EO13959",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
           b'99000002,"EASTGATE TEST SYSTEMS CO",-0- ,"UKRAINE-EO13662",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ']
    eof = lines.index(b"\x1a") if b"\x1a" in lines else len(lines)
    return b"\r\n".join(lines[:eof] + new + lines[eof:])
def side(d):
    return b"\r\n".join(l for l in d.split(b"\r\n") if not l.startswith(b"9639,"))
def alt(d):
    lines = side(d).split(b"\r\n")
    eof = lines.index(b"\x1a") if b"\x1a" in lines else len(lines)
    return b"\r\n".join(lines[:eof] + [b'9640,99999,"aka","ABU TEIR, Mohammed Test",-0- '] + lines[eof:])
rw("cons_prim.csv", prim); rw("cons_alt.csv", alt); rw("cons_add.csv", side)
PY
run "$X" lists update --source "$(src files)" "${OPTS[@]}"
assert_rc 0
assert_out_contains "443 entries"
V2=$(in_force)
[ "$V2" != "$V1" ] || fail "version 2 did not come into force"

run "$X" lists diff previous current --db "sqlite:$TMP/xgate.db" --json
assert_rc 0
assert_json '[e["id"] for e in d["added"]] == ["99000001", "99000002"]'
assert_json '[e["id"] for e in d["removed"]] == ["9639"]'
assert_json '[(e["id"], e["fields"]) for e in d["changed"]] == [("9640", ["aliases"])]'
run "$X" lists diff "$V1" "$V2" --db "sqlite:$TMP/xgate.db"
assert_rc 0
assert_out_contains "2 added, 1 removed, 1 changed, 440 unchanged"
assert_out_contains "changed 9640 ABU TEIR, Mohammed: aliases"

# --- refusals: each one line, the version in force untouched
refused() { # MODE EXPECTED-REASON [extra options]
  local mode=$1 why=$2; shift 2
  run "$X" lists update --source "$(src "$mode")" "${OPTS[@]}" "$@"
  assert_rc 1
  assert_out_contains "ofac_cons: refused: "
  assert_out_contains "$why"
  assert_out_contains "in force stays $V2"
  [ "$(wc -l <<<"$OUT")" -eq 1 ] || fail "refusal over more than one line: $OUT"
  [ "$(in_force)" = "$V2" ] || fail "a refused download ($mode) changed the version in force"
}
refused html "an HTML page, not a list file"
refused truncated "truncated"
refused empty "empty file"
refused status500 "HTTP 500"
refused slow "timed out" --timeout 1
ls -a "$TMP/state/lists/ofac_cons" | grep -q '^\.tmp-' && fail "a refused download left a temporary directory"
run "$X" lists versions --db "sqlite:$TMP/xgate.db" --json
assert_json 'sum(1 for r in d["versions"] if r["status"] == "refused") == 5'
assert_json 'all(r.get("reason") for r in d["versions"] if r["status"] == "refused")'

# --- a different format than the source names (sources file with a format)
printf 'cons\tofac_cons\t%s\t1\n' "$BASE/files/not_a_list.csv" >"$TMP/sources.tsv"
printf 'id,name,country\nX1,Some Company,CN\n' >"$TMP/root/not_a_list.csv"
run "$X" lists update --sources "$TMP/sources.tsv" "${OPTS[@]}"
assert_rc 1
assert_out_contains "cons: refused: cons_prim.csv: xgate_csv, not ofac_cons; no version in force"

# --- shrink > 20 %: refused, --force accepts it
python3 - "$TMP/root" <<'PY'
import sys
p = sys.argv[1] + "/cons_prim.csv"
lines = open(p, "rb").read().split(b"\r\n")
keep = [l for l in lines if not l[:1].isdigit() or int(l.split(b",")[0]) % 2 == 0 or l.startswith(b"9640,")]
open(p, "wb").write(b"\r\n".join(keep))
PY
# side rows of dropped entries would be orphans: keep only the rows of entries still listed
python3 - "$TMP/root" <<'PY'
import sys
root = sys.argv[1]
ents = {l.split(b",")[0] for l in open(root + "/cons_prim.csv", "rb").read().split(b"\r\n") if l[:1].isdigit()}
for n in ("cons_alt.csv", "cons_add.csv"):
    p = f"{root}/{n}"
    lines = open(p, "rb").read().split(b"\r\n")
    open(p, "wb").write(b"\r\n".join(l for l in lines if not l[:1].isdigit() or l.split(b",")[0] in ents))
PY
refused files "fewer than the 443 in force"
run "$X" lists update --force --source "$(src files)" "${OPTS[@]}"
assert_rc 0
assert_out_contains "ofac_cons: new version"
V3=$(in_force)
[ "$V3" != "$V2" ] || fail "--force did not accept the shrunken version"

# --- kill -9 during an update: the previous version stays in force, no half version
cp "$SHARED"/data/lists/ofac_cons_2025-12/cons_{prim,alt,add}.csv "$TMP/root/"
"$X" lists update --timeout 60 --source "$(src slow)" "${OPTS[@]}" >/dev/null 2>&1 &
UPD=$!
for _ in $(seq 300); do ls -a "$TMP/state/lists/ofac_cons" | grep -q '^\.tmp-' && break; sleep 0.1; done
ls -a "$TMP/state/lists/ofac_cons" | grep -q '^\.tmp-' || fail "the update never started its download"
kill -9 $UPD; wait $UPD 2>/dev/null || true
[ "$(in_force)" = "$V3" ] || fail "kill -9 during an update changed the version in force"
ndirs=$(find "$TMP/state/lists/ofac_cons" -mindepth 1 -maxdepth 1 -type d ! -name '.tmp-*' | wc -l)
[ "$ndirs" -eq 3 ] || fail "expected the 3 accepted versions kept, found $ndirs"
run "$X" lists update --source "$(src files)" "${OPTS[@]}"
assert_rc 0
assert_out_contains "442 entries"
ls -a "$TMP/state/lists/ofac_cons" | grep -q '^\.tmp-' && fail "the rerun left the killed update's temporary directory"
run "$X" lists diff "$V1" current --db "sqlite:$TMP/xgate.db"
assert_rc 0
assert_out_contains "0 added, 0 removed, 0 changed, 442 unchanged"

# --- a fresh store: redirects are followed, a server without ETags gets If-Modified-Since (its
# 304 is "unchanged"), the size cap refuses a file over it in one line
O2=(--db "sqlite:$TMP/two.db" --data-dir "$TMP/state2")
all() { echo "ofac_cons=$BASE/$1/cons_prim.csv,$BASE/$1/cons_alt.csv,$BASE/$1/cons_add.csv"; }
run "$X" lists update --source "$(all redirect)" "${O2[@]}"
assert_rc 0
assert_out_contains "ofac_cons: new version ofac_cons-"
assert_out_contains "442 entries"
grep -q '^GET /files/cons_add.csv ' "$TMP/requests.log" || fail "the redirect was not followed"
O3=(--db "sqlite:$TMP/three.db" --data-dir "$TMP/state3")
run "$X" lists update --source "$(all lastmod)" "${O3[@]}"
assert_rc 0
assert_out_contains "ofac_cons: new version"
: >"$TMP/requests.log"
run "$X" lists update --source "$(all lastmod)" "${O3[@]}"
assert_rc 0
assert_out_contains "ofac_cons: unchanged (304 Not Modified)"
grep -q '^GET /lastmod/cons_prim.csv if-none-match= if-modified-since=[A-Z][a-z][a-z], ' "$TMP/requests.log" ||
  fail "no If-Modified-Since sent without an ETag: $(cat "$TMP/requests.log")"
run "$X" lists update --source "$(all files)" --db "sqlite:$TMP/four.db" --data-dir "$TMP/state4" --max-bytes 50000
assert_rc 1
assert_out_contains "cons_prim.csv: larger than the size cap of 50000 bytes; no version in force"
[ "$(wc -l <<<"$OUT")" -eq 1 ] || fail "the size refusal is more than one line: $OUT"

# --- a file that carries its date: the UN XML's dateGenerated is the version's publish date
cp "$XGATE_DATA/lists/un_sc_consolidated_2026-02.xml" "$TMP/root/consolidated.xml"
run "$X" lists update --source "un=$BASE/files/consolidated.xml" --db "sqlite:$TMP/un.db" --data-dir "$TMP/state-un" --json
assert_rc 0
assert_json 'd["results"][0]["status"] == "new" and d["results"][0]["entries"] == 1003 and d["results"][0]["publish_date"] == "2026-02-27"'
run "$X" lists versions --db "sqlite:$TMP/un.db" --json
assert_json '[(r["source"], r["publish_date"]) for r in d["versions"] if r["in_force"]] == [("un", "2026-02-27")]'

# --- a progress bar on stderr on a terminal only (lists update; monitor run: test_monitor_alerts)
run "$X" lists update --source "$(all files)" "${O2[@]}" --force
! grep -q "file 1/3" <<<"$ERR" || fail "a progress bar on a non-terminal: $ERR"
if command -v script >/dev/null; then
  script -qec "$X lists update --source '$(all files)' ${O2[*]} >/dev/null" /dev/null >"$TMP/tty.txt" 2>&1 || true
  grep -q "ofac_cons    file 3/3" "$TMP/tty.txt" || fail "no progress bar on a terminal: $(head -c 400 "$TMP/tty.txt")"
fi
echo "ok lists update"
