# A library user's view: a program that includes only xgate/xgate.h links against build/libxgate.a
# and the packages' libraries, without civetweb (the server is libxgate-server.a), and runs; a
# program that calls an internal function of the library does not link at all.
. "$XGATE_TESTS/lib.sh"
set -e
BUILD=${XGATE_BUILD:-$XGATE_ROOT/build}
[ -f "$BUILD/libxgate.a" ] || fail "no $BUILD/libxgate.a (run make first)"
# the Makefile's package flags (PKG_CFLAGS, PKG_LIBS: civetweb is not among them)
CFLAGS="-std=c11 -D_GNU_SOURCE -I$XGATE_ROOT/include ${XGATE_PKG_CFLAGS:?set by make layering}"
LIBS=${XGATE_PKG_LIBS:?set by make layering}
case " $LIBS " in *civetweb*) fail "PKG_LIBS names civetweb: $LIBS";; esac

cat >"$TMP/user.c" <<'C'
#include <stdio.h>
#include "xgate/xgate.h"
int main(void)
{
    char scheme[256];
    if (xg_lists_id_scheme(scheme, sizeof scheme, "Unified Social Credit Code") != XG_OK) return 1;
    xg_buf b;
    xg_buf_init(&b);
    xg_buf_printf(&b, "%s %d %s", scheme, xg_lists_id_scheme_known(scheme),
                  xg_outcome_name(XG_OUTCOME_DENY));
    puts(b.data);
    xg_buf_free(&b);
    return 0;
}
C
cc $CFLAGS "$TMP/user.c" "$BUILD/libxgate.a" $LIBS -o "$TMP/user" 2>"$TMP/cc.err" \
  || fail "a public-API program does not link without civetweb: $(head -c 800 "$TMP/cc.err")"
run "$TMP/user"
assert_rc 0
assert_out_contains "USCC 1 DENY"
nm "$TMP/user" | grep -q ' mg_start' && fail "the program pulled in civetweb"

# an internal function (lists' scheme lookup behind xg_lists_id_scheme) is not there to call
cat >"$TMP/internal.c" <<'C'
#include <stddef.h>
typedef struct lst_ctx lst_ctx;
const char *lst_id_scheme(lst_ctx *ctx, const char *type);
int main(void) { return lst_id_scheme(NULL, "Passport") != NULL; }
C
if cc $CFLAGS "$TMP/internal.c" "$BUILD/libxgate.a" $LIBS -o "$TMP/internal" 2>"$TMP/cc.err"; then
  fail "an internal function of libxgate.a could be linked"
fi
grep -q "undefined reference to .lst_id_scheme" "$TMP/cc.err" || fail "unexpected link error: $(head -c 800 "$TMP/cc.err")"
echo "library user: links without civetweb, sees no internals"
