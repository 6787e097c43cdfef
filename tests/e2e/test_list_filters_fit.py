"""Issue 20, lists on a phone: the filter box of each list is folded until opened and, opened
with a search typed, still fits a 390-px screen; filtering from it keeps the page's width."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.e2e.conftest import SHOTS
from tests.e2e.pages import _privacy_defaults
from tests.settlements.conftest import (  # noqa: F401  (fixtures of the settlements tests)
    authorized_mission,
    disbursed_advance,
    make_mission,
    organization,
    project,
    returned_mission,
    signed_advance,
)

pytestmark = pytest.mark.e2e

# (who, list page): every page that includes viaticos/list_filters.html
LISTS = [
    ("traveler", "/misiones/"),
    ("traveler", "/liquidaciones/"),
    ("traveler", "/sanciones/"),
    ("accountant", "/liquidaciones/bandeja/"),
    ("accountant", "/contabilidad/plazos/"),
    ("accountant", "/sanciones/"),
    ("treasurer", "/tesoreria/desembolsos/"),
    ("treasurer", "/tesoreria/pagos/"),
    ("privacy_officer", "/privacidad/solicitudes/"),
]


def test_list_filters_fold_and_fit_a_phone(
    browser,
    live_server,
    seed_rates,
    settings,
    request,
    returned_mission,  # noqa: F811
):
    settings.PRIVACY_CONSENT_PROMPT = False
    _privacy_defaults()
    returned_mission()  # a row on most lists
    folder = SHOTS / "list-filters"
    folder.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for who, path in LISTS:
        client = Client()
        client.force_login(request.getfixturevalue(who))
        context = browser.new_context(
            locale="es-PE",
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        context.add_cookies(
            [
                {"name": key, "value": morsel.value, "url": live_server.url}
                for key, morsel in client.cookies.items()
            ]
        )
        page = context.new_page()
        page.goto(live_server.url + path)
        box = page.locator("details.list-filters-box")
        assert not box.evaluate("d => d.open"), path  # folded until asked for
        box.locator("summary").tap()
        page.locator("form.list-filters input[name=q]").fill("zzz")
        with page.expect_navigation():
            page.locator("form.list-filters button.primary").click()
        page.wait_for_load_state("networkidle")
        assert "q=zzz" in page.url
        assert page.locator("details.list-filters-box").evaluate("d => d.open"), path
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(folder / f"{who}-{path.strip('/').replace('/', '-')}.png"))
        if width > 390:
            too_wide.append(f"{path} as {who}: {width}px")
        context.close()
    assert not too_wide, too_wide
