"""Look at the pages as a reviewer does: headless Chromium screenshots and a sideways-overflow check.

``take(run_dir)`` photographs the index and, for each region, the summary, regional-impact and
independence-risk pages at a desktop width (1280 px) and a phone width (390 px), and records
for each whether anything pushes the page wider than the screen (``overflow.json``). Used by
``blkk report --screenshots`` and by the tests. Needs Chromium (the Makefile installs Debian's
where it can); without it :func:`browser` returns None and nothing is taken.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

WIDTHS = (1280, 390)
PAGES = ("00_regional_summary", "03_regional_impact", "05_independence_risk")
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
_MEASURE = ('<script>document.body.setAttribute("data-overflow", String(document.documentElement.scrollWidth'
            ' - document.documentElement.clientWidth));</script>')


def browser() -> str | None:
    """Path of a Chromium-like browser, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _run(args: list[str], profile: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    exe = browser()
    if exe is None:
        raise RuntimeError("no Chromium found: install Debian's chromium (the Makefile does where it can)")
    return subprocess.run([exe, *_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=timeout)


def overflow(page: Path, width: int) -> int:
    """How many pixels the page is wider than a window ``width`` px wide (0: it fits).

    The page is measured on a copy with a one-line measuring script added; the page itself
    is never changed.
    """
    page = Path(page).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        copy = page.parent / f".measure-{page.name}"
        text = page.read_text(encoding="utf-8")
        copy.write_text(text.replace("</body>", _MEASURE + "</body>", 1) if "</body>" in text else text + _MEASURE,
                        encoding="utf-8")
        try:
            dom = _run([f"--window-size={width},900", "--dump-dom", copy.as_uri()], Path(tmp) / "profile").stdout
        finally:
            copy.unlink(missing_ok=True)
    found = re.search(r'data-overflow="(-?\d+)"', dom)
    if not found:
        raise RuntimeError(f"could not measure {page} at {width} px")
    return max(int(found.group(1)), 0)


def screenshot(page: Path, target: Path, width: int, height: int = 3000) -> Path:
    """A PNG of the top ``height`` px of ``page`` in a window ``width`` px wide."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        _run([f"--window-size={width},{height}", f"--screenshot={Path(target).resolve()}", Path(page).resolve().as_uri()],
             Path(tmp) / "profile")
    return target


def take(run_dir: str | Path, widths=WIDTHS, pages=PAGES, regions: list[str] | None = None) -> dict:
    """Screenshots of the index and of ``pages`` of each region into ``run_dir/screenshots``;
    returns (and writes to ``overflow.json``) the overflow of each in pixels."""
    run_dir = Path(run_dir)
    out = run_dir / "screenshots"
    targets = [("index", run_dir / "index.html")]
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    for task in manifest.get("tasks", []):
        if task.get("html") and task["notebook"] in pages and (regions is None or task["region"] in regions):
            targets.append((f"{Path(task['html']).parent.name}_{task['notebook']}", run_dir / task["html"]))
    result = {}
    for name, page in targets:
        for width in widths:
            screenshot(page, out / f"{name}_{width}.png", width)
            result[f"{name}_{width}"] = overflow(page, width)
    (out / "overflow.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
