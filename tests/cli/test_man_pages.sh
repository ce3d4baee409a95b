# Man pages: xgate(1) and xgate-CMD(1) come from the same option tables as --help
# (`xgate help --man [CMD]`, what `make man` writes to build/man/). Each renders without a single
# groff warning, and lists exactly the options `--help` lists.
. "$XGATE_TESTS/lib.sh"
command -v groff >/dev/null || fail "groff is not installed (scripts/bootstrap test installs groff-base)"

run "$X" help --commands
assert_rc 0
cmds=$OUT
[ "$(wc -l <<<"$cmds")" -ge 12 ] || fail "too few commands: $cmds"

render() { # render FILE: plain text on stdout, groff warnings in $TMP/warn
  groff -man -Tutf8 -ww -rLL=78n "$1" 2>"$TMP/warn" | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g'
}

run "$X" help --man
assert_rc 0
printf '%s\n' "$OUT" >"$TMP/xgate.1"
render "$TMP/xgate.1" >"$TMP/xgate.txt"
[ ! -s "$TMP/warn" ] || fail "groff warnings in xgate(1): $(cat "$TMP/warn")"
for c in $cmds; do
  grep -q "xgate-$c(1)" "$TMP/xgate.txt" || fail "xgate(1) does not point to xgate-$c(1)"
done

for c in $cmds; do
  run "$X" help --man "$c"
  assert_rc 0
  printf '%s\n' "$OUT" >"$TMP/$c.1"
  render "$TMP/$c.1" >"$TMP/$c.txt"
  [ ! -s "$TMP/warn" ] || fail "groff warnings in xgate-$c(1): $(cat "$TMP/warn")"
  grep -q "^NAME" "$TMP/$c.txt" || fail "xgate-$c(1) has no NAME section"
  if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$TMP/$c.1" >/dev/null 2>"$TMP/manerr" || fail "man -l xgate-$c.1 failed"
    [ ! -s "$TMP/manerr" ] || fail "man -l xgate-$c.1: $(cat "$TMP/manerr")"
  fi
  # the options of --help and of the man page: the same list, in the same order
  run "$X" "$c" --help
  assert_rc 0
  help_opts=$(grep -oE '^  (-[a-zA-Z], |    )--[a-z][a-z-]*' <<<"$OUT" | grep -oE -- '--[a-z-]+')
  # an option's tag: indented 7, the first line of a paragraph (descriptions never start "--")
  man_opts=$(awk '(prev == "" || prev ~ /^[A-Z]/) && /^       (-[a-zA-Z], )?--[a-z]/ {print} {prev = $0}' "$TMP/$c.txt" |
    grep -oE -- '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+')
  [ -n "$help_opts" ] || fail "no options in xgate $c --help"
  [ "$help_opts" = "$man_opts" ] ||
    fail "xgate $c: --help options differ from the man page's: $(diff <(echo "$help_opts") <(echo "$man_opts") | tr '\n' ' ')"
done

# the screen page documents the options the parser accepts
grep -q -- "--threshold T" "$TMP/screen.txt" || fail "xgate-screen(1) lacks --threshold"
grep -q -- "--batch FILE" "$TMP/screen.txt" || fail "xgate-screen(1) lacks --batch"

# the reference pages in docs/ name every option of the commands they cover
DOCS="$XGATE_TESTS/../docs"
for pair in screen:screen classify:classify catalog:classify decide:decide customers:decide \
  licenses:decide review:decide audit:decide serve:serve keys:serve scan:scan lists:lists \
  monitor:monitor alerts:monitor usage:usage; do
  c=${pair%%:*} page="$DOCS/${pair#*:}.md"
  [ -f "$page" ] || fail "no reference page $page for xgate $c"
  run "$X" "$c" --help
  for o in $(grep -oE '^  (-[a-zA-Z], |    )--[a-z][a-z-]*' <<<"$OUT" | grep -oE -- '--[a-z-]+' | sort -u); do
    [ "$o" = --help ] || grep -qF -- "$o" "$page" || fail "$page does not mention xgate $c $o"
  done
done
