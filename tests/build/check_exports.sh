#!/bin/sh
# The shared library exports ptesim_* and nothing else, and every
# function declared PTESIM_API in the public headers is exported.
set -eu
lib=$1
headers=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort)
# a coverage build links libgcov's own exported helpers: not ours
leaks=$(printf '%s\n' "$exported" | grep -v -e '^ptesim_' -e '^__gcov_' -e '^mangle_path$' || true)
if [ -n "$leaks" ]; then
	echo "exported without the ptesim_ prefix:" >&2
	printf '%s\n' "$leaks" >&2
	exit 1
fi
# the functions declared PTESIM_API (the assertion adapters, cmocka.h and
# check.h, are header-only: their macros name no library symbol)
declared=$(grep -h 'PTESIM_API' "$headers"/*.h | grep -o 'ptesim_[a-z0-9_]*(' | tr -d '(' | sort -u)
missing=$(printf '%s\n' "$declared" | while read -r f; do
	printf '%s\n' "$exported" | grep -qx "$f" || echo "$f"
done)
if [ -n "$missing" ]; then
	echo "declared in the headers but not exported:" >&2
	printf '%s\n' "$missing" >&2
	exit 1
fi
echo "ok: $(printf '%s\n' "$exported" | wc -l) symbols, all ptesim_*"
