# libcurl, libpq, Hyperscan, libzip and libsystemd are opened with dlopen when a command first
# needs them (src/core/dl.h), not linked: none is among the binary's NEEDED entries, `screen` runs
# even when all of them are missing, and a command that needs one whose soname is made missing
# (XGATE_TEST_SONAMES, test-only) fails with a one-line error naming the soname and the Debian
# package to install, a non-zero exit and no crash.
. "$XGATE_TESTS/lib.sh"

needed=$(readelf -d "$X" | grep NEEDED) || fail "readelf -d $X shows no NEEDED entries"
grep -q '\[libc\.so\.6\]' <<<"$needed" || fail "readelf output not understood: $needed"
for lib in libcurl libpq libhs libzip libsystemd; do
  ! grep -q "\[$lib\.so" <<<"$needed" || fail "$X still links $lib: $needed"
done

run "$X" screen "Sichuan University"
assert_rc 0
assert_out_contains "Sichuan University"
want=$OUT

MISSING=libcurl.so.4=libxgate-missing.so.0,libpq.so.5=libxgate-missing.so.0
MISSING=$MISSING,libhs.so.5=libxgate-missing.so.0,libzip.so.4=libxgate-missing.so.0
export XGATE_TEST_SONAMES=$MISSING
run "$X" screen "Sichuan University"
assert_rc 0
[ "$OUT" = "$want" ] || fail "screen without the optional libraries answers differently: $OUT"

one_line_error() { # one_line_error SONAME PACKAGE
  assert_rc_nonzero
  [ "$RC" -lt 128 ] || fail "exit code $RC: killed by a signal"
  assert_err_contains "$1 cannot be loaded (install the Debian package $2)"
  assert_err_contains "libxgate-missing.so.0"
  [ "$(grep -c "cannot be loaded" <<<"$ERR")" -eq 1 ] || fail "the error is given more than once: $ERR"
  [ "$(grep "cannot be loaded" <<<"$ERR" | wc -l)" -eq 1 ] || fail "not one line: $ERR"
}

# PostgreSQL store: libpq
run "$X" store migrate --db "postgresql:///xgate_dlopen?host=$TMP/nowhere"
one_line_error libpq.so.5 libpq5

# list downloads: libcurl (nothing listens on the port: the library is needed before connecting)
run "$X" lists update --source "ofac_cons=http://127.0.0.1:9/cons_prim.csv" \
  --db "sqlite:$TMP/xgate.db" --data-dir "$TMP/state"
one_line_error libcurl.so.4 libcurl4

# scan: Hyperscan
printf 'Tender for 8 NVIDIA H100 GPUs for Sichuan University.\n' >"$TMP/doc.txt"
run "$X" scan "$TMP/doc.txt"
one_line_error libhs.so.5 libhyperscan5

# scan of an Office document: libzip (Hyperscan present)
python3 "$XGATE_TESTS/cli/office/mkoffice.py" docx "$TMP/doc.txt" "$TMP/doc.docx"
export XGATE_TEST_SONAMES=libzip.so.4=libxgate-missing.so.0
run "$X" scan "$TMP/doc.docx"
one_line_error libzip.so.4 libzip4

# with the libraries present the same commands get past loading them
unset XGATE_TEST_SONAMES
run "$X" scan "$TMP/doc.docx"
assert_rc 0
! grep -q "cannot be loaded" <<<"$ERR" || fail "scan of a DOCX: $ERR"
run "$X" store migrate --db "postgresql:///xgate_dlopen?host=$TMP/nowhere"
assert_rc_nonzero
! grep -q "cannot be loaded" <<<"$ERR" || fail "store with libpq present: $ERR"
assert_err_contains "cannot connect"
echo "ok"
