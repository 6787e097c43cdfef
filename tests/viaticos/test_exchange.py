"""Exchange rates (R-3.10): importer, conversion rules, admin review."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from viaticos.errors import DomainError
from viaticos.exchange import conversion_to_usd, convert_to_usd
from viaticos.models import ExchangeRate

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "exchange_rates_sample.csv"


def write(tmp_path, text):
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_r_3_10_importer_loads_the_shipped_sample():
    call_command("import_exchange_rates", str(SAMPLE), verbosity=0)
    lines = SAMPLE.read_text().strip().splitlines()[1:]
    assert ExchangeRate.objects.count() == len(lines)
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {"BCRP", "Banguat"}
    # Importing again changes nothing.
    call_command("import_exchange_rates", str(SAMPLE), verbosity=0)
    assert ExchangeRate.objects.count() == len(lines)


def test_r_3_10_importer_replaces_a_corrected_rate_and_keeps_its_history(tmp_path):
    header = "currency,date,units_per_usd,source\n"
    call_command("import_exchange_rates", write(tmp_path, header + "PEN,2026-03-02,3.3500,BCRP\n"))
    call_command("import_exchange_rates", write(tmp_path, header + "PEN,2026-03-02,3.3600,BCRP\n"))
    rate = ExchangeRate.objects.get()
    assert rate.units_per_usd == Decimal("3.36")
    assert rate.history.count() == 2


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("PEN,2026-02-30,3.35,BCRP", "date"),
        ("PEN,02/03/2026,3.35,BCRP", "date"),
        ("PEN,2026-03-03,-3.35,BCRP", "units_per_usd"),
        ("PEN,2026-03-03,3;35,BCRP", "units_per_usd"),
        ("PEN,2026-03-03,3,35,BCRP", "columns"),
        ("pen,2026-03-03,3.35,BCRP", "currency"),
        ("PEN,2026-03-03,3.35,", "source"),
        ("PEN,2026-03-02,3.36,BCRP", "already on line 2"),
    ],
)
def test_r_3_10_malformed_file_is_rejected_with_its_line_and_nothing_imported(
    tmp_path, bad_line, message
):
    text = (
        "currency,date,units_per_usd,source\n"
        "PEN,2026-03-02,3.3500,BCRP\n"
        "GTQ,2026-03-02,7.6600,Banguat\n"
        f"{bad_line}\n"
        "PEN,2026-03-04,3.3700,BCRP\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_exchange_rates", write(tmp_path, text))
    assert "line 4" in str(error.value) and message in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert not ExchangeRate.objects.exists()


def test_r_3_10_wrong_header_is_line_1(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_exchange_rates", write(tmp_path, "moneda,fecha,tc,fuente\n"))
    assert "line 1" in str(error.value)


@pytest.fixture
def pen_rates(db):
    ExchangeRate.objects.create(
        currency="PEN", date=dt.date(2026, 3, 2), units_per_usd=Decimal("3.35"), source="BCRP"
    )
    ExchangeRate.objects.create(
        currency="PEN", date=dt.date(2026, 3, 5), units_per_usd=Decimal("3.40"), source="BCRP"
    )


def test_r_3_10_uses_the_rate_of_the_date_or_the_latest_before(pen_rates):
    assert convert_to_usd(Decimal("335.00"), "PEN", dt.date(2026, 3, 2)) == Decimal("100.00")
    # 2026-03-04 has no rate: the 03-02 one applies.
    conversion = conversion_to_usd(Decimal("100.00"), "PEN", dt.date(2026, 3, 4))
    assert conversion.rate_date == dt.date(2026, 3, 2)
    assert conversion.amount_usd == Decimal("29.85")
    assert conversion.source == "BCRP"
    assert convert_to_usd(Decimal("340.00"), "pen", dt.date(2026, 3, 6)) == Decimal("100.00")


def test_r_3_10_usd_is_identity():
    assert convert_to_usd(Decimal("12.345"), "USD", dt.date(2026, 3, 2)) == Decimal("12.35")


def test_r_3_10_no_rate_on_or_before_the_date_is_a_clear_error(pen_rates):
    with pytest.raises(DomainError) as error:
        convert_to_usd(Decimal("1"), "PEN", dt.date(2026, 3, 1))
    assert error.value.code == "exchange_rate_missing"
    with pytest.raises(DomainError) as error:
        convert_to_usd(Decimal("1"), "GTQ", dt.date(2026, 3, 3))
    assert error.value.code == "exchange_rate_missing" and "GTQ" in error.value.message


@override_settings(VIATICOS_FX_MAX_AGE_DAYS=7)
def test_r_3_10_a_rate_older_than_the_limit_is_refused(pen_rates):
    assert convert_to_usd(Decimal("340"), "PEN", dt.date(2026, 3, 12)) == Decimal("100.00")
    with pytest.raises(DomainError) as error:
        convert_to_usd(Decimal("340"), "PEN", dt.date(2026, 3, 13))
    assert error.value.code == "exchange_rate_too_old"
    assert "2026-03-05" in error.value.message and "8" in error.value.message


def test_r_3_10_finance_reviews_rates_in_the_admin(client, finance_director, pen_rates):
    finance_director.is_staff = True
    finance_director.save()
    client.force_login(finance_director)
    page = client.get("/admin/viaticos/exchangerate/")
    assert page.status_code == 200
    assert "BCRP" in page.content.decode()
