# The bare command explains itself; unknown commands fail with a message.
. "$XGATE_TESTS/lib.sh"
run "$X"
assert_rc 2
assert_err_contains "usage: xgate"
run "$X" --help
assert_rc 0
assert_out_contains "commands:"
run "$X" no-such-command
assert_rc 2
assert_err_contains "unknown command 'no-such-command'"
run "$X" --version
assert_rc 0
assert_out_contains "xgate "
