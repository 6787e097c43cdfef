"""Every HTML page of the permission matrix, opened in headless Chromium as a role allowed to
see it (anonymously when a visitor may), with the objects the matrix builds. The layout width
test and the accessibility test walk the same pages through `visit`."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_permission_matrix import ANON, MATRIX, _matrix_objects
from viaticos.roles import Role

WIDTHS = {"phone": (390, 844), "laptop": (1366, 768)}
# API, schema, probes and files: not pages.
NOT_PAGES = ("v1:", "schema", "api-docs", "healthz", "readyz", "metrics")


def _who_may_see(entry) -> str | None:
    if entry.status_for(ANON) == 200:
        return ANON
    return next((role.value for role in Role if entry.status_for(role.value) == 200), None)


def matrix_pages(context) -> list[tuple[str, str, str]]:
    """(url name, path with query, who): the GET pages of the matrix someone may see."""
    pages = []
    for name, entry in sorted(MATRIX.items()):
        if entry.method != "GET" or name.startswith(NOT_PAGES):
            continue
        who = _who_may_see(entry)
        if who is None:
            continue
        path = reverse(name, kwargs=entry.kwargs(context) if entry.kwargs else None)
        if entry.query:
            path += "?" + urlencode(entry.query)
        pages.append((name, path, who))
    return pages


class SignedIn:
    """A session cookie per role, made with the test client (the sign-in form has its own
    test)."""

    def __init__(self):
        self.made: dict[str, object] = {}

    def __call__(self, who: str):
        if who == ANON:
            return None
        if who not in self.made:
            user = UserFactory(username=f"layout-{who}", roles=[Role(who)], profile=True)
            client = Client()
            client.force_login(user)
            self.made[who] = client.cookies
        return self.made[who]


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
    from django.apps import apps

    from privacy.models import Purpose

    if not Purpose.objects.exists():
        importlib.import_module("privacy.migrations.0002_defaults").forwards(apps, None)


def only_pages() -> set[str]:
    """E2E_PAGES=home,privacy:my-data narrows the walk to some url names (while fixing one)."""
    return {name for name in os.environ.get("E2E_PAGES", "").split(",") if name}


def visit(browser, live_server, width_name: str, *, bypass_csp: bool = False) -> Iterator:
    """Open each full HTML page of the matrix at one of WIDTHS and yield (name, path, who, page)
    with the page loaded; the page is closed when the caller asks for the next one.
    `bypass_csp` lets a test inject a script of its own (the pages allow none inline)."""
    only = only_pages()
    _privacy_defaults()
    context_objects = _matrix_objects()
    signed_in = SignedIn()
    width, height = WIDTHS[width_name]
    contexts = {}
    try:
        for name, path, who in matrix_pages(context_objects):
            if only and name not in only:
                continue
            cookies = signed_in(who)
            if not _is_full_page(cookies, path):
                continue
            if who not in contexts:
                options = dict(
                    locale="es-PE",
                    viewport={"width": width, "height": height},
                    bypass_csp=bypass_csp,
                )
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
            try:
                yield name, path, who, page
            finally:
                page.close()
    finally:
        for context in contexts.values():
            context.close()
