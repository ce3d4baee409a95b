#!/usr/bin/env bash
# Benchmark of compute accounting (`xgate usage`): import rate and peak memory for a generated
# CUR-shaped export (AWS CUR 2.0 columns; ROWS rows, default 10M: 100k instances × 100 hours across
# 10k accounts, one in five rows not accelerator usage, in PARTS part files, default 10), then
# `xgate usage report --json` over 10k customers (100 parents with 100 subsidiaries each). Prints
# Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
X=${XGATE_BIN:-$ROOT/build/xgate}
ROWS=${ROWS:-10000000}
export XGATE_DATA=$ROOT/data
[ -x "$X" ] || make -s build/xgate >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export XGATE_DB="sqlite:$W/usage.db"

# 10k customers: cus_00000 … cus_09999, each owned 100 % by one of 100 parents
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
with open(w + "/customers.jsonl", "w") as f, open(w + "/accounts.csv", "w") as a:
    a.write("account,customer\n")
    for i in range(10000):
        f.write(json.dumps({"id": "cus_%05d" % i, "name": "Bench Customer %05d Ltd" % i, "country": "SG",
                            "owners": [{"name": "Bench Parent %03d Holdings" % (i % 100), "country": "CN",
                                        "headquarters": "CN", "percent": 100}]}) + "\n")
        a.write("%012d,cus_%05d\n" % (100000000000 + i, i))
PY
t0=$(date +%s.%N)
"$X" customers import "$W/customers.jsonl" >/dev/null
t_cust=$(printf "%.1f" "$(echo "$(date +%s.%N) - $t0" | bc)")

# The CUR export: instance k runs hours 0..H-1 from 2026-01-01; account = k mod 10k. AWS delivers a
# large CUR 2.0 export as several part files; here the ROWS rows are PARTS parts, each generated
# into a named pipe as the import reads it, so the 1.2 GB of CSV for 10M rows never touches the
# disk. Each part is imported in its own transaction (as every file is), which also bounds the
# SQLite write-ahead log to one part's pages: one 10M-row file would need the whole database again
# as WAL at commit (about 4 GB in all), over this machine's budget. A part is regenerated
# identically for the re-import.
gen_part() { # part number, output path
  awk -v rows="$ROWS" -v parts="$PARTS" -v p="$1" 'BEGIN {
    print "identity_line_item_id,line_item_usage_account_id,line_item_usage_type,product_instance_type,line_item_usage_amount,line_item_usage_start_date,line_item_usage_end_date,line_item_resource_id,product_region_code";
    split("p5.48xlarge p4d.24xlarge g5.xlarge m5.large p4de.24xlarge", types, " ");
    ninst = 100000;
    lo = int(rows * p / parts); hi = int(rows * (p + 1) / parts);
    for (n = lo; n < hi; n++) {
      h = int(n / ninst); k = n % ninst;
      d = 1 + int(h / 24); hh = h % 24;
      day = sprintf("2026-%02d-%02d", 1 + int((d - 1) / 28), 1 + (d - 1) % 28);
      t = types[1 + k % 5];
      printf "li%d,1%011d,USE1-BoxUsage:%s,%s,1,%sT%02d:00:00Z,%sT%02d:59:59Z,i-%08d,us-east-1\n", n, k % 10000, t, t, day, hh, day, hh, k;
    }
  }' > "$2"
}
PARTS=${PARTS:-10}
parts=()
for ((p = 0; p < PARTS; p++)); do parts+=("$W/cur-$(printf %05d $((p + 1))).csv"); done
feed() { # start one generator per part, each blocked on its pipe until the import opens it
  for ((p = 0; p < PARTS; p++)); do rm -f "${parts[p]}"; mkfifo "${parts[p]}"; gen_part "$p" "${parts[p]}" & done
}
# The size of the CSV, counted once (not stored).
bytes=0
for ((p = 0; p < PARTS; p++)); do bytes=$((bytes + $(gen_part "$p" /dev/stdout | wc -c))); done

