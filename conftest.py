"""Test configuration shared by every test module."""

import os

os.environ.setdefault("QIFU_TESTING", "1")
# Playwright's sync API runs an event loop in the test thread; Django's ORM is used synchronously there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402


@pytest.fixture
def world(db):
    from qifu.core.testing.factories import World

    return World()


@pytest.fixture(autouse=True)
def _reports_of_2020_may_be_filed(settings):
    """Test worlds live in the spring of 2020 while the clock says today: lift the backdating window for
    status reports (qifu/resumption/tests/test_services.py::test_backdating_window checks the window)."""
    settings.QIFU_REPORT_BACKDATE_DAYS = 100 * 366
