#!/usr/bin/env bash
# `make install DESTDIR=…` lays out the binary, library, headers, pkg-config file, data, console,
# completion and configuration; the installed binary runs from there without XGATE_DATA (screen
# and serve work); a C program builds against the installed library through pkg-config; the
# shipped configuration passes --check-config; the systemd unit verifies; man pages (when built)
# render; bash completion completes commands, subcommands and options.
set -euo pipefail
. "$XGATE_TESTS/lib.sh"
ROOT_DIR=${XGATE_ROOT:-$(cd "$XGATE_TESTS/.." && pwd)}
DEST="$TMP/root"
P=/usr/local # the Makefile's default PREFIX: installing with it rebuilds nothing

run make -C "$ROOT_DIR" --no-print-directory install DESTDIR="$DEST"
assert_rc 0
for f in bin/xgate lib/libxgate.a include/xgate/xgate.h include/xgate/config.h \
  lib/pkgconfig/xgate.pc share/xgate/data/SOURCES.md share/xgate/data/lists/csl_sample.csv \
  share/xgate/web/index.html share/xgate/docs/openapi.json \
  share/bash-completion/completions/xgate etc/xgate/xgate.conf; do
  [ -s "$DEST$P/$f" ] || fail "make install did not install $P/$f"
done
[ -x "$DEST$P/bin/xgate" ] || fail "installed xgate is not executable"
[ "$(stat -c %a "$DEST$P/share/xgate/data/SOURCES.md")" = 644 ] || fail "data files not mode 0644"

# An edited configuration survives a second install.
echo "# edited" >>"$DEST$P/etc/xgate/xgate.conf"
run make -C "$ROOT_DIR" --no-print-directory install DESTDIR="$DEST"
assert_rc 0
grep -q '^# edited' "$DEST$P/etc/xgate/xgate.conf" || fail "make install overwrote an edited xgate.conf"

# The installed binary, run from elsewhere without XGATE_DATA, finds the installed data.
XI="$DEST$P/bin/xgate"
cd "$TMP"
run env -u XGATE_DATA "$XI" --version
assert_rc 0
assert_out_contains "xgate "
run env -u XGATE_DATA "$XI" screen --json "National University of Defense Technology"
assert_rc 0
assert_json 'any("Defense Technology" in m["name"] for m in d["matches"]) if isinstance(d, dict) and "matches" in d else "Defense Technology" in open("'"$TMP"'/out").read()'
run env -u XGATE_DATA "$XI" lists info
assert_rc 0
assert_out_contains "$DEST$P/share/xgate/data/lists"

# pkg-config describes the library; a program builds against the installed tree and runs.
PCDIR="$DEST$P/lib/pkgconfig"
run pkg-config --define-variable=prefix="$DEST$P" --cflags --libs "$PCDIR/xgate.pc"
assert_rc 0
assert_out_contains "-I$DEST$P/include"
assert_out_contains "-lxgate"
FLAGS=$OUT
cat >"$TMP/use.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <xgate/xgate.h>
int main(void)
{
    xg_config *c = NULL;
    const char *t = "listen = 127.0.0.1:9\nlist = a\nlist = b\n";
    if (xg_config_parse(&c, t, strlen(t), "t") != XG_OK) return 1;
    printf("%s %zu\n", xg_config_get(c, "listen"), xg_config_count(c, "list"));
    xg_config_free(c);
    return 0;
}
EOF
# shellcheck disable=SC2086
run cc -std=c11 -o "$TMP/use" "$TMP/use.c" $FLAGS
assert_rc 0
run "$TMP/use"
assert_rc 0
assert_out_contains "127.0.0.1:9 2"

# The shipped configuration is valid; the installed binary checks it.
run env -u XGATE_DATA "$XI" serve --check-config --config "$DEST$P/etc/xgate/xgate.conf"
assert_rc 0
assert_out_contains "xgate.conf: ok"

