#!/usr/bin/env python3
"""The committed generated docs equal what the build generates now.

check_generated.py PTESIM SOURCE_ROOT WORK_DIR: runs the generators of
docs/gen/ into WORK_DIR and compares docs/layouts/ and docs/api.md with
their output, file by file. A file that differs, is missing or is left
over is named with the command that rewrites the committed docs.
"""
import difflib
import filecmp
import os
import subprocess
import sys

REGENERATE = "scripts/gen-docs (or: python3 docs/gen/layout_docs.py build/ptesim docs && python3 docs/gen/api_doc.py docs/api.md include)"


def main():
    ptesim, root, work = sys.argv[1:4]
    gen = os.path.join(root, "docs", "gen")
    os.makedirs(work, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(gen, "layout_docs.py"), ptesim, work], check=True)
    subprocess.run([sys.executable, os.path.join(gen, "api_doc.py"), os.path.join(work, "api.md"),
                    os.path.join(root, "include")], check=True)

    pairs = [("docs/api.md", os.path.join(work, "api.md"))]
    made = sorted(os.listdir(os.path.join(work, "layouts")))
    committed_dir = os.path.join(root, "docs", "layouts")
    committed = sorted(os.listdir(committed_dir)) if os.path.isdir(committed_dir) else []
    pairs += [("docs/layouts/" + f, os.path.join(work, "layouts", f)) for f in made]
    problems = ["docs/layouts/%s: in the tree, but no longer generated" % f for f in committed if f not in made]
    for rel, fresh in pairs:
        old = os.path.join(root, rel)
        if not os.path.exists(old):
            problems.append("%s: generated, but missing from the tree" % rel)
        elif not filecmp.cmp(old, fresh, shallow=False):
            with open(old, encoding="utf-8") as a, open(fresh, encoding="utf-8") as b:
                diff = list(difflib.unified_diff(a.readlines(), b.readlines(), rel, "generated", n=0))
            problems.append("%s: differs from what the build generates:\n%s" % (rel, "".join(diff[:12]).rstrip()))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("regenerate the committed docs with: " + REGENERATE, file=sys.stderr)
        return 1
    print("ok: %d generated files match" % len(pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
