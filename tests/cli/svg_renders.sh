#!/bin/sh
# Every built-in layout's SVG map renders to a non-empty PNG.
set -eu
ptesim=$1
rsvg=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in $("$ptesim" layouts | awk 'NR > 1 { print $1 }'); do
	"$ptesim" layout "$name" --format svg >"$tmp/$name.svg"
	"$rsvg" -o "$tmp/$name.png" "$tmp/$name.svg"
	size=$(wc -c <"$tmp/$name.png")
	if [ "$size" -lt 2000 ]; then
		echo "$name: PNG of $size bytes" >&2
		exit 1
	fi
	echo "ok $name ($size bytes)"
done
