"""Journey: a person signs in, sees their own work, switches to English and back."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_traveler_signs_in_and_switches_language(live_server, new_page, sign_in, shot, traveler):
    page = new_page()
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    assert page.locator("h1").inner_text() == "Ingresar"
    shot(page, "01-login")
    sign_in(page, traveler)
    assert page.locator("h2", has_text="Mis misiones").is_visible()
    shot(page, "02-home-es")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("h2", has_text="My missions").is_visible()
    shot(page, "03-home-en")
    page.click("button[name=language][value=es]")
    page.wait_for_load_state()
    assert page.locator("h2", has_text="Mis misiones").is_visible()
