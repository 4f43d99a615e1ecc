#!/usr/bin/env python3
"""docs/api.md from the public headers: api_doc.py OUT INCLUDE_DIR.

The headers are the single source. Every header of INCLUDE_DIR/ptesim is
read in name order (ptesim.h, the umbrella, first); each gives a section
with its opening comment, its types and macros as written, and every
exported function (PTESIM_API) or static inline one, with the comment
written directly above it (a comment shared by a run of declarations
documents the whole run). A comment standing alone between blank lines
is kept as a paragraph where it stands.
"""
import os
import re
import sys

GUARD = re.compile(r"#\s*(ifndef|define|endif)\b.*\bPTESIM_\w*_H\b|#\s*endif\s*(/\*.*\*/)?\s*$")
CPLUSPLUS = re.compile(r'#\s*(ifdef|if defined)\s*\(?__cplusplus|^extern "C" \{|^\}\s*$')


def comment_text(lines):
    """The text of a /* */ comment, its leading stars and indentation gone."""
    text = "\n".join(lines).strip()
    text = re.sub(r"^/\*+", "", text)
    text = re.sub(r"\*+/$", "", text)
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*\* ?", "", line) if line.lstrip().startswith("*") else line.strip()
        out.append(line.rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def items(path):
    """The header as (kind, lines) items: comment, blank, decl, type, macro."""
    with open(path, encoding="utf-8") as f:
        src = f.read().split("\n")
    i = 0
    result = []
    while i < len(src):
        line = src[i]
        s = line.strip()
        if not s:
            result.append(("blank", []))
            i += 1
        elif s.startswith("/*"):
            block = [line]
            while "*/" not in src[i] and i + 1 < len(src):
                i += 1
                block.append(src[i])
            i += 1
            result.append(("comment", block))
        elif s.startswith("//"):
            result.append(("comment", ["/* " + s[2:].strip() + " */"]))
            i += 1
        elif s.startswith("#"):
            block = [line]
            while block[-1].rstrip().endswith("\\") and i + 1 < len(src):
                i += 1
                block.append(src[i])
            i += 1
            if re.match(r"#\s*define\s+\w+\(", s):
                result.append(("decl", block))  # a function-like macro is called as a function is
            elif re.match(r"#\s*define\s+\w+", s) and not GUARD.match(s) and "PTESIM_API" not in s.split()[1:2]:
                result.append(("macro", block))
            elif re.match(r'#\s*include\s+"ptesim/', s) and "ptesim/export.h" not in s:
                result.append(("include", [s.split('"')[1]]))
            # other includes, guards and conditionals are the header's plumbing
        elif CPLUSPLUS.match(s):
            i += 1
        else:
            # a declaration or definition: up to ';' at brace depth 0, or a body
            block = []
            depth = 0
            while i < len(src):
                block.append(src[i])
                code = re.sub(r"/\*.*?\*/|//.*", "", src[i])
                depth += code.count("{") - code.count("}")
                i += 1
                if depth <= 0 and (code.rstrip().endswith(";") or code.rstrip().endswith("}")):
                    break
            text = " ".join(block)
            if "PTESIM_API" in text or re.match(r"\s*static\s+inline\b", text):
                result.append(("decl", block))
            else:
                result.append(("type", block))
    return result


def signature(block):
    """A declaration on one line, without PTESIM_API or a body; a macro as written."""
    text = "\n".join(block)
    if text.lstrip().startswith("#"):
        return "\n".join(l.rstrip() for l in block)
    if re.match(r"\s*static\s+inline\b", text) and "{" in text:
        text = text[: text.index("{")].rstrip() + ";"
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\bPTESIM_API\s+", "", text)
    return re.sub(r"\s+", " ", text).replace("( ", "(").replace(" )", ")").strip()


def function_name(sig):
    m = re.match(r"\s*#\s*define\s+(\w+)", sig)
    if m:
        return m.group(1)
    m = re.search(r"(\w+)\s*\((?!\s*\*)", sig)
    return m.group(1) if m else sig


CODE = re.compile(r"`[^`]*`|\b\w*_[\w*]*(?:\(\))?|\b\w+\(\)")


def inline_md(text):
    """Prose from a comment: identifiers as code, the rest escaped."""
    out = []
    pos = 0
    for m in CODE.finditer(text):
        out.append(re.sub(r"([\\*_\[\]<>|#])", r"\\\1", text[pos : m.start()]))
        word = m.group(0)
        out.append(word if word.startswith("`") else "`" + word + "`")
        pos = m.end()
    out.append(re.sub(r"([\\*_\[\]<>|#])", r"\\\1", text[pos:]))
    return "".join(out)


def prose(lines):
    """Comment lines as Markdown: paragraphs, and indented runs as code."""
    out = []
    para = []
    code = []

    def flush():
        if para:
            out.append(inline_md(" ".join(para)))
            out.append("")
            para.clear()
        if code:
            out.append("```")
            out.extend(code)
            out.append("```")
            out.append("")
            code.clear()

    for line in lines:
        if not line.strip():
            flush()
        elif line.startswith("  "):
            if para:
                flush()
            code.append(line)
        else:
            if code:
                flush()
            para.append(line.strip())
    flush()
    return out


def header_section(path, name):
    out = ["## `%s`" % name, ""]
    its = [it for it in items(path)]
    # drop the licence line
    its = [it for it in its if not (it[0] == "comment" and "SPDX-License-Identifier" in " ".join(it[1]))]
    functions = []
    included = [it[1][0] for it in its if it[0] == "include"]
    its = [it for it in its if it[0] != "include"]
    k = 0
    after_intro = None  # where the opening comment's text ends
    pending = None  # a comment awaiting what follows it
    while k < len(its):
        kind, block = its[k]
        if kind == "comment":
            if pending is not None:
                out.extend(prose(comment_text(pending)))
            pending = block
            k += 1
            continue
        if kind == "blank":
            if pending is not None:
                out.extend(prose(comment_text(pending)))
                pending = None
                if after_intro is None and not functions and len(out) > 2 and "```c" not in out:
                    after_intro = len(out)
            k += 1
            continue
        if kind in ("type", "macro"):
            run = []
            while k < len(its) and its[k][0] in ("type", "macro"):
                run.extend(its[k][1])
                k += 1
            if pending is not None:
                out.extend(prose(comment_text(pending)))
                pending = None
            out.extend(["```c"] + [l.rstrip() for l in run] + ["```", ""])
            continue
        # a run of declarations, documented by the comment above it
        run = []
        trailing = []  # comments after a declaration on its own line
        while k < len(its) and its[k][0] == "decl":
            run.append(signature(its[k][1]))
            m = re.search(r";\s*/\*(.*?)\*/\s*$", its[k][1][-1])
            if m:
                trailing.append((function_name(run[-1]), m.group(1).strip()))
            k += 1
        names = [function_name(s) for s in run]
        functions.extend(names)
        out.extend(["### " + ", ".join("`%s`" % n for n in names), "", "```c"] + run + ["```", ""])
        if pending is not None:
            out.extend(prose(comment_text(pending)))
            pending = None
        for name, note in trailing:
            out.extend(prose(["%s(): %s" % (name, note)]))
    if pending is not None:
        out.extend(prose(comment_text(pending)))
    if included:
        # after the header's opening comment, where a reader looks for it
        at = after_intro if after_intro is not None else 2
        out[at:at] = ["Includes " + ", ".join("`%s`" % h for h in included) + ".", ""]
    return out, functions


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: api_doc.py OUT INCLUDE_DIR")
    out_path, include = sys.argv[1], sys.argv[2]
    hdir = os.path.join(include, "ptesim")
    names = sorted(n for n in os.listdir(hdir) if n.endswith(".h"))
    names.sort(key=lambda n: n != "ptesim.h")
    body = []
    index = []
    for n in names:
        lines, functions = header_section(os.path.join(hdir, n), "ptesim/" + n)
        body.extend(lines)
        # the anchor GitHub gives the heading "`ptesim/NAME.h`"
        anchor = re.sub(r"[^a-z0-9-]", "", "ptesim" + n.lower())
        entry = "- [`ptesim/%s`](#%s)" % (n, anchor)
        if functions:
            entry += ": " + ", ".join("`%s`" % f for f in functions)
        index.append(entry)
    page = [
        "<!-- Generated by docs/gen/api_doc.py from include/ptesim/*.h: edit the headers, then run scripts/gen-docs. -->",
        "# The C interface",
        "",
        "`#include <ptesim/ptesim.h>` and link with `pkg-config --cflags --libs ptesim` (or",
        "`dependency('ptesim')` in Meson). Every exported symbol starts with `ptesim_`;",
        "functions return 0 or a negative errno unless their comment says otherwise.",
        "This page is the header comments, header by header.",
        "",
    ] + index + [""] + body
    while page[-1] == "":
        page.pop()
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
