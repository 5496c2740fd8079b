"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against a
real uvicorn server on the test database, in the embedded default (in-process clock)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import IN_CI
from tests.processes import child_env, free_port, uvicorn

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google, which this network
# refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server_url(transactional_db):
    env = child_env()
    env.pop("REDIS_URL", None)  # one process: live events in memory and the in-process clock
    port = free_port()
    with uvicorn(port, env):
        yield f"http://127.0.0.1:{port}"
