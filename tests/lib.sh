# Assertions for shell tests that run the real xgate binary. Source it; every helper fails the
# script (exit 1) with a message on a false assertion.
set -u
X=${XGATE_BIN:?XGATE_BIN must name the xgate binary}
SHARED=${XGATE_SHARED:?}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Compiled snapshot files go to a directory of this script's (never ~/.cache) unless the caller
# chose one (make sets build/snapshots); a test that needs a cold start names its own.
export XGATE_SNAPSHOT_DIR=${XGATE_SNAPSHOT_DIR:-$TMP/snapshots}

fail() { echo "ASSERTION FAILED: $*" >&2; exit 1; }

# run CMD…: runs it, keeps stdout in $OUT, stderr in $ERR and the exit code in $RC.
run() {
  set +e
  "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
  # A sanitizer report is always a failure, whatever the exit code.
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TMP/err"; then
    echo "$ERR" >&2; fail "sanitizer report from: $*"
  fi
}
assert_rc() { [ "$RC" -eq "$1" ] || fail "exit code $RC, expected $1 (stderr: ${ERR:0:500})"; }
assert_rc_nonzero() { [ "$RC" -ne 0 ] || fail "exit code 0, expected non-zero"; }
assert_out_contains() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks '$1': ${OUT:0:800}"; }
assert_out_lacks() { ! grep -qF -- "$1" <<<"$OUT" || fail "stdout has '$1'"; }
assert_err_contains() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks '$1': ${ERR:0:800}"; }
# assert_json EXPR: python3 expression over `d` (the parsed stdout, or a list for JSONL) is true.
assert_json() {
  python3 - "$1" <<PYEOF || fail "JSON assertion '$1' on: ${OUT:0:800}"
import json, sys
raw = open("$TMP/out", encoding="utf-8").read()
try:
    d = json.loads(raw)
except ValueError:
    d = [json.loads(l) for l in raw.splitlines() if l.strip()]
sys.exit(0 if eval(sys.argv[1]) else 1)
PYEOF
}
