"""The README's screenshots, taken by the tests that set up what they show."""

import os
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def screenshot(page, name: str, tmp_path: Path, full_page: bool = True) -> Path:
    """Take the page whole (or what its window shows, full_page=False): into docs/<name>
    when it is missing or UPDATE_SCREENSHOTS=1, else into tmp_path (the picture is still
    taken, so the page must render)."""
    kept = DOCS / name
    update = os.environ.get("UPDATE_SCREENSHOTS") == "1" or not kept.exists()
    target = kept if update else tmp_path / name
    page.screenshot(path=str(target), full_page=full_page)
    assert target.stat().st_size > 10_000
    return target
