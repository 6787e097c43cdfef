"""The per-diem calculator page: Spanish and English, no-JS submit, htmx partial, errors."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/viaticos/calculadora/"
E2 = {"destination": "CR-SJO", "departure_at": "2026-03-02T18:00", "return_at": "2026-03-04T08:00"}


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/ingresar/")


def test_calculator_renders_in_spanish_with_nav_and_htmx(client, traveler, seed_rates):
    client.force_login(traveler)
    page = client.get(URL).content.decode()
    assert "Calculadora de viáticos" in page
    assert "San José, Costa Rica (CR-SJO)" in page
    assert "vendor/htmx.min.js" in page and "<script>" not in page
    assert 'href="/viaticos/calculadora/"' in page


def test_r_3_9_submit_without_js_renders_the_breakdown(client, traveler, seed_rates):
    client.force_login(traveler)
    page = client.get(URL, E2).content.decode()
    assert "266.53 USD" in page and "13.33" in page and "13.20" in page
    assert "R-3.9" in page and "Alojamiento" in page
    # The meal grid lets the user tick meals covered by the event.
    assert 'value="2026-03-03:lunch"' in page


def test_calculator_in_english(client, traveler, seed_rates):
    client.force_login(traveler)
    page = client.get(URL, E2, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Per-diem calculator" in page and "Lodging" in page and "266.53 USD" in page


def test_r_3_14_ticked_meals_are_not_paid(client, traveler, seed_rates):
    client.force_login(traveler)
    data = {
        "destination": "PA",
        "departure_at": "2026-03-02T08:00",
        "return_at": "2026-03-04T20:00",
        "covered": ["2026-03-03:lunch", "2026-03-04:lunch"],
    }
    page = client.get(URL, data).content.decode()
    assert "280.00 USD" in page


def test_htmx_request_gets_only_the_result_and_field_errors(client, traveler, seed_rates):
    client.force_login(traveler)
    partial = client.get(URL, E2, HTTP_HX_REQUEST="true").content.decode()
    assert "266.53 USD" in partial and "<html" not in partial
    assert 'id="errors-departure_at"' in partial and 'hx-swap-oob="true"' in partial


def test_errors_are_shown_next_to_the_fields_in_the_user_language(client, traveler, seed_rates):
    client.force_login(traveler)
    bad = {**E2, "return_at": "2026-03-01T08:00", "sponsor_daily_amount": "-3"}
    page = client.get(URL, bad).content.decode()
    assert "no pueden ser negativos" in page
    fixed = {**E2, "return_at": "2026-03-01T08:00"}
    page = client.get(URL, fixed, HTTP_HX_REQUEST="true").content.decode()
    assert "El regreso debe ser posterior a la salida." in page
    page = client.get(URL, fixed, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The return must be after the departure." in page


def test_r_3_8b_destination_needing_a_quote(client, traveler, seed_rates):
    from missions.models import Destination

    Destination.objects.create(code="US-MIA", name="Miami", country="US", in_table_region=False)
    client.force_login(traveler)
    data = {
        "destination": "US-MIA",
        "departure_at": "2026-03-02T07:00",
        "return_at": "2026-03-03T19:00",
    }
    page = client.get(URL, data).content.decode()
    assert "R-3.8b" in page
    page = client.get(URL, {**data, "quote_lodging": "150", "quote_meals": "60"}).content.decode()
    assert "270.00 USD" in page
