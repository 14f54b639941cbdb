"""Open the HTML report in headless Chromium and check that the page renders.

Writes a report of the sample data (the Kriminalvården example) to a folder, takes a
screenshot of it with Chromium from the operating system's packages, and checks that the
screenshot was written and is not blank (not all one colour). Run it with::

    .venv/bin/python scripts/screenshot_report.py [folder]

It exits with 0 when the page rendered, 1 when it did not, and 2 when no Chromium is found
(``apt-get install -y chromium`` installs one on Debian).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from matplotlib import image

import genderbudget as gb

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WINDOW = "1280,2000"
TIMEOUT = 120  # seconds


def find_browser() -> str | None:
    """Return the path of the first Chromium-like browser on the PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_report(folder: Path) -> Path:
    """Write the HTML report of the Kriminalvården example into ``folder``."""
    data = gb.datasets.load_kriminalvarden()
    measures = [gb.rate("arbetsdrift", label="i arbetsdrift")]
    result = gb.analyse(data, measures, sex="kon", by="ar", justified=["sakerhetsklass"])
    return result.to_html(folder / "rapport.html", source="Kriminalvården", synthetic=True)


def headless(browser: str, page: Path, *options: str) -> str:
    """Open ``page`` in headless Chromium, without network access, and return its output."""
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--hide-scrollbars",
        f"--window-size={WINDOW}",
        *options,
        page.resolve().as_uri(),
    ]
    done = subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
    return done.stdout.decode("utf-8", errors="replace")


def screenshot(browser: str, page: Path, target: Path) -> Path:
    """Take a screenshot of ``page`` with headless Chromium, without network access."""
    headless(browser, page, f"--screenshot={target}")
    return target


def dump_dom(browser: str, page: Path) -> str:
    """Return the document of ``page`` as Chromium has rendered it (``--dump-dom``)."""
    return headless(browser, page, "--dump-dom")


def distinct_colours(path: Path) -> int:
    """Count the distinct colours of an image (1 for a blank page)."""
    pixels = np.asarray(image.imread(path))
    if pixels.dtype.kind == "f":  # an 8-bit PNG read as floats k / 255
        pixels = np.round(pixels * 255)
    flat = pixels.astype(np.uint64).reshape(len(pixels) * len(pixels[0]), -1)
    codes = np.zeros(len(flat), dtype=np.uint64)
    for channel in flat.T:  # one number per colour, so unique runs on a flat array
        codes = codes * np.uint64(256) + channel
    return len(np.unique(codes))


def main(argv: list[str]) -> int:
    """Write, open and check the report; print what was found."""
    browser = find_browser()
    if browser is None:
        print("No Chromium found (looked for: " + ", ".join(BROWSERS) + ").")
        return 2
    folder = Path(argv[0]) if argv else Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    page = write_report(folder)
    shot = screenshot(browser, page, folder / "rapport.png")
    if not shot.exists() or shot.stat().st_size == 0:
        print(f"No screenshot written: {shot}")
        return 1
    colours = distinct_colours(shot)
    print(f"Screenshot {shot}: {shot.stat().st_size} bytes, {colours} distinct colours")
    return 0 if colours > 1 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
