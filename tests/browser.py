"""Shared helpers for the real-browser tests: Debian's chromium driven by Playwright."""
import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


def require_chromium():
    """Skip on a developer machine without chromium; fail in CI, which installs it."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs Debian's chromium package")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")


@pytest.fixture
def browser_page():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        yield page
        context.close()
        browser.close()
