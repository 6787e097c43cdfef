"""Reading the SUNAT QR of a receipt (SPEC §3 "Reading receipts", issue 19): the pure parser,
the tax-id checks, and the reader's hit rate on generated sample receipts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from settlements.receipt_reader import (
    buyer_is_organization,
    parse_sunat_qr,
    prefill,
    read_receipt,
    reading_from_texts,
)
from settlements.tax_ids import issuer_tax_id_warning, tax_id_check
from tests.settlements import receipt_samples as samples

ORG = samples.ORG_RUC


def test_parses_the_ten_field_payload_with_hash_and_trailing_bar():
    p = samples.payload()
    qr = parse_sunat_qr(p.text)
    assert qr is not None
    assert qr.issuer_tax_id == p.issuer_tax_id
    assert (qr.document_type, qr.series, qr.number) == ("01", "F001", "1234")
    assert (qr.igv, qr.total) == (Decimal("18.00"), Decimal("118.00"))
    assert qr.date == dt.date(2026, 3, 3)
    assert (qr.buyer_document_type, qr.buyer_document_number) == ("6", ORG)
    assert qr.hash
    assert qr.receipt_number == "F001-1234"


@pytest.mark.parametrize(
    "text",
    [
        "20100047218|01|F001|00000042|18.00|118.00|2026-03-03|6|20512345678|",
        "20100047218|01|F001|42|18.00|118.00|2026-03-03|6|20512345678",
        "20100047218 | 1 | f001 | 0042 | 18 | 118 | 03/03/2026 | 6 | 20512345678 | h4sh= |",
        "20100047218|01|F001|00000042|18,00|118,00|03-03-2026|6|20512345678|h|sig|",
    ],
)
def test_tolerates_the_variants_issuers_print(text):
    qr = parse_sunat_qr(text)
    assert qr is not None
    assert (qr.series, qr.number, qr.total, qr.date) == (
        "F001",
        "42",
        Decimal("118.00"),
        dt.date(2026, 3, 3),
    )
    assert qr.buyer_document_number == "20512345678"


def test_a_boleta_without_a_buyer_document_reads_with_nulls():
    qr = parse_sunat_qr("10456789013|03|B001|00000003|1.53|10.00|2026-03-03|-||")
    assert qr is not None
    assert qr.buyer_document_type is None and qr.buyer_document_number is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://example.org/menu",
        "2010004721|01|F001|1|18.00|118.00|2026-03-03|6|20512345678|",  # 10-digit RUC
        "20100047218|12|F001|1|18.00|118.00|2026-03-03|6|20512345678|",  # not a CPE type
        "20100047218|01|F001|1|18.00|abc|2026-03-03|6|20512345678|",  # no total
        "20100047218|01|F001|1|18.00|118.00|2026-13-45|6|20512345678|",  # no date
        "20100047218|01|F001|1|18.00|118.00|",  # too short
    ],
)
def test_what_is_not_a_sunat_qr_is_not_read(text):
    assert parse_sunat_qr(text) is None


def test_r_3_12_the_buyer_ruc_is_compared_with_the_organizations_at_once():
    ours = parse_sunat_qr(samples.payload().text)
    theirs = parse_sunat_qr(samples.payload(buyer=samples.make_ruc("2055555555")).text)
    dni = parse_sunat_qr(samples.payload(buyer_type="1", buyer="20512345").text)
    assert buyer_is_organization(ours, "20-51234567-8") is True
    assert buyer_is_organization(theirs, ORG) is False
    assert buyer_is_organization(dni, ORG) is False
    assert buyer_is_organization(ours, "") is False


def test_the_issuer_ruc_is_checked_with_its_modulo_11_digit():
    good = samples.make_ruc("2010004721")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    read_good = reading_from_texts([samples.payload().text], organization_tax_id=ORG)
    text_bad = samples.payload().text.replace(good, bad)
    read_bad = reading_from_texts(["not a receipt", text_bad], organization_tax_id=ORG)
    assert read_good.as_dict()["issuer_tax_id_valid"] is True
    assert read_bad.found and read_bad.as_dict()["issuer_tax_id_valid"] is False
    assert read_bad.as_dict()["issuer_tax_id"] == bad


def test_no_qr_reads_as_found_false_and_nulls():
    reading = reading_from_texts(["hello"], organization_tax_id=ORG).as_dict()
    assert reading["found"] is False
    assert all(value is None for key, value in reading.items() if key != "found")


def test_a_damaged_file_reads_as_no_qr_rather_than_an_error():
    assert read_receipt(b"%PDF-1.4 garbage", "application/pdf", organization_tax_id=ORG).found is (
        False
    )
    assert read_receipt(b"\x89PNG\r\n\x1a\nxx", "image/png", organization_tax_id=ORG).found is False


@pytest.mark.parametrize(
    ("value", "country", "valid"),
    [
        (samples.make_ruc("2010004721"), "PE", True),
        ("20100047219", "PE", False),
        ("576937-K", "GT", True),
        ("576937-5", "GT", False),
        ("0614-050707-104-8", "SV", True),
        ("0614-050707-104-1", "SV", False),
        ("3-101-999999", "CR", True),
        ("12", "CR", False),
        ("anything", "HN", None),
    ],
)
def test_other_tax_ids_are_checked_where_stdnum_has_a_validator(value, country, valid):
    assert tax_id_check(value, country).valid is valid


def test_an_issuer_tax_id_valid_in_one_of_the_mission_countries_is_no_warning():
    nit_sv = "0614-050707-104-8"
    assert issuer_tax_id_warning(nit_sv, ["PE", "SV"]) is None
    warning = issuer_tax_id_warning("0614-050707-104-1", ["SV", "PE"])
    assert warning is not None and warning.country == "SV"
    assert issuer_tax_id_warning("whatever", ["HN"]) is None


@pytest.fixture(scope="module")
def corpus():
    return samples.corpus()


def test_reader_hit_rate_on_the_sample_receipts(corpus, capsys):
    """Every clean and moderately degraded sample is read right (100%); the hard ones are
    reported, and a hard one that is read must be read right."""
    hits, totals = Counter(), Counter()
    for group, content_type, content, expected in corpus:
        reading = read_receipt(content, content_type, organization_tax_id=ORG)
        totals[group] += 1
        if not reading.found:
            continue
        got = reading.as_dict()
        assert {k: got[k] for k in samples.expected_dict(expected)} == samples.expected_dict(
            expected
        ), (group, content_type)
        assert got["buyer_is_organization"] is (expected.buyer_document_number == ORG)
        hits[group] += 1
    with capsys.disabled():
        print(
            "\nreceipt reader hit rate: "
            + ", ".join(f"{g} {hits[g]}/{totals[g]}" for g in ("clean", "moderate", "hard"))
        )
    assert totals["clean"] >= 15 and totals["moderate"] >= 10
    assert hits["clean"] == totals["clean"]
    assert hits["moderate"] == totals["moderate"]


def test_prefill_takes_the_qr_values_and_marks_them_read():
    reading = reading_from_texts([samples.PAYLOADS[1].text], organization_tax_id=ORG)
    filled = prefill(
        reading,
        organization_name="Org",
        organization_tax_id=ORG,
        first_day=dt.date(2026, 3, 2),
        destination_country="SV",
    )
    assert filled.values["receipt_type"] == "ticket" and filled.values["currency"] == "PEN"
    assert filled.values["number"] == "B002-98" and filled.values["amount"] == Decimal("30.00")
    assert filled.values["customer_name"] == ""  # the buyer is a DNI, not the organization
    assert "customer_name" not in filled.read_fields and "amount" in filled.read_fields


@pytest.mark.parametrize(("country", "currency"), [("GT", "GTQ"), ("SV", "USD"), ("XX", "USD")])
def test_prefill_without_a_qr_defaults_to_the_organization_and_the_destination(country, currency):
    filled = prefill(
        reading_from_texts([], organization_tax_id=ORG),
        organization_name="Org",
        organization_tax_id=ORG,
        first_day=dt.date(2026, 3, 2),
        destination_country=country,
    )
    assert filled.read_fields == ()
    assert filled.values["customer_name"] == "Org" and filled.values["customer_tax_id"] == ORG
    assert filled.values["date"] == dt.date(2026, 3, 2)
    assert filled.values["currency"] == currency
