#!/usr/bin/env python3
"""Each SVG parses as XML with a width and a height; with RSVG it renders.

svg_check.py [--rsvg RSVG_CONVERT PNG_DIR] SVG|DIR...: every file (a
directory means its *.svg) must be an <svg> document whose viewBox is its
size; with --rsvg each is converted to PNG_DIR/NAME.png, which must be
non-empty and exactly as wide and high as the SVG says (pixels at 100%).
The docs build makes its PNG previews this way; the docs tests check the
committed drawings this way.
"""
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_size(path):
    root = ET.parse(path).getroot()
    if root.tag != SVG_NS + "svg":
        raise ValueError("root element is %s, not svg" % root.tag)
    w, h = int(root.get("width")), int(root.get("height"))
    if root.get("viewBox") != "0 0 %d %d" % (w, h):
        raise ValueError("viewBox %s does not match %dx%d" % (root.get("viewBox"), w, h))
    return w, h


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", head[16:24])


def main():
    args = sys.argv[1:]
    rsvg = work = None
    if args[:1] == ["--rsvg"]:
        rsvg, work, args = args[1], args[2], args[3:]
        os.makedirs(work, exist_ok=True)
    svgs = []
    for a in args:
        if os.path.isdir(a):
            svgs += sorted(os.path.join(a, f) for f in os.listdir(a) if f.endswith(".svg"))
        else:
            svgs.append(a)
    if not svgs:
        print("no SVG files in %s" % " ".join(args), file=sys.stderr)
        return 1
    failed = 0
    for svg in svgs:
        try:
            w, h = svg_size(svg)
            line = "ok %s: %dx%d" % (os.path.basename(svg), w, h)
            if rsvg:
                png = os.path.join(work, os.path.basename(svg)[:-4] + ".png")
                subprocess.run([rsvg, "-o", png, svg], check=True)
                size = os.path.getsize(png)
                if size == 0 or png_size(png) != (w, h):
                    raise ValueError("PNG is %s, %d bytes; the SVG says %dx%d" % (png_size(png), size, w, h))
                line += ", PNG of %d bytes" % size
            print(line)
        except (ET.ParseError, OSError, ValueError, TypeError, subprocess.CalledProcessError) as e:
            print("%s: %s" % (svg, e), file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
