# scripts/check-layers itself: it passes on this tree and fails, naming the problem, on a copy with
# a deliberately bad include (a module reaching into one it may not use; the CLI reaching into an
# internal header) and on a library that exports a symbol no public header declares.
. "$XGATE_TESTS/lib.sh"
set -e
ROOT=$XGATE_ROOT
CHECK=$ROOT/scripts/check-layers
BUILD=${XGATE_BUILD:-$ROOT/build}

# the real tree, includes only (the symbols need a build; the layering stage checks those)
run "$CHECK" --root "$ROOT" --no-symbols
assert_rc 0
assert_out_contains "layering: 2 passed, 0 failed"

copy() { rm -rf "$TMP/tree"; mkdir -p "$TMP/tree"; cp -r "$ROOT/src" "$ROOT/include" "$TMP/tree/"; }

# text may not use match: a bad include in a temporary copy fails the includes check
copy
printf '#include "match/kernels.h"\n' >>"$TMP/tree/src/text/fold.c"
run "$CHECK" --root "$TMP/tree" --no-symbols
assert_rc_nonzero
assert_out_contains "src/text/fold.c: includes match/kernels.h, but src/LAYERS does not let text use match"
assert_out_contains "FAIL includes: 1 problem(s)"
assert_out_contains "layering: 1 passed, 1 failed"

# the command line may use the public headers only, even of a module it may use
copy
printf '#include "core/core.h"\n' >>"$TMP/tree/src/cli/main.c"
run "$CHECK" --root "$TMP/tree" --no-symbols
assert_rc_nonzero
assert_out_contains "src/cli/main.c: includes core/core.h, an internal header; cli may use the public headers only"

# a public header may not include one of a module its own may not use
copy
sed -i 's|#include <stddef.h>|#include <stddef.h>\n#include "xgate/store.h"|' "$TMP/tree/include/xgate/lists.h"
run "$CHECK" --root "$TMP/tree" --no-symbols
assert_rc_nonzero
assert_out_contains "include/xgate/lists.h (lists): includes xgate/store.h of store"

# a module missing from src/LAYERS is an error, not a pass
copy
mkdir "$TMP/tree/src/newmod" && printf 'int x;\n' >"$TMP/tree/src/newmod/a.c"
run "$CHECK" --root "$TMP/tree" --no-symbols
assert_rc_nonzero
assert_out_contains "src/newmod/: module not in src/LAYERS"

# exports: a library with one more global function than its headers declare fails, naming it
if [ -f "$BUILD/libxgate.a" ] && [ -f "$BUILD/libxgate-server.a" ] && [ -d "$BUILD/obj/src" ]; then
  mkdir -p "$TMP/build"
  cp "$BUILD/libxgate.a" "$BUILD/libxgate-server.a" "$TMP/build/"
  ln -s "$BUILD/obj" "$TMP/build/obj"
  run "$CHECK" --root "$ROOT" --build "$TMP/build"
  assert_rc 0
  assert_out_contains "layering: 4 passed, 0 failed"
  # calls: an edge taken away from src/LAYERS shows in what the objects call, not only in includes
  copy
  sed -i 's/^scan: core text match classify$/scan: core text match/' "$TMP/tree/src/LAYERS"
  run "$CHECK" --root "$TMP/tree" --build "$TMP/build"
  assert_rc_nonzero
  grep -qE "^  src/scan/[a-z_]+\.c: calls xg_[a-z_]+ of classify, which src/LAYERS does not let scan use" <<<"$OUT" \
    || fail "calls check did not name a scan → classify call: ${OUT:0:800}"
  assert_out_contains "FAIL calls:"
  printf 'int pct(int a, int b) { return b ? 100 * a / b : 0; }\n' >"$TMP/pct.c"
  cc -c "$TMP/pct.c" -o "$TMP/pct.o"
  ar rs "$TMP/build/libxgate-server.a" "$TMP/pct.o" 2>/dev/null
  run "$CHECK" --root "$ROOT" --build "$TMP/build"
  assert_rc_nonzero
  assert_out_contains "libxgate-server.a: exports pct, which no public header declares"
  assert_out_contains "libxgate-server.a: exports pct without the xg_ prefix"
  assert_out_contains "layering: 3 passed, 1 failed"
else
  fail "no build in $BUILD (run make build/xgate first)"
fi
echo "check-layers: all assertions passed"
