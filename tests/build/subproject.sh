#!/bin/sh
# ptesim used as a Meson subproject: a parent project asks for
# dependency('ptesim') and gets it through meson.override_dependency.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/parent/subprojects"
# a copy of the tracked sources, without any build directory
(cd "$src" && tar cf - meson.build meson_options.txt include src) | (mkdir "$tmp/parent/subprojects/ptesim" && cd "$tmp/parent/subprojects/ptesim" && tar xf -)
mkdir -p "$tmp/parent/subprojects/ptesim/tests"
echo "" >"$tmp/parent/subprojects/ptesim/tests/meson.build"
cat >"$tmp/parent/meson.build" <<'MESON'
project('parent', 'c', meson_version: '>= 1.0.0')
subproject('ptesim', default_options: ['tests=disabled'])
ptesim = dependency('ptesim')
exe = executable('use-ptesim', 'main.c', dependencies: ptesim)
test('use-ptesim', exe)
MESON
cat >"$tmp/parent/main.c" <<'C'
#include <ptesim/ptesim.h>
#include <stdio.h>
int main(void)
{
	const ptesim_layout *l = ptesim_layout_find("arm64-v6.10");
	struct ptesim_decoded d;

	if (!l)
		return 1;
	ptesim_decode(l, 0x17c0, &d);
	printf("%s\n", d.summary);
	return d.kind == PTESIM_KIND_MARKER ? 0 : 1;
}
C
meson setup "$tmp/build" "$tmp/parent" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
ninja -C "$tmp/build" >>"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
"$tmp/build/use-ptesim"