# Peak disk of the database and its WAL, sampled every second while a command runs.
watch_disk() {
  local peak=0 cur
  while kill -0 "$1" 2>/dev/null; do
    cur=$(du -sk "$W" --exclude='cur-*' 2>/dev/null | cut -f1); [ "${cur:-0}" -gt "$peak" ] && peak=$cur
    sleep 1
  done
  echo "$peak"
}
timed() { # output file, time file, disk file, command…
  local out=$1 tf=$2 df=$3; shift 3
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" > "$out" &
  local pid=$!
  watch_disk "$pid" > "$df" &
  local wpid=$!
  wait "$pid"; wait "$wpid"
}

feed
timed "$W/import.json" "$W/time" "$W/disk" "$X" usage import --json --accounts "$W/accounts.csv" "${parts[@]}"
read -r t_import u_import s_import rss_kb < "$W/time"
read -r disk_kb < "$W/disk"
sum() { python3 -c 'import json,sys
ds = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(" ".join(str(sum(d[k] for d in ds)) for k in sys.argv[2:]), all(d["committed"] for d in ds))' "$@"; }
set -- $(sum "$W/import.json" added not_accelerator rows)
[ "$4" = True ] || { echo "bench_usage: an import part was not committed" >&2; exit 1; }
added=$1 skipped=$2 nrows=$3
rate=$(echo "$nrows / $t_import" | bc)
cpu_rate=$(echo "$nrows / ($u_import + $s_import)" | bc)
feed
timed "$W/import2.json" "$W/time2" "$W/disk2" "$X" usage import --json --accounts "$W/accounts.csv" "${parts[@]}"
read -r t_reimport u_reimport s_reimport rss2_kb < "$W/time2"
dups=$(sum "$W/import2.json" added duplicates | cut -d' ' -f1,2)
/usr/bin/time -f '%e %M' -o "$W/time3" "$X" usage report --json > "$W/report.json"
read -r t_report rss3_kb < "$W/time3"
nrep=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for o in d if o["kind"]=="customer"), sum(1 for o in d if o["kind"]!="customer"))' "$W/report.json")
dbsize=$(du -m "$W/usage.db" | cut -f1)

cat <<MD
## usage

Command: \`bench/bench_usage.sh\` (ROWS=$ROWS, PARTS=$PARTS; xgate built with \`make\`, -O2). Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), shared with other jobs (load average $(cut -d' ' -f1 /proc/loadavg) at the end). Date: $(date -u +%Y-%m-%dT%H:%MZ).
Data: a generated AWS CUR 2.0-shaped export, $ROWS rows ($((bytes / 1048576)) MiB of CSV) in $PARTS part files read from named pipes (one transaction per part), 100k instances × hourly lines, 10k accounts mapped to 10k customers (100 parents × 100 subsidiaries); p5/p4d/p4de/g5 lines and one m5 line in five (not accelerator usage). Wall time depends on the machine's load; CPU time (user + system) is the import's own cost.

| measure | value |
|---|---|
| import (parse, catalog, customer lookup, estimate, content key, SQLite insert; one transaction per part) | $t_import s wall, **$rate rows/s**; CPU $u_import s user + $s_import s system = **$cpu_rate rows/s of CPU** ($added rows stored, $skipped not accelerator usage) |
| import peak memory (max RSS) | $((rss_kb / 1024)) MiB |
| peak disk during the import (database + WAL, sampled each second) | $((disk_kb / 1024)) MiB |
| re-import of the same export (adds nothing: $dups added/duplicates) | $t_reimport s wall (CPU $u_reimport s user + $s_reimport s system), max RSS $((rss2_kb / 1024)) MiB |
| \`usage report --json\` over all rows (customers, parents: $nrep) | $t_report s, max RSS $((rss3_kb / 1024)) MiB |
| 10k customers imported (\`customers import\`, one synchronous transaction each) | $t_cust s |
| database size after import | $dbsize MiB |
MD
