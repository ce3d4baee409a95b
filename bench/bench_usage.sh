#!/usr/bin/env bash
# Benchmark of compute accounting (`xgate usage`): import rate and peak memory for a generated
# CUR-shaped file (AWS CUR 2.0 columns; ROWS rows, default 10M: 100k instances × 100 hours across
# 10k accounts, one in five rows not accelerator usage), then `xgate usage report --json` over 10k
# customers (100 parents with 100 subsidiaries each). Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
X=$ROOT/build/xgate
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

# the CUR file: instance k runs hours 0..H-1 from 2026-01-01; account = k mod 10k
awk -v rows="$ROWS" 'BEGIN {
  print "identity_line_item_id,line_item_usage_account_id,line_item_usage_type,product_instance_type,line_item_usage_amount,line_item_usage_start_date,line_item_usage_end_date,line_item_resource_id,product_region_code";
  split("p5.48xlarge p4d.24xlarge g5.xlarge m5.large p4de.24xlarge", types, " ");
  ninst = 100000; hours = int(rows / ninst); if (hours < 1) hours = 1;
  n = 0;
  for (h = 0; h < hours && n < rows; h++) {
    d = 1 + int(h / 24); hh = h % 24;
    start = sprintf("2026-%02d-%02dT%02d:00:00Z", 1 + int((d - 1) / 28), 1 + (d - 1) % 28, hh);
    end = sprintf("2026-%02d-%02dT%02d:59:59Z", 1 + int((d - 1) / 28), 1 + (d - 1) % 28, hh);
    for (k = 0; k < ninst && n < rows; k++) {
      t = types[1 + k % 5];
      printf "li%d,1%011d,USE1-BoxUsage:%s,%s,1,%s,%s,i-%08d,us-east-1\n", n, k % 10000, t, t, start, end, k;
      n++;
    }
  }
}' > "$W/cur.csv"
bytes=$(stat -c %s "$W/cur.csv")

/usr/bin/time -f '%e %M' -o "$W/time" "$X" usage import --json --accounts "$W/accounts.csv" "$W/cur.csv" > "$W/import.json"
read -r t_import rss_kb < "$W/time"
added=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["added"], d["not_accelerator"], d["rows"])' "$W/import.json")
set -- $added
rate=$(echo "$3 / $t_import" | bc)
/usr/bin/time -f '%e %M' -o "$W/time2" "$X" usage import --json --accounts "$W/accounts.csv" "$W/cur.csv" > "$W/import2.json"
read -r t_reimport rss2_kb < "$W/time2"
dups=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["added"], d["duplicates"])' "$W/import2.json")
/usr/bin/time -f '%e %M' -o "$W/time3" "$X" usage report --json > "$W/report.json"
read -r t_report rss3_kb < "$W/time3"
nrep=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for o in d if o["kind"]=="customer"), sum(1 for o in d if o["kind"]!="customer"))' "$W/report.json")
dbsize=$(du -m "$W/usage.db" | cut -f1)

cat <<MD
## usage

Command: \`bench/bench_usage.sh\` (ROWS=$ROWS; xgate built with \`make\`, -O2). Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), shared with other jobs (load average $(cut -d' ' -f1 /proc/loadavg) at the end). Date: $(date -u +%Y-%m-%dT%H:%MZ).
Data: a generated AWS CUR 2.0-shaped CSV, $ROWS rows ($((bytes / 1048576)) MiB), 100k instances × hourly lines, 10k accounts mapped to 10k customers (100 parents × 100 subsidiaries); p5/p4d/p4de/g5 lines and one m5 line in five (not accelerator usage).

| measure | value |
|---|---|
| import (parse, catalog, customer lookup, estimate, content key, SQLite insert; one transaction) | $t_import s, **$rate rows/s** ($1 rows stored, $2 not accelerator usage) |
| import peak memory (max RSS) | $((rss_kb / 1024)) MiB |
| re-import of the same file (adds nothing: $dups added/duplicates) | $t_reimport s, max RSS $((rss2_kb / 1024)) MiB |
| \`usage report --json\` over all rows (customers, parents: $nrep) | $t_report s, max RSS $((rss3_kb / 1024)) MiB |
| 10k customers imported (\`customers import\`, one synchronous transaction each) | $t_cust s |
| database size after import | $dbsize MiB |
MD
