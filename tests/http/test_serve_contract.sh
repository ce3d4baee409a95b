# The published contract against the running server: every path and method of docs/openapi.json is
# served (never 404/405) to the role its description names and refused (403) one role below, and
# methods the document does not list answer 405; /metrics is valid Prometheus text (HELP and TYPE
# per family, xgate_ prefix, cumulative buckets ending in +Inf, _sum and _count); and /v1/screen and
# /v1/classify answer exactly what `xgate screen --json` / `xgate classify --json` print.
. "$XGATE_TESTS/http/lib_http.sh"
export XGATE_STATE_DIR="$TMP/state" # POST /v1/lists/update keeps versions here
start_server --policy provider

# A decision and a customer to fill {id} and {decision_id}.
req POST /v1/decide "$SERVICE" '{"customer": {"name": "Harbour Bridge Trading Ltd", "country": "HK", "headquarters": "HK"},
  "intermediaries": [{"name": "Pearl River GPU Rentals", "country": "HK", "role": "reseller", "names_end_user": false}],
  "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
  "access": {"source_country": "HK", "payment_country": "HK", "end_use": "inference"}}'
assert_code 200
DEC_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision_id"])' "$TMP/out")
req POST /v1/customers "$ADMIN" '{"name": "Contract Test GmbH", "country": "DE"}'
assert_code 201
CUST_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/out")
# An open monitoring alert to fill /v1/alerts/{id}: a listed name stored, then a monitor run.
req POST /v1/customers "$ADMIN" '{"name": "Huawei Technologies Co Ltd", "country": "CN"}'
assert_code 201
"$X" monitor run --db "$DB" --list "$SHARED/data/lists/dod_1260h_2026.xgate.csv" --json >"$TMP/mon.json" || fail "monitor run"
ALERT_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["opened"][0]["id"])' "$TMP/mon.json")

BASE="$BASE" SERVICE="$SERVICE" ANALYST="$ANALYST" ADMIN="$ADMIN" DEC_ID="$DEC_ID" CUST_ID="$CUST_ID" ALERT_ID="$ALERT_ID" \
  python3 - "$XGATE_TESTS/../docs/openapi.json" <<'PYEOF' || fail "the server does not serve docs/openapi.json as written"
import json, os, re, sys, urllib.request, urllib.error

