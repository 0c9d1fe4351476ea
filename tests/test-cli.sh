#!/bin/sh
# The ddl command line, end to end. $1 is the ddl binary.
set -eu
ddl="$1"
fail () { echo "FAIL: $*" >&2; exit 1; }

"$ddl" --version | grep -q '^ddl [0-9]' || fail "--version"
"$ddl" --help | grep -q 'devices' || fail "--help lists commands"
for c in devices bench dataset labels eval boxes synth; do
  "$ddl" "$c" --help > /dev/null || fail "ddl $c --help"
done
if "$ddl" no-such-command 2> /dev/null; then fail "unknown command accepted"; fi
echo "test-cli: all passed"
