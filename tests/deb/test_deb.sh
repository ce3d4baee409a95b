#!/usr/bin/env bash
# Checks the Debian packages `make deb` built (run by `make deb-test`; building them is slow, so
# this is not part of tests/cli). Usage: tests/deb/test_deb.sh DIR (the directory with the .debs).
# lintian reports no errors; dpkg-deb -c lists what each package must hold and nothing it must
# not; the maintainer scripts create the user and the state directory and leave the service
# disabled; the packaged binary, extracted to a temporary root, answers --version, screens a name
# from its own data and checks the shipped configuration; the unit verifies; the -dev package's
# pkg-config file builds a program. One line per check; exit 1 on the first failed one.
set -euo pipefail
DIR=$(cd "${1:?usage: tests/deb/test_deb.sh DIR}" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

DEB=$(ls "$DIR"/xgate_*_amd64.deb 2>/dev/null | head -n 1)
DEV=$(ls "$DIR"/libxgate-dev_*_amd64.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] && [ -n "$DEV" ] || fail "no xgate_*.deb and libxgate-dev_*.deb in $DIR"
ok "packages built: $(basename "$DEB") $(basename "$DEV")"

# lintian: errors fail the check; warnings are printed for the record.
lintian --tag-display-limit 0 "$DEB" "$DEV" >"$T/lintian" 2>&1 || true
grep -v '^running with root' "$T/lintian" | sed 's/^/     lintian: /' || true
! grep -q '^E: ' "$T/lintian" || fail "lintian reports errors"
ok "lintian: no errors ($(grep -c '^W: ' "$T/lintian" || true) warnings)"

# Contents.
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$T/files"
for f in /usr/bin/xgate /etc/xgate/xgate.conf /lib/systemd/system/xgate.service \
  /usr/lib/sysusers.d/xgate.conf /usr/lib/tmpfiles.d/xgate.conf /usr/share/xgate/data/SOURCES.md \
  /usr/share/xgate/data/lists/csl_sample.csv /usr/share/xgate/data/policy/settings.tsv \
  /usr/share/xgate/web/index.html /usr/share/xgate/docs/openapi.json \
  /usr/share/bash-completion/completions/xgate /usr/share/doc/xgate/copyright \
  /usr/share/doc/xgate/install.md; do
  grep -qx -- "$f" "$T/files" || fail "$(basename "$DEB") lacks $f"
done
! grep -qE '^/usr/include|\.a$|/\.git|^/usr/local|/build/' "$T/files" || fail "$(basename "$DEB") holds files it must not: $(grep -E '^/usr/include|\.a$|/\.git|^/usr/local|/build/' "$T/files" | head -5)"
dpkg-deb -c "$DEV" | awk '{print $6}' | sed 's|^\./|/|' >"$T/devfiles"
for f in /usr/include/xgate/xgate.h /usr/include/xgate/config.h; do
  grep -qx -- "$f" "$T/devfiles" || fail "$(basename "$DEV") lacks $f"
done
grep -qE '^/usr/lib/[a-z0-9_-]+/libxgate\.a$' "$T/devfiles" || fail "$(basename "$DEV") lacks libxgate.a"
grep -qE '^/usr/lib/[a-z0-9_-]+/pkgconfig/xgate\.pc$' "$T/devfiles" || fail "$(basename "$DEV") lacks xgate.pc"
ok "dpkg-deb -c: $(wc -l <"$T/files") entries in xgate, $(wc -l <"$T/devfiles") in libxgate-dev"

# Control data: computed Depends, the conffile, user and directory created, service not enabled.
dpkg-deb -f "$DEB" Depends >"$T/depends"
# libcurl4 … libsystemd0: opened with dlopen, so named in debian/control, not computed
for lib in libsqlite3-0 libsystemd0 libcivetweb1 libjansson4 libcurl4 libpq5 libhyperscan5 libzip4; do
  grep -q "$lib" "$T/depends" || fail "Depends lacks $lib: $(cat "$T/depends")"
done
dpkg-deb -e "$DEB" "$T/ctl"
grep -qx /etc/xgate/xgate.conf "$T/ctl/conffiles" || fail "/etc/xgate/xgate.conf is not a conffile"
grep -q 'systemd-sysusers.*xgate.conf' "$T/ctl/postinst" || fail "postinst does not create the user"
grep -q 'systemd-tmpfiles.*--create xgate.conf' "$T/ctl/postinst" || fail "postinst does not create /var/lib/xgate"
! grep -qE 'deb-systemd-invoke (start|restart)' "$T/ctl/postinst" || fail "postinst starts the service"
grep -q 'was-enabled' "$T/ctl/postinst" || fail "postinst enables the service unconditionally"
dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/lib/sysusers.d/xgate.conf | grep -q '^u xgate ' ||
  fail "sysusers.d does not declare the xgate user"
ok "control: Depends computed, conffile, user and state directory created, service left disabled"

# The packaged binary from a temporary root, without XGATE_DATA.
dpkg-deb -x "$DEB" "$T/root"
XI="$T/root/usr/bin/xgate"
cd "$T"
env -u XGATE_DATA "$XI" --version >"$T/out" || fail "--version failed"
grep -q '^xgate [0-9]' "$T/out" || fail "--version: $(cat "$T/out")"
env -u XGATE_DATA "$XI" screen "National University of Defense Technology" >"$T/out" 2>"$T/err" ||
  fail "screen failed: $(cat "$T/err")"
grep -q "National University of Defense Technology" "$T/out" || fail "screen found nothing: $(cat "$T/out")"
env -u XGATE_DATA "$XI" lists info >"$T/out" 2>&1 || fail "lists info: $(cat "$T/out")"
grep -q "$T/root/usr/share/xgate/data/lists" "$T/out" || fail "lists not from the package: $(cat "$T/out")"
env -u XGATE_DATA "$XI" serve --check-config --config "$T/root/etc/xgate/xgate.conf" >"$T/out" 2>&1 ||
  fail "the shipped xgate.conf does not pass --check-config: $(cat "$T/out")"
"$XI" serve --help | grep -q '/etc/xgate/xgate.conf' || fail "the packaged binary's default config is not /etc/xgate/xgate.conf"
grep -qa '/usr/share/xgate/data' "$XI" || fail "the packaged binary has no compiled-in /usr/share/xgate/data"
ok "packaged binary: --version, screen and lists info from its own data, --check-config"

# The unit as packaged (ExecStart pointed at the extracted binary; /usr/bin/xgate is not installed).
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|/usr/bin/xgate|$XI|g" "$T/root/lib/systemd/system/xgate.service" >"$T/xgate.service"
  systemd-analyze verify "$T/xgate.service" >"$T/out" 2>&1 || fail "systemd-analyze verify: $(cat "$T/out")"
  ! grep -qiE 'unknown|invalid|failed|not executable' "$T/out" || fail "systemd-analyze verify: $(cat "$T/out")"
  grep -q '^Type=notify' "$T/xgate.service" && grep -q '^ProtectSystem=strict' "$T/xgate.service" ||
    fail "the unit is not Type=notify with ProtectSystem=strict"
  ok "systemd-analyze verify xgate.service"
fi

# Man pages, when packaged, render without warnings.
for m in $(grep -E '^/usr/share/man/man1/.*\.1(\.gz)?$' "$T/files" || true); do
  MANWIDTH=80 man --warnings -l "$T/root$m" >/dev/null 2>"$T/err" || fail "man -l $m failed"
  [ ! -s "$T/err" ] || fail "man -l $m warns: $(cat "$T/err")"
  ok "man -l $(basename "$m")"
done

# libxgate-dev: pkg-config and a program built against the extracted tree.
dpkg-deb -x "$DEV" "$T/root"
PC=$(ls "$T"/root/usr/lib/*/pkgconfig/xgate.pc)
FLAGS=$(pkg-config --define-variable=prefix="$T/root/usr" --cflags --libs "$PC") || fail "pkg-config xgate.pc"
printf '#include <xgate/xgate.h>\n#include <stdio.h>\nint main(void){xg_config *c=NULL;if(xg_config_parse(&c,"policy = ear\\n",12,"t"))return 1;puts(xg_config_get(c,"policy"));xg_config_free(c);return 0;}\n' >"$T/use.c"
# shellcheck disable=SC2086
cc -std=c11 -o "$T/use" "$T/use.c" $FLAGS 2>"$T/err" || fail "building against libxgate-dev: $(cat "$T/err")"
[ "$("$T/use")" = ear ] || fail "the program built against libxgate-dev did not run"
ok "libxgate-dev: pkg-config --cflags --libs xgate builds a program"
echo "deb: all checks passed"
