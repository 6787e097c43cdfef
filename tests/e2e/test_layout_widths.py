"""Every page fits a phone and a laptop (issue 20, item 1).

Each HTML page of the permission matrix (tests/test_permission_matrix.py) is opened in headless
Chromium as a role allowed to see it (anonymously when a visitor may), with the objects the
matrix builds, at 390×844 (a phone, touch) and at 1366×768. The document must never be wider
than the window: a wide table scrolls inside its own box, a form falls to one column. Each page
is photographed under var/e2e-shots/layout/<width>/.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.e2e.conftest import SHOTS
from tests.factories import UserFactory
from tests.test_permission_matrix import ANON, MATRIX, _matrix_objects
from viaticos.roles import Role

pytestmark = pytest.mark.e2e

WIDTHS = {"phone": (390, 844), "laptop": (1366, 768)}
# API, schema, probes and files: not pages.
NOT_PAGES = ("v1:", "schema", "api-docs", "healthz", "readyz", "metrics")


def _who_may_see(entry) -> str | None:
    if entry.status_for(ANON) == 200:
        return ANON
    return next((role.value for role in Role if entry.status_for(role.value) == 200), None)


def _pages(context) -> list[tuple[str, str, str]]:
    """(url name, path with query, who): the full HTML pages of the matrix."""
    pages = []
    for name, entry in sorted(MATRIX.items()):
        if entry.method != "GET" or name.startswith(NOT_PAGES):
            continue
        who = _who_may_see(entry)
        if who is None:
            continue
        path = reverse(name, kwargs=entry.kwargs(context) if entry.kwargs else None)
        if entry.query:
            from urllib.parse import urlencode

            path += "?" + urlencode(entry.query)
        pages.append((name, path, who))
    return pages


@pytest.fixture
def signed_in_cookies(db):
    """A session cookie per role, made with the test client (the sign-in form has its own test)."""
    made: dict[str, dict] = {}

    def cookie(who: str) -> dict | None:
        if who == ANON:
            return None
        if who not in made:
            user = UserFactory(username=f"layout-{who}", roles=[Role(who)], profile=True)
            client = Client()
            client.force_login(user)
            made[who] = client.cookies
        return made[who]

    return cookie


def _is_full_page(cookies, path: str) -> bool:
    """Skip files (PDF, CSV, JSON) and fragments (the inbox counter)."""
    client = Client()
    if cookies:
        client.cookies = cookies
    response = client.get(path)
    kind = response.get("Content-Type", "")
    return (
        response.status_code == 200
        and kind.startswith("text/html")
        and not response.get("Content-Disposition")
        and b"<html" in response.content
    )


def _privacy_defaults():
    """The notice and purposes a data migration creates; the live server's transactional
    database starts empty, so they are laid down again the way the migration does."""
    import importlib

    from django.apps import apps

    from privacy.models import Purpose

    if not Purpose.objects.exists():
        importlib.import_module("privacy.migrations.0002_defaults").forwards(apps, None)


@pytest.mark.parametrize("width_name", sorted(WIDTHS))
def test_every_page_fits_the_window(
    browser, live_server, seed_rates, settings, signed_in_cookies, width_name
):
    settings.PRIVACY_CONSENT_PROMPT = False  # the prompt is one of the pages, visited directly
    _privacy_defaults()
    context_objects = _matrix_objects()
    width, height = WIDTHS[width_name]
    folder = SHOTS / "layout" / width_name
    folder.mkdir(parents=True, exist_ok=True)
    too_wide, visited = [], 0
    contexts = {}
    try:
        for name, path, who in _pages(context_objects):
            cookies = signed_in_cookies(who)
            if not _is_full_page(cookies, path):
                continue
            if who not in contexts:
                options = dict(locale="es-PE", viewport={"width": width, "height": height})
                if width_name == "phone":
                    options |= dict(device_scale_factor=2, is_mobile=True, has_touch=True)
                contexts[who] = browser.new_context(**options)
                if cookies:
                    contexts[who].add_cookies(
                        [
                            {"name": key, "value": morsel.value, "url": live_server.url}
                            for key, morsel in cookies.items()
                        ]
                    )
            page = contexts[who].new_page()
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            visited += 1
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(folder / f"{name.replace(':', '-')}.png"), full_page=True)
            if scroll_width > width:
                too_wide.append(f"{name} ({path}, as {who}): {scroll_width}px")
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert not too_wide, f"wider than {width}px:\n" + "\n".join(too_wide)
    assert visited >= 35, visited  # every page of the matrix, not a handful
