#!/usr/bin/env python3
"""The ```console examples of the docs show what the commands print today.

check_examples.py PTESIM SOURCE_ROOT WORK_DIR PAGE...: in each page (a
path under SOURCE_ROOT; a directory means its *.md), every line of a ```console block that starts
with "$ " is a command, run by bash in SOURCE_ROOT with this build's
ptesim first on PATH; the lines after it, up to the next command, are
what it prints (stdout and stderr together, trailing blanks ignored). A
line "..." stands for any number of lines. Blocks fenced otherwise
(```text, ```sh) are not run.
"""
import os
import shutil
import subprocess
import sys


def examples(path):
    """(line number, command, expected lines) for each command of the page's console blocks."""
    out = []
    in_console = False
    cmd = None
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("```"):
                if in_console and cmd:
                    out.append(cmd)
                in_console, cmd = line.strip() == "```console", None
            elif in_console and line.startswith("$ "):
                if cmd:
                    out.append(cmd)
                cmd = (no, line[2:], [])
            elif in_console and cmd:
                cmd[2].append(line.rstrip())
    return out


def matches(expected, got):
    """Whether got fits expected, where a "..." line matches any run of lines."""
    if not expected:
        return not got
    if expected[0] == "...":
        return any(matches(expected[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and got[0] == expected[0] and matches(expected[1:], got[1:])


def main():
    ptesim, root, work = (os.path.abspath(a) for a in sys.argv[1:4])
    bindir = os.path.join(work, "bin")
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "ptesim")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(ptesim, link)
    cwd = os.path.join(work, "cwd")
    if os.path.isdir(cwd):
        shutil.rmtree(cwd)
    os.makedirs(cwd)
    for entry in os.listdir(root):
        if not entry.startswith("."):
            os.symlink(os.path.join(root, entry), os.path.join(cwd, entry))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), COLUMNS="80", NO_COLOR="1")
    failed = checked = 0
    pages = []
    for arg in sys.argv[4:]:
        full = os.path.join(root, arg)
        if os.path.isdir(full):
            pages += sorted(os.path.join(arg, f) for f in os.listdir(full) if f.endswith(".md"))
        else:
            pages.append(arg)
    for page in pages:
        for no, cmd, expected in examples(os.path.join(root, page)):
            run = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, timeout=120)
            got = [l.rstrip() for l in run.stdout.rstrip("\n").split("\n")] if run.stdout else []
            checked += 1
            if not matches(expected, got):
                failed += 1
                print("%s:%d: `%s` prints something else now; it prints:" % (page, no, cmd), file=sys.stderr)
                print("\n".join("    " + l for l in got[:40]), file=sys.stderr)
    if not checked:
        print("no console examples found", file=sys.stderr)
        return 1
    print("%d examples checked, %d differ" % (checked, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
