"""Browser tests: Playwright drives Debian's system Chromium against live_server.

No browser is ever downloaded (`playwright install` is never run): CI installs
the `chromium` package (.ci/run). Where it or Playwright is missing, the whole
folder skips with the reason, so `make test` still passes on a bare machine.
https://playwright.dev/python/docs/api/class-browsertype#browser-type-launch
"""

import copy
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from .tiles import TileServer

CHROMIUM = Path("/usr/bin/chromium")

SKIP_REASON = ""
try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright
except ImportError as error:
    SKIP_REASON = f"browser tests need the test extra (pip install '.[test]'): {error}"
if not CHROMIUM.exists():
    SKIP_REASON = (
        f"browser tests need Debian's Chromium at {CHROMIUM} "
        "(apt-get install chromium); .ci/run installs it"
    )


class UnavailableModule(pytest.Module):
    """A test module reported as skipped, with the reason, and never imported
    (it imports Playwright)."""

    def collect(self):
        pytest.skip(SKIP_REASON)


def pytest_pycollect_makemodule(module_path, parent):
    # A skip raised while this conftest loads would abort `pytest tests/browser`
    # (pytest loads the conftest of a path given on the command line before it
    # collects): skip each module instead.
    if SKIP_REASON:
        return UnavailableModule.from_parent(parent, path=module_path)
    return None


# Headless, and nothing of the browser's own calling home: the tests check
# that the site sends no request off the machine.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Residents read on a phone: lay the pages out as a phone shows them.
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000

# Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA (DESIGN.md: WCAG 2.2 AA).
# https://github.com/dequelabs/axe-core/blob/develop/doc/API.md#axe-core-tags
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with the source data (FACTS.md) loaded.

    live_server runs in another thread, so the data must be committed:
    transactional_db empties the tables after each test, hence a load per test.
    """
    call_command("load_source_data", verbosity=0, stdout=io.StringIO())
    return live_server


@pytest.fixture
def new_context(browser, site):
    """Open a fresh browser context (no cookies) on the live server; all the
    contexts a test opens are closed after it."""
    contexts = []

    def open_context(**options):
        context = browser.new_context(base_url=site.url, viewport=PHONE, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def elder_context(new_context, site):
    """A context whose browser has already turned elder mode on (its cookie)."""
    context = new_context()
    context.add_cookies([{"name": "elder_mode", "value": "1", "url": site.url}])
    return context


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " | ".join(
                line.strip() for line in node["failureSummary"].splitlines()
            )
            lines.append(f"    {target}  {node['html'][:120]}\n      {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_scan():
    """Run axe-core (bundled by axe-playwright-python) on a page; give back the
    violations and a readable account of them for the assertion message."""
    axe = Axe()

    def scan(page) -> tuple[list[dict], str]:
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        return violations, _describe(violations)

    return scan


# Screenshots for a person to look at (issue 16): each test that takes them
# writes them here, one folder per test; BROWSER_SCREENSHOTS moves it.
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "build/screenshots"))


@pytest.fixture
def shot(request):
    """``shot(page, "name")`` saves the whole page as
    ``build/screenshots/<test>/<nn>-<name>.png``, numbered in the order taken."""
    folder = SCREENSHOTS / request.node.name.replace("/", "-")
    taken = []

    def save(page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        taken.append(name)
        path = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def tiles(settings):
    """Tiles from a server of the test's own, allowed by the Content Security
    Policy (issue 19)."""
    server = TileServer()
    settings.MAP_TILE_URL = f"{server.origin}/{{z}}/{{x}}/{{y}}.png"
    settings.MAP_TILE_ATTRIBUTION = "Test tiles"
    settings.MAP_TILE_MAX_ZOOM = 18
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append(server.origin)
    settings.CONTENT_SECURITY_POLICY = policy
    yield server
    server.close()