doc = json.load(open(sys.argv[1]))
base = os.environ["BASE"]
keys = {r: os.environ[r.upper()] for r in ("service", "analyst", "admin")}
below = {"analyst": "service", "admin": "analyst"}
ids = {"id": None, "decision_id": os.environ["DEC_ID"]}
# A valid body per operation, so that a 2xx is expected and not only "not 404".
bodies = {
    "/v1/screen": {"name": "Sichuan University"},
    "/v1/screen/batch": {"queries": [{"name": "Sichuan University"}]},
    "/v1/classify": {"items": ["H100 SXM5 80GB"]},
    "/v1/decide": {"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"},
                   "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
                   "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}},
    "/v1/decide/batch": {"requests": [{"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"},
                                       "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
                                       "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}]},
    "/v1/reviews/{decision_id}": {"action": "clear", "reason": "contract test"},
    "/v1/customers": {"name": "Contract Test GmbH", "country": "DE"},
    "/v1/lists/reload": None,
    "/v1/keys": {"role": "service", "name": "contract-test"},
    "/v1/usage": {"rows": [{"customer": "Contract Test GmbH", "item": "H100", "count": 1, "start": "2026-01-01T00:00:00Z", "hours": 1}]},
    # a loopback port nothing listens on: the update runs and reports a refusal, no traffic leaves
    "/v1/lists/update": {"sources": ["contract=http://127.0.0.1:9/none.csv"]},
    "/v1/alerts/{id}": {"action": "clear", "reason": "contract test"},
}
# Query strings, and the answer expected when it is not a 2xx (no list version is stored here).
queries = {"/v1/lists/diff": "?from=current&to=current"}
expected = {"/v1/lists/diff": 404}

def call(method, path, key, body):
    data = None if body is None else json.dumps(body).encode()
    rq = urllib.request.Request(base + path, data=data, method=method)
    if key: rq.add_header("Authorization", "Bearer " + key)
    if data is not None: rq.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(rq) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

bad = []
for path, ops in doc["paths"].items():
    for method in ("get", "post", "put", "patch", "delete"):
        real = path.replace("{decision_id}", ids["decision_id"])
        real = real.replace("{id}", os.environ["DEC_ID"] if path.startswith("/v1/decisions/") else
                            os.environ["ALERT_ID"] if path.startswith("/v1/alerts/") else os.environ["CUST_ID"])
        real += queries.get(path, "")
        op = ops.get(method)
        if op is None:
            st, _ = call(method.upper(), real, keys["admin"], None)
            if st != 405: bad.append(f"{method.upper()} {path}: not in the document, answered {st} (expected 405)")
            continue
        role = re.search(r"Role: `(\w+)`", op.get("description") or "")
        public = op.get("security") == []
        if not role and not public:
            bad.append(f"{method.upper()} {path}: neither a 'Role:' nor security: []"); continue
        body = bodies.get(path) if method == "post" else None
        st, out = call(method.upper(), real, None if public else keys[role.group(1)], body)
        if (st != expected[path] if path in expected else st >= 300) or str(st) not in op["responses"]:
            bad.append(f"{method.upper()} {path} as {'nobody' if public else role.group(1)}: {st} {out[:200]!r}")
        if public: continue
        st, _ = call(method.upper(), real, None, body)
        if st != 401: bad.append(f"{method.upper()} {path} without a key: {st} (expected 401)")
        low = below.get(role.group(1))
        if low:
            st, out = call(method.upper(), real, keys[low], body)
            if st != 403: bad.append(f"{method.upper()} {path} as {low}: {st} (expected 403)")
for b in bad: print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# The route table (src/server/routes.c) and the document name the same routes with the same roles:
# a route added to one and not the other fails here.
python3 - "$XGATE_ROOT/docs/openapi.json" "$XGATE_ROOT/src/server/routes.c" <<'PYEOF' || fail "src/server/routes.c and docs/openapi.json disagree"
import json, re, sys
doc = json.load(open(sys.argv[1]))
rows = re.findall(r'\{"(GET|POST)",\s*"([^"]+)",\s*ROLE_(\w+),\s*(\w+),\s*"([^"]+)"\}', open(sys.argv[2]).read())
if len(rows) < 10: print("  too few rows read from routes.c:", len(rows), file=sys.stderr); sys.exit(1)
table = {(m, p, "public" if r == "NONE" else r.lower()) for m, p, r, h, l in rows if p != "*"}
documented = set()
for path, ops in doc["paths"].items():
    for m, op in ops.items():
        if m not in ("get", "post"): continue
        role = re.search(r"Role: `(\w+)`", op.get("description") or "")
        documented.add((m.upper(), path, role.group(1) if role else "public" if op.get("security") == [] else "?"))
for x in sorted(table - documented): print("  in the route table, not in the document:", x, file=sys.stderr)
for x in sorted(documented - table): print("  in the document, not in the route table:", x, file=sys.stderr)
labels = [l for m, p, r, h, l in rows]
for m, p, r, h, l in rows:
    if p != "*" and l != p: print(f"  {m} {p}: metrics label {l} is not its path", file=sys.stderr); sys.exit(1)
sys.exit(1 if table != documented else 0)
PYEOF

# Every error code the server's source can answer is in the document's enum.
python3 - "$XGATE_ROOT/docs/openapi.json" "$XGATE_ROOT"/src/server/*.c <<'PYEOF' || fail "error codes missing from docs/openapi.json"
import json, re, sys
enum = set(json.load(open(sys.argv[1]))["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"])
used = {c for f in sys.argv[2:] for c in re.findall(r'reply_error\(\s*r,\s*\d+,\s*"([a-z_]+)"', open(f).read())}
missing = sorted(used - enum)
if missing: print("  not in the enum:", missing, file=sys.stderr)
sys.exit(1 if missing else 0)
PYEOF

# /metrics: the Prometheus text format, checked line by line.
req GET /metrics
assert_code 200
python3 - "$TMP/out" <<'PYEOF' || fail "/metrics is not valid Prometheus text"
import re, sys
from collections import defaultdict
help_, type_, bad = {}, {}, []
series = defaultdict(list)  # (family, labels without le) -> [(le, value)]
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)?\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$')
names = set()
for line in open(sys.argv[1]).read().splitlines():
    if not line: continue
    if line.startswith("# HELP "): help_[line.split()[2]] = 1; continue
    if line.startswith("# TYPE "):
        _, _, n, t = line.split(" ", 3); type_[n] = t
        if t not in ("counter", "gauge", "histogram", "summary", "untyped"): bad.append("type " + line)
        continue
    if line.startswith("#"): continue
    m = sample.match(line)
    if not m: bad.append("malformed: " + line); continue
    name, labels, value = m.group(1), m.group(3) or "", m.group(4)
    if not name.startswith("xgate_"): bad.append("no xgate_ prefix: " + line)
    fam = re.sub(r"_(bucket|sum|count)$", "", name) if re.sub(r"_(bucket|sum|count)$", "", name) in type_ else name
    names.add(fam)
    if fam not in type_ or fam not in help_: bad.append("no HELP/TYPE before: " + line)
    if name.endswith("_bucket") and type_.get(fam) == "histogram":
        le = re.search(r'le="([^"]*)"', labels).group(1)
        rest = re.sub(r',?le="[^"]*"', "", labels)
        series[(fam, rest)].append((float("inf") if le == "+Inf" else float(le), float(value)))
for (fam, lab), bs in series.items():
    les = [b[0] for b in bs]; vals = [b[1] for b in bs]
    if les != sorted(les) or les[-1] != float("inf"): bad.append(f"{fam}{{{lab}}}: buckets not ordered or no +Inf")
    if any(a > b for a, b in zip(vals, vals[1:])): bad.append(f"{fam}{{{lab}}}: buckets not cumulative")
for want in ("xgate_http_requests_total", "xgate_http_request_duration_seconds", "xgate_decisions_total", "xgate_list_age_seconds"):
    if want not in names: bad.append("missing " + want)
for b in bad[:20]: print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF
grep -q 'xgate_http_request_duration_seconds_count{route="/v1/decide"} [1-9]' "$TMP/out" || fail "no latency for /v1/decide"
# one series per label of the route table (GET and POST /v1/customers share theirs), plus unknown
for label in $(grep -oE '^ *\{"(GET|POST)", *"[^"]+", *ROLE_[A-Z]+, *[a-z_]+, *"[^"]+"\}' "$XGATE_ROOT/src/server/routes.c" \
               | sed -E 's/.*"([^"]+)"\}$/\1/' | sort -u) unknown; do
  n=$(grep -c "^xgate_http_request_duration_seconds_count{route=\"$label\"}" "$TMP/out")
  [ "$n" -eq 1 ] || fail "/metrics has $n duration series for route $label (expected 1)"
done
grep -q 'xgate_decisions_total{decision="REVIEW"} [1-9]' "$TMP/out" || fail "REVIEW decision not counted"

# Response bodies are the CLI's JSON for the same input.
same_json() { python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=[json.loads(l) for l in open(sys.argv[2]) if l.strip()]; b=b[0] if sys.argv[3]=="one" else {"results": b}; sys.exit(0 if a==b else 1)' "$TMP/out" "$1" "$2"; }
"$X" screen --json "Beijing University of Aeronautics and Astronautics" >"$TMP/cli.json"
req POST /v1/screen "$SERVICE" '{"name": "Beijing University of Aeronautics and Astronautics"}'
assert_code 200
same_json "$TMP/cli.json" one || fail "/v1/screen differs from xgate screen --json"
"$X" classify --json "H100 SXM5 80GB" "RTX 4090" "g4dn.xlarge" >"$TMP/cli.json"
req POST /v1/classify "$SERVICE" '{"items": ["H100 SXM5 80GB", "RTX 4090", "g4dn.xlarge"]}'
assert_code 200
same_json "$TMP/cli.json" all || fail "/v1/classify differs from xgate classify --json"
"$X" classify --json --spec 'fp8=1979,die=814,datacenter=yes' >"$TMP/cli.json"
req POST /v1/classify "$SERVICE" '{"spec": "fp8=1979,die=814,datacenter=yes"}'
assert_code 200
same_json "$TMP/cli.json" all || fail "/v1/classify spec differs from xgate classify --json --spec"

stop_server
check_server_log
