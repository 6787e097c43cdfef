"""Receipts in foreign currency (R-3.10): converted at the official rate of their date, shown
with that rate and its date, kept as *rate pending* until the rate is published, recomputed
when a rate is imported, fetched or corrected, frozen once the settlement is settled."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from settlements import services
from settlements.models import Receipt, Settlement
from settlements.rules import ReceiptFacts, evaluate_receipts
from tests.settlements.conftest import local, receipt_fields
from viaticos.errors import DomainError
from viaticos.exchange import exchange_rates_import
from viaticos.models import ExchangeRate

pytestmark = pytest.mark.django_db

RECEIPT_DAY = dt.date(2026, 3, 3)


def rate(currency, day, value, source="BCRP"):
    return ExchangeRate.objects.create(
        currency=currency, date=day, units_per_usd=D(value), source=source
    )


def import_csv(*lines):
    return exchange_rates_import(text="currency,date,units_per_usd,source\n" + "\n".join(lines))


def add(settlement, **fields):
    traveler = settlement.mission.traveler
    receipt = services.receipt_add(
        actor=traveler, settlement=settlement, **receipt_fields(**fields)
    )
    receipt.refresh_from_db()
    return receipt


def test_r_3_10_a_receipt_is_converted_at_the_rate_of_its_date_and_keeps_it(draft):
    rate("PEN", dt.date(2026, 3, 2), "3.400000")
    receipt = add(draft(), currency="PEN", amount=D("68.00"))
    assert receipt.amount_usd == D("20.00") and not receipt.rate_pending
    assert (receipt.fx_rate, receipt.fx_rate_date, receipt.fx_source) == (
        D("3.4"),
        dt.date(2026, 3, 2),
        "BCRP",
    )
    assert receipt.fx_note == "a 3.4 PEN por US$ del 02/03/2026 (BCRP)"


def test_r_3_10_a_receipt_after_the_latest_published_rate_is_kept_as_rate_pending(draft):
    rate("PEN", dt.date(2026, 2, 20), "3.400000")  # 11 days before: too old, none after
    settlement = draft()
    receipt = add(settlement, currency="PEN", amount=D("68.00"))
    assert receipt.rate_pending and receipt.amount_usd is None
    assert Receipt.objects.filter(settlement=settlement).count() == 1


def test_r_3_10_a_gap_in_published_rates_is_still_a_clear_error(draft):
    rate("PEN", dt.date(2026, 2, 1), "3.400000")
    rate("PEN", dt.date(2026, 3, 20), "3.500000")  # published after the receipt's date
    with pytest.raises(DomainError) as error:
        add(draft(), currency="PEN", amount=D("68.00"))
    assert error.value.code == "exchange_rate_too_old"
    assert "import" not in error.value.message.lower()


def test_r_3_10_a_pending_rate_is_noted_and_counts_zero_until_it_arrives():
    facts = ReceiptFacts(
        "invoice",
        "taxi",
        RECEIPT_DAY,
        D("68.00"),
        None,
        customer_name="Secretaría Ejecutiva Regional",
        customer_tax_id="20512345678",
        key=1,
    )
    (verdict,) = evaluate_receipts([facts], mission=_mission_facts())
    assert verdict.amount_usd == D("0.00") and verdict.accepted_usd == D("0.00")
    assert [f.code for f in verdict.findings] == ["exchange_rate_pending"]
    assert verdict.findings[0].rule == "R-3.10" and not verdict.blocks_submission


def _mission_facts():
    from settlements.rules import MissionFacts

    return MissionFacts(
        organization_name="Secretaría Ejecutiva Regional",
        organization_tax_id="20512345678",
        departure=RECEIPT_DAY,
        return_date=RECEIPT_DAY,
    )


def test_r_3_10_importing_the_rate_converts_the_pending_receipt_and_the_balance(draft):
    settlement = draft()
    usd = add(settlement, currency="USD", amount=D("10.00"))
    pending = add(settlement, currency="PEN", amount=D("68.00"))
    settlement.refresh_from_db()
    assert pending.rate_pending and settlement.terminal_accepted == D("10.00")

    assert import_csv("PEN,2026-03-03,3.400000,BCRP") == (1, 0)
    pending.refresh_from_db()
    settlement.refresh_from_db()
    assert pending.amount_usd == D("20.00") and pending.fx_rate_date == RECEIPT_DAY
    assert settlement.terminal_accepted == D("30.00")
    assert usd.amount_usd == D("10.00")
    assert pending.history.first().history_change_reason.startswith("exchange rate published")


def test_r_3_10_a_corrected_rate_recomputes_until_settled(draft):
    rate("PEN", RECEIPT_DAY, "3.400000")
    settlement = draft()
    receipt = add(settlement, currency="PEN", amount=D("68.00"))
    import_csv("PEN,2026-03-03,3.200000,BCRP")  # the bank corrected the day
    receipt.refresh_from_db()
    assert receipt.amount_usd == D("21.25") and receipt.fx_rate == D("3.2")
    # a rate published later for a date before the receipt's is closer: it is used
    import_csv("PEN,2026-03-01,3.000000,BCRP")
    receipt.refresh_from_db()
    assert receipt.amount_usd == D("21.25")  # 03-03 is still the latest on or before


def test_r_3_10_amounts_are_frozen_once_the_settlement_is_settled(
    submitted, accounting_assistant, accountant
):
    rate("PEN", RECEIPT_DAY, "3.400000")
    settlement = submitted(receipts=[receipt_fields(currency="PEN", amount=D("68.00"))])
    Settlement.objects.filter(pk=settlement.pk).update(submitted_at=local(2026, 3, 6, 16, 0))
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    for receipt in settlement.receipts.all():
        services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date(2026, 3, 10))
    settlement.refresh_from_db()
    balance = settlement.balance

    import_csv("PEN,2026-03-03,3.100000,BCRP")
    receipt = settlement.receipts.get()
    settlement.refresh_from_db()
    assert receipt.amount_usd == D("20.00") and receipt.fx_rate == D("3.4")
    assert settlement.balance == balance


def test_r_3_10_a_settlement_is_not_settled_while_a_rate_is_pending(
    submitted, accounting_assistant, accountant
):
    settlement = submitted(receipts=[receipt_fields(currency="GTQ", amount=D("77.00"))])
    Settlement.objects.filter(pk=settlement.pk).update(submitted_at=local(2026, 3, 6, 16, 0))
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    receipt = settlement.receipts.get()
    services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    with pytest.raises(DomainError) as error:
        services.settlement_settle(
            actor=accountant, settlement=settlement, today=dt.date(2026, 3, 10)
        )
    assert error.value.code == "exchange_rate_pending"
    assert Settlement.objects.get(pk=settlement.pk).status == Settlement.Status.REVIEWED

    import_csv("GTQ,2026-03-03,7.700000,Banguat")  # the rate arrives: accepted line follows
    receipt.refresh_from_db()
    assert receipt.amount_usd == D("10.00") and receipt.accepted_usd == D("10.00")
    services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date(2026, 3, 10))
    assert Settlement.objects.get(pk=settlement.pk).terminal_accepted == D("10.00")


def test_r_3_10_the_detail_page_and_the_api_show_the_rate_and_its_date(client, api_client, draft):
    rate("PEN", dt.date(2026, 3, 2), "3.400000")
    settlement = draft()
    add(settlement, currency="PEN", amount=D("68.00"))
    add(settlement, currency="GTQ", amount=D("77.00"), date=dt.date(2026, 3, 4))
    traveler = settlement.mission.traveler
    client.force_login(traveler)
    page = client.get(reverse("settlements:detail", args=[settlement.pk])).content.decode()
    assert "a 3.4 PEN por US$ del 02/03/2026 (BCRP)" in page
    assert "tipo pendiente" in page.lower()
    assert "import" not in page.lower().replace("importe", "")  # never "import it"

    api_client.force_authenticate(traveler)
    lines = api_client.get(f"/api/v1/settlements/{settlement.pk}/").json()["lines"]
    by_currency = {line["currency"]: line for line in lines}
    assert by_currency["PEN"]["amount_usd"] == "20.00"
    assert by_currency["PEN"]["fx_rate"] == "3.400000"
    assert by_currency["PEN"]["fx_rate_date"] == "2026-03-02"
    assert by_currency["PEN"]["rate_pending"] is False
    assert by_currency["GTQ"]["amount_usd"] is None and by_currency["GTQ"]["rate_pending"]


def test_r_3_10_the_daily_fetch_converts_pending_receipts(draft, monkeypatch):
    from tests.viaticos.test_fx_fetch import RecordedHttp
    from viaticos import exchange_fetch

    settlement = draft()
    receipt = add(settlement, currency="PEN", amount=D("67.50"), date=dt.date(2026, 12, 2))
    assert receipt.rate_pending
    monkeypatch.setattr(exchange_fetch, "UrllibHttp", RecordedHttp)
    call_command("fetch_exchange_rates", "--date", "2026-12-02", "--country", "PE", verbosity=0)
    receipt.refresh_from_db()
    assert receipt.amount_usd == D("20.00")  # 67.50 / 3.375
    assert (receipt.fx_rate_date, receipt.fx_source) == (dt.date(2026, 12, 2), "BCRP")


def test_r_3_10_a_rate_corrected_in_the_admin_reaches_the_receipts_of_its_date(client, draft):
    from django.contrib.auth import get_user_model

    stored = rate("PEN", RECEIPT_DAY, "3.400000")
    receipt = add(draft(), currency="PEN", amount=D("68.00"))
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    response = client.post(
        reverse("admin:viaticos_exchangerate_change", args=[stored.pk]),
        {"currency": "PEN", "date": "2026-03-03", "units_per_usd": "3.200000", "source": "BCRP"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    receipt.refresh_from_db()
    assert receipt.amount_usd == D("21.25") and receipt.fx_rate == D("3.2")
