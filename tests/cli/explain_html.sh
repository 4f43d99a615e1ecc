#!/bin/sh
# ptesim explain --format html: one well-formed, self-contained page that
# tells Steve Capper's race on arm64-v4.15-binlu. The facts come from the
# kernel: PTE_DIRTY is bit 55 on arm64 4.15 (soft-dirty too under Bin Lu's
# patch); a write fault's pte_mkdirty() sets it, madvise_free_pte_range()'s
# pte_mkclean() clears it, and CRIU's next dump then misses the page.
set -eu
ptesim=$1
python3=$2
scenario=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$ptesim" explain "$scenario" --layout arm64-v4.15-binlu --format html >"$tmp/page.html"
"$python3" - "$tmp/page.html" <<'PY'
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Every element closed in order; the text and table rows of each section."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.section = None
        self.text = {}
        self.rows = {}
        self.row = None
        self.cell = None
        self.doctype = False
        self.headings = []  # (section id, its h2 text)
        self.heading = None

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name in ("src", "href") or name.startswith("on"):
                self.errors.append(f"<{tag} {name}=...>: the page must load nothing and run nothing")
        if tag in ("script", "link", "iframe", "object", "img"):
            self.errors.append(f"<{tag}> in a self-contained page")
        if tag == "section":
            self.section = attrs.get("id")
        if tag == "tr":
            self.row = []
        if tag in ("td", "th"):
            self.cell = []
        if tag == "h2":
            self.heading = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}> at {self.getpos()}")
            return
        self.stack.pop()
        if tag in ("td", "th") and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        if tag == "tr":
            self.rows.setdefault(self.section, []).append(self.row)
            self.row = None
        if tag == "section":
            self.section = None
        if tag == "h2":
            self.headings.append((self.section, "".join(self.heading).strip()))
            self.heading = None

    def handle_data(self, data):
        self.text[self.section] = self.text.get(self.section, "") + data
        if self.cell is not None:
            self.cell.append(data)
        if self.heading is not None:
            self.heading.append(data)


source = open(sys.argv[1], encoding="utf-8").read()
page = Page()
page.feed(source)
page.close()
fail = list(page.errors)
if page.stack:
    fail.append(f"left open: {page.stack}")
if not page.doctype:
    fail.append("no <!DOCTYPE html>")
if re.search(r"https?://", source, re.I):
    fail.append("the page names an http(s) URL")


def section(command, nth=1):
    """The id of the section of the nth command written as command."""
    ids = [sid for sid, head in page.headings if re.fullmatch(r"line \d+: " + re.escape(command), head)]
    return ids[nth - 1] if len(ids) >= nth else None


def has_row(section, row):
    return any(r[: len(row)] == row for r in page.rows.get(section, []))


write, free, dump = section("write A[0] 2"), section("madvise A[0] free"), section("criu dump", 2)
# bits, field, Linux name, before, after
if not has_row(write, ["55", "pte-dirty", "PTE_DIRTY", "0", "1"]):
    fail.append("the second write does not set bit 55")
if "wp_page_reuse" not in page.text.get(write, ""):
    fail.append("the second write: wp_page_reuse not named")
if not has_row(free, ["55", "pte-dirty", "PTE_DIRTY", "1", "0"]):
    fail.append("madvise free does not clear bit 55")
if not re.search(r"madvise_free_pte_range: .*pte_mkclean", page.text.get(free, "")):
    fail.append("madvise free: pte_mkclean not named")
if "violation soft-dirty-lost" not in page.text.get(free, ""):
    fail.append("madvise free: soft-dirty-lost not found")
if "criu dump p0 copied none" not in page.text.get(dump, ""):
    fail.append("the second dump's copy not shown")
if not re.search(r"also criu-image-stale at line \d+ \(criu dump\)", page.text.get(dump, "")):
    fail.append("criu-image-stale not found at the second dump")
if not re.search(r"arm64-v4\.15-binlu: FAIL at line \d+ \(madvise A\[0\] free\).*\(expected\)", page.text.get("result", "")):
    fail.append("no result line")
for f in fail:
    print("FAIL:", f)
if fail:
    sys.exit(1)
print("ok: well-formed, self-contained, the race told")
PY
