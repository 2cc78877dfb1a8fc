"""Playwright driving Debian's Chromium (/usr/bin/chromium); no browser download.

Skipped when Chromium is missing, except when QIFU_REQUIRE_BROWSER=1 (as in .ci/run), where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("QIFU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("QIFU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} but browser tests are required")
        pytest.skip(f"browser test: Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # A phone-sized viewport: commissioners work on site.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=1)
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """Transactional tests end with a flush that empties the migration-loaded tables (regions, industries,
    the holiday calendar, problem categories): reload them."""
    from qifu.organisations import reference
    from qifu.organisations.models import Industry, Region

    if not Region.objects.exists():
        reference.load_regions(Region)
    if not Industry.objects.exists():
        reference.load_industries(Industry)
    from qifu.core import workdays
    from qifu.core.models import CalendarDay

    if not CalendarDay.objects.exists():
        workdays.seed_calendar()
    from qifu.ledger.migrations import _seed

    _seed.seed_categories()
