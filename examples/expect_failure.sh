#!/bin/sh
# Runs an example test that must fail, and passes only when it fails with
# the referee's report as its message: the adapters turn a violation into
# a failed test that names it.
#   expect_failure.sh PATTERN COMMAND [ARGS...]
set -u
pattern=$1
shift
if out=$("$@" 2>&1); then
	printf '%s\n' "$out"
	echo "expected the test to fail, it passed" >&2
	exit 1
fi
printf '%s\n' "$out"
if ! printf '%s\n' "$out" | grep -q -- "$pattern"; then
	echo "the failure does not say: $pattern" >&2
	exit 1
fi
