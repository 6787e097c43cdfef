"""Every page fits a phone and a laptop (issue 20, item 1).

Each HTML page of the permission matrix (tests/test_permission_matrix.py) is opened in headless
Chromium as a role allowed to see it (anonymously when a visitor may), with the objects the
matrix builds, at 390×844 (a phone, touch) and at 1366×768 (tests/e2e/pages.py). The document
must never be wider than the window: a wide table scrolls inside its own box, a form falls to
one column. Each page is photographed under var/e2e-shots/layout/<width>/.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SHOTS
from tests.e2e.pages import WIDTHS, only_pages, visit

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width_name", sorted(WIDTHS))
def test_every_page_fits_the_window(browser, live_server, seed_rates, settings, width_name):
    settings.PRIVACY_CONSENT_PROMPT = False  # the photographs show the pages, not the banner
    width, _height = WIDTHS[width_name]
    folder = SHOTS / "layout" / width_name
    folder.mkdir(parents=True, exist_ok=True)
    too_wide, visited = [], 0
    for name, path, who, page in visit(browser, live_server, width_name):
        visited += 1
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(folder / f"{name.replace(':', '-')}.png"), full_page=True)
        if scroll_width > width:
            too_wide.append(f"{name} ({path}, as {who}): {scroll_width}px")
    assert not too_wide, f"wider than {width}px:\n" + "\n".join(too_wide)
    assert visited >= (1 if only_pages() else 35), visited  # every page, not a handful
