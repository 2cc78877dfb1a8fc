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
