#!/usr/bin/env python3
"""report.html in a real browser: renders the golden results.json with `deploybench report
--format html`, opens it in headless Chromium, and checks that
  1. the page logs no console messages (errors, uncaught exceptions),
  2. the file is self-contained (no scripts, no external URLs),
  3. the parsed DOM holds the six charts and the tables,
  4. the screenshot shows the charts: enough pixels in each chart palette colour.
Before trusting the checks it runs them on two bad pages (a script error; no charts) and
requires both to be caught.

usage: html_browser_test.py DEPLOYBENCH_BINARY RESULTS_JSON
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1200,3400", "--hide-scrollbars",
                  "--force-device-scale-factor=0.5"]  # a 600x1700 screenshot keeps the pure-Python decoding fast
# Palette colours of the first four series (lib/report/svg.cpp) and the minimum pixel counts
# the screenshot of the sample report must show for each (about half of what it shows today).
CHART_COLOURS = {"blue #1f77b4": ((0x1f, 0x77, 0xb4), 10000), "orange #ff7f0e": ((0xff, 0x7f, 0x0e), 3000),
                 "green #2ca02c": ((0x2c, 0xa0, 0x2c), 1500), "red #d62728": ((0xd6, 0x27, 0x28), 2000)}


def chromium(args, workdir):
    exe = shutil.which("chromium")
    if not exe:
        sys.exit("FAIL: chromium not found; install Debian's 'chromium' package (scripts/setup.sh)")
    profile = tempfile.mkdtemp(dir=workdir)
    cmd = [exe] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def png_pixels(path):
    """Decodes an 8-bit non-interlaced RGB or RGBA PNG into (width, height, rows of bytes, channels)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG layout"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, rows, channels


def colour_counts(png):
    width, _, rows, channels = png_pixels(png)
    wanted = {rgb: name for name, (rgb, _) in CHART_COLOURS.items()}
    counts = {name: 0 for name in CHART_COLOURS}
    for line in rows:
        for x in range(width):
            rgb = tuple(line[x * channels:x * channels + 3])
            if rgb in wanted:
                counts[wanted[rgb]] += 1
    return counts


def problems_with(html_path, workdir):
    """Every reason the page fails the checks (empty list: it passes)."""
    problems = []
    html = open(html_path, encoding="utf-8").read()
    if "<script" in html:
        problems.append("the page contains a <script>")
    external = [u for u in re.findall(r"https?://[^\s\"'<>)]+", html) if u != "http://www.w3.org/2000/svg"]
    if external or re.search(r"\b(src|href)=", html):
        problems.append("the page refers to other resources: %s" % (external[:3] or "src/href attribute"))
    png = os.path.join(workdir, "shot.png")
    shot = chromium(["--enable-logging=stderr", "--v=0", "--screenshot=" + png, "file://" + html_path], workdir)
    console = [l for l in shot.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        problems.append("console messages: %s" % console)
    if not os.path.exists(png):
        return problems + ["no screenshot was written (exit %d): %s" % (shot.returncode, shot.stderr[-500:])]
    dom = chromium(["--dump-dom", "file://" + html_path], workdir).stdout
    if dom.count("<svg") < 6:
        problems.append("the DOM holds %d <svg> charts, expected 6" % dom.count("<svg"))
    if dom.count("<table") < 3:
        problems.append("the DOM holds %d tables, expected 3" % dom.count("<table"))
    counts = colour_counts(png)
    for name, (_, minimum) in CHART_COLOURS.items():
        if counts[name] < minimum:
            problems.append("screenshot shows %d %s pixels, expected at least %d" % (counts[name], name, minimum))
    print("pixels per chart colour:", counts)
    os.remove(png)
    return problems


def main():
    binary, results = sys.argv[1], sys.argv[2]
    workdir = tempfile.mkdtemp(prefix="deploybench-html-")
    try:
        report = os.path.join(workdir, "report.html")
        subprocess.run([binary, "report", results, "--format", "html", "--output", report], check=True)
        # The checks must be able to fail: a page with a script error and a page without charts.
        bad = os.path.join(workdir, "bad.html")
        open(bad, "w").write(open(report).read().replace("</body>", "<script>undefined_fn();</script></body>"))
        if not any("console" in p for p in problems_with(bad, workdir)):
            sys.exit("FAIL: a page with a script error was not caught")
        bare = os.path.join(workdir, "bare.html")
        open(bare, "w").write(re.sub(r"<svg.*?</svg>", "", open(report).read(), flags=re.S))
        if not any("pixels" in p for p in problems_with(bare, workdir)):
            sys.exit("FAIL: a page without charts was not caught")
        problems = problems_with(report, workdir)
        if problems:
            sys.exit("FAIL: report.html\n  " + "\n  ".join(problems))
        print("PASS: report.html renders its charts in headless Chromium with no console messages")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
