"""The demo ships a year of sample exchange rates, marked as such (R-3.10), so that a newcomer
estimates a trip to Mexico and files a receipt in soles without touching the admin."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from viaticos.demo_rates import SAMPLE_LEVELS, SAMPLE_SOURCE, demo_rates_load
from viaticos.exchange import conversion_to_usd
from viaticos.models import ExchangeRate

pytestmark = pytest.mark.django_db

CURRENCIES = {"PEN", "GTQ", "HNL", "NIO", "CRC", "MXN", "EUR"}


def test_r_3_10_sample_year_covers_every_demo_currency_on_every_day():
    today = dt.date(2026, 12, 3)
    assert demo_rates_load(today=today) > 250 * len(CURRENCIES)
    assert set(SAMPLE_LEVELS) == CURRENCIES
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {SAMPLE_SOURCE}
    assert "no oficial" in SAMPLE_SOURCE
    for currency in CURRENCIES:
        for back in range(0, 366, 13):  # weekends included: the Friday's rate applies
            day = today - dt.timedelta(days=back)
            conversion = conversion_to_usd(Decimal("100.00"), currency, day)
            assert conversion.amount_usd > 0 and conversion.source == SAMPLE_SOURCE


def test_sample_rates_never_replace_a_rate_already_stored_and_load_once():
    day = dt.date(2026, 12, 2)
    ExchangeRate.objects.create(
        currency="PEN", date=day, units_per_usd=Decimal("3.375"), source="BCRP"
    )
    first = demo_rates_load(today=day)
    assert demo_rates_load(today=day) == 0
    assert ExchangeRate.objects.get(currency="PEN", date=day).source == "BCRP"
    assert ExchangeRate.objects.count() == first + 1


@override_settings(DEBUG=True)
def test_newcomer_quotes_mexico_and_files_a_receipt_in_soles_on_the_demo(
    api_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.contrib.auth import get_user_model

    from missions.models import Mission
    from settlements import services
    from tests.settlements.conftest import receipt_fields

    call_command("load_demo", verbosity=0)
    traveler = get_user_model().objects.get(username="viajero")
    api_client.force_authenticate(traveler)
    quote = api_client.post(
        "/api/v1/per-diem/quote/",
        {
            "destination": "MX",
            "departure_at": "2026-03-02T07:30",
            "return_at": "2026-03-05T19:00",
            "quote": {"lodging": "140.00", "meals": "45.00"},
        },
        format="json",
    )
    assert quote.status_code == 200 and quote.json()["total"] == "600.00"

    past = Mission.objects.get(traveler=traveler, status=Mission.Status.RETURNED)
    settlement = services.settlement_start(actor=traveler, mission=past)
    receipt = services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(currency="PEN", amount=Decimal("84.00"), date=past.departure_at.date()),
    )
    receipt.refresh_from_db()
    assert not receipt.rate_pending and receipt.fx_source == SAMPLE_SOURCE
    assert receipt.amount_usd == (Decimal("84.00") / receipt.fx_rate).quantize(Decimal("0.01"))
    assert receipt.fx_rate_date <= timezone.localdate()
