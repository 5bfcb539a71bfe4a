"""Write docs/images/html-report.png: the HTML report of a sample environment as a browser shows it.

Run from anywhere:  .venv/bin/python scripts/screenshot_report.py [SAMPLE] [--output PNG] [--height PIXELS]

It validates the sample (sample_graphs/mixed-estate-smb-replica-dag.ttl by default) as of a fixed
date, renders the HTML report and takes a screenshot with Debian's headless Chromium. The same
inputs give the same picture.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor import pipeline  # noqa: E402
from advisor.config import get_settings  # noqa: E402
from advisor.pipeline import Extras, Options  # noqa: E402
from advisor.render import get_format, render  # noqa: E402

AS_OF = dt.date(2026, 11, 25)
DEFAULT_SAMPLE = Path("sample_graphs/mixed-estate-smb-replica-dag.ttl")
DEFAULT_OUTPUT = Path("docs/images/html-report.png")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def screenshot(html: Path, png: Path, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={png.resolve()}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", nargs="?", type=Path, default=DEFAULT_SAMPLE, help="relative to the repository")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="relative to the repository")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1300)
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # so that the report names the sample by its path in the repository
    options = Options(as_of=AS_OF, extras=Extras.shown_by(get_format("html")))
    report = pipeline.run(args.sample, options, get_settings()).report
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "report.html"
        page.write_bytes(render(report, "html"))
        screenshot(page, args.output, args.width, args.height)
    print(f"wrote {args.output} ({len(report.findings)} findings of {args.sample})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
