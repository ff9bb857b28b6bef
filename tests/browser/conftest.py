"""A real browser for the tests that need one: Playwright driving the system's Chromium.

Playwright's own browser download is not used; the tests launch the Chromium the machine has
(``chromium`` on the PATH, or ``CHROMIUM_PATH``). Without one the browser tests are skipped,
unless ``STANCETRACKER_BROWSER_TESTS=required`` (as CI sets it), when they fail instead.

Screenshots go to ``artifacts/screenshots/`` (``STANCETRACKER_ARTIFACTS`` moves the folder):
the ones a test takes on purpose, and one of the page whenever a browser test fails.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests import seed_rows

# Playwright's sync API runs an event loop in the test's thread; the ORM calls a test makes
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

VIEWPORT = {"width": 1400, "height": 1000}


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("STANCETRACKER_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))
    return folder / "screenshots"


def chromium_executable() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def _unavailable(reason: str):
    if os.environ.get("STANCETRACKER_BROWSER_TESTS") == "required":
        pytest.fail(f"browser tests are required but cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    executable = chromium_executable()
    if executable is None:
        _unavailable("no Chromium found (install Debian's chromium, or set CHROMIUM_PATH)")
    playwright = sync_playwright().start()
    # Chromium's sandbox refuses to run as root, as CI containers do.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    instance = playwright.chromium.launch(executable_path=executable, args=args)
    yield instance
    instance.close()
    playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab at 1400×1000 whose relative URLs go to the live test server."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save_screenshot(tab, f"FAILED-{request.node.name}")
    context.close()


def save_screenshot(tab, name: str) -> Path:
    folder = artifacts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    tab.screenshot(path=path, full_page=True)
    return path


def accessibility_violations(tab) -> list[str]:
    """axe-core's WCAG 2 A/AA violations on the page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


@pytest.fixture
def live_seed(transactional_db, seed_snapshot):
    """The shipped seed, committed to the database the live server reads."""
    seed_rows.restore(seed_snapshot)
