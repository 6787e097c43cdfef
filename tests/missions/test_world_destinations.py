"""Every country of the world is a destination (SPEC §2.1; quote API, SPEC §7; R-3.8, R-3.8b)."""

import datetime as dt
from decimal import Decimal

import pycountry
import pytest

from missions.countries import TABLE_REGION_SEED, destinations_sync_countries, fold, iso_country
from missions.models import Destination, Quote
from missions.services import quote_approve, quote_record

URL = "/api/v1/per-diem/quote/"
TRIP = {"departure_at": "2026-03-02T07:30", "return_at": "2026-03-05T19:00"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(api_client, traveler, seed_rates):
    api_client.force_authenticate(traveler)
    return api_client


def post(client, lang="es", **body):
    return client.post(URL, {**TRIP, **body}, format="json", HTTP_ACCEPT_LANGUAGE=lang)


def test_every_iso_country_is_a_destination_after_migrate():
    codes = set(Destination.objects.values_list("code", flat=True))
    assert {country.alpha_2 for country in pycountry.countries} <= codes
    mexico = Destination.objects.get(code="MX")
    assert (mexico.name, mexico.name_en, mexico.country) == ("México", "Mexico", "MX")
    assert Destination.objects.get(code="US").name == "Estados Unidos"
    # the everyday name, not ISO's "Bolivia, Plurinational State of"
    assert Destination.objects.get(code="BO").name_en == "Bolivia"


def test_r_3_8_the_table_region_is_central_america_as_data():
    in_region = set(
        Destination.objects.filter(
            in_table_region=True, code__in=[c.alpha_2 for c in pycountry.countries]
        ).values_list("code", flat=True)
    )
    assert in_region == TABLE_REGION_SEED
    assert not Destination.objects.get(code="MX").in_table_region
    assert not Destination.objects.get(code="PE").in_table_region


def test_country_sync_is_idempotent_and_keeps_what_finance_edited():
    Destination.objects.filter(code="MX").update(in_table_region=True, name="Méjico")
    Destination.objects.filter(code="FR").delete()
    assert destinations_sync_countries() == 1
    assert destinations_sync_countries() == 0
    mexico = Destination.objects.get(code="MX")
    assert (mexico.name, mexico.in_table_region) == ("Méjico", True)
    assert Destination.objects.get(code="FR").name == "Francia"


def test_the_seed_table_loads_onto_the_country_rows(seed_rates):
    guatemala = Destination.objects.get(code="GT")
    assert guatemala.rates.count() == 1
    assert Destination.objects.filter(code="GT").count() == 1
    assert Destination.objects.get(code="SV-SAL").country == "SV"


def test_destination_names_follow_the_language():
    from django.utils import translation

    mexico = Destination.objects.get(code="MX")
    with translation.override("en"):
        assert str(mexico) == "Mexico (MX)"
        assert mexico.search_label == "Mexico · México (MX)"
    with translation.override("es"):
        assert str(mexico) == "México (MX)"
        assert mexico.search_label == "México · Mexico (MX)"


def test_iso_country_lookup_and_folding():
    assert iso_country("mx").name_es == "México"
    assert iso_country("ZZ") is None and iso_country("MEX") is None and iso_country("") is None
    assert fold("  MÉXICO ") == "mexico"


# --- The quote API accepts country codes (SPEC §7) --------------------------------------------


def test_r_3_8b_quote_api_country_outside_the_table_needs_a_quote(client_in):
    for code in ("MX", "us", "ES"):
        response = post(client_in, destination=code)
        assert response.status_code == 400, response.json()
        assert response.json()["code"] == "rate_requires_quote"


def test_r_3_8b_quote_api_country_with_the_quote_field(client_in):
    response = post(client_in, destination="MX", quote={"lodging": "150.00", "meals": "50.00"})
    assert response.status_code == 200, response.json()
    data = response.json()
    # 3 nights × 150; meals 4 days × 50 at 100% (E1's brackets)
    assert (data["lodging_total"], data["meals_total"], data["total"]) == (
        "450.00",
        "200.00",
        "650.00",
    )


def test_r_3_8b_quote_api_country_with_an_approved_quote(client_in, traveler, finance_director):
    mexico = Destination.objects.get(code="MX")
    quote = quote_record(
        actor=traveler,
        destination=mexico,
        lodging=Decimal("120.00"),
        meals=Decimal("45.00"),
        source="ONU DSA México 2026-02",
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2026, 3, 31),
    )
    quote_approve(quote=quote, actor=finance_director)
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.APPROVED
    response = post(client_in, destination="MX")
    assert response.status_code == 200, response.json()
    assert response.json()["total"] == "540.00"  # 3 × 120 + 4 × 45


def test_r_3_8_quote_api_table_codes_still_use_the_table(client_in):
    response = post(client_in, destination="SV-SAL")
    assert response.status_code == 200
    assert response.json()["total"] == "400.00"  # E1


def test_r_3_8b_a_country_row_deleted_in_the_admin_still_needs_a_quote_not_unknown(client_in):
    Destination.objects.filter(code="NZ").delete()
    assert post(client_in, destination="NZ").json()["code"] == "rate_requires_quote"
    ok = post(client_in, destination="nz", quote={"lodging": "100.00", "meals": "40.00"})
    assert ok.status_code == 200 and ok.json()["lodging_total"] == "300.00"
    assert not Destination.objects.filter(code="NZ").exists()  # a quote writes nothing


def test_quote_api_refuses_what_is_no_iso_code_as_unknown_destination(client_in):
    for code in ("ZZ", "MEX", "XX-YYY"):
        response = post(client_in, destination=code, lang="en")
        assert response.json()["code"] == "unknown_destination", code


# --- Pickers search by name in either language -------------------------------------------------


def test_calculator_lists_every_country_with_both_names(client, traveler, seed_rates):
    client.force_login(traveler)
    page = client.get("/viaticos/calculadora/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Alemania · Germany (DE)" in page
    assert "data-destination-search" in page
    assert "missions/destination-search" in page
    assert "San Salvador, El Salvador (SV-SAL)" in page


def test_r_3_8b_calculator_estimates_mexico_with_a_quote(client, traveler, seed_rates):
    client.force_login(traveler)
    page = client.get(
        "/viaticos/calculadora/",
        {**TRIP, "destination": "MX", "quote_lodging": "150.00", "quote_meals": "50.00"},
    ).content.decode()
    assert "650.00" in page


def test_mission_form_offers_every_country(client, traveler, seed_rates):
    client.force_login(traveler)
    page = client.get("/misiones/nueva/").content.decode()
    assert "México · Mexico (MX)" in page
    assert "Estados Unidos · United States (US)" in page