# serve from the installed tree: console, OpenAPI and lists from share/xgate.
rm -f "$TMP/port"
env -u XGATE_DATA "$XI" serve --listen 127.0.0.1:0 --db "sqlite:$TMP/i.db" --port-file "$TMP/port" \
  2>"$TMP/serve.log" &
SRV=$!
trap 'kill -TERM $SRV 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 1200); do [ -s "$TMP/port" ] && break; kill -0 $SRV 2>/dev/null || break; sleep 0.1; done
[ -s "$TMP/port" ] || fail "waited for the port file of the installed xgate serve (1200 tries): $(cat "$TMP/serve.log")"
BASE="http://127.0.0.1:$(cat "$TMP/port")"
curl -sf "$BASE/healthz" >"$TMP/out" || fail "GET /healthz failed"
grep -q '"screen":true' "$TMP/out" || fail "healthz: $(cat "$TMP/out")"
curl -sf -o "$TMP/index" "$BASE/" || fail "GET / failed"
grep -qi '<html' "$TMP/index" || fail "the console is not served from the installed web/"
curl -sf -o "$TMP/openapi" "$BASE/v1/openapi.json" || fail "GET /v1/openapi.json failed"
grep -q '"openapi"' "$TMP/openapi" || fail "openapi.json is not served from share/xgate/docs"
grep -q "console from $DEST$P/share/xgate/web" "$TMP/serve.log" || fail "console dir: $(cat "$TMP/serve.log")"
kill -TERM $SRV
wait $SRV || fail "installed xgate serve exited non-zero on SIGTERM"
trap 'rm -rf "$TMP"' EXIT # the server is gone: never signal its (reusable) pid again

# The systemd unit passes systemd-analyze verify (with ExecStart pointed at the installed binary,
# since /usr/bin/xgate is not installed on the test machine).
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|/usr/bin/xgate|$XI|g" "$ROOT_DIR/debian/xgate.service" >"$TMP/xgate.service"
  run systemd-analyze verify "$TMP/xgate.service"
  assert_rc 0
  ! grep -qiE 'unknown|invalid|failed|not executable' <<<"$ERR" || fail "systemd-analyze verify: $ERR"
else
  echo "systemd-analyze is not installed: unit not verified"
fi

# Man pages, when the build has made them, are installed and render without warnings.
if ls "$ROOT_DIR"/build/man/*.1 >/dev/null 2>&1; then
  for m in "$ROOT_DIR"/build/man/*.1; do
    [ -s "$DEST$P/share/man/man1/$(basename "$m")" ] || fail "man page $(basename "$m") not installed"
    run env MANWIDTH=80 man --warnings -l "$DEST$P/share/man/man1/$(basename "$m")"
    assert_rc 0
    [ -z "$ERR" ] || fail "man -l $(basename "$m") warns: $ERR"
  done
fi

# Bash completion: commands, a command's subcommands, a command's options.
complete_words() { # complete_words WORD… → COMPREPLY, one per line
  PATH="$DEST$P/bin:$PATH" bash -c '
    . "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _xgate; printf "%s\n" "${COMPREPLY[@]}"' _ "$DEST$P/share/bash-completion/completions/xgate" "$@"
}
OUT=$(complete_words xgate s)
grep -qx serve <<<"$OUT" && grep -qx screen <<<"$OUT" || fail "completion of 'xgate s': $OUT"
OUT=$(complete_words xgate serve --c)
grep -qx -- --config <<<"$OUT" && grep -qx -- --check-config <<<"$OUT" || fail "completion of 'xgate serve --c': $OUT"
OUT=$(complete_words xgate lists "")
grep -qx info <<<"$OUT" || fail "completion of 'xgate lists ': $OUT"
OUT=$(complete_words xgate keys create --r)
grep -qx -- --role <<<"$OUT" || fail "completion of 'xgate keys create --r': $OUT"
echo "install: ok"
