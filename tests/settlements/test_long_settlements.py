"""A settlement with many receipts: the report PDF and the review page stay right (issue 9)."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from settlements import services
from tests.settlements.conftest import receipt_fields

pytestmark = pytest.mark.django_db


def received(submitted, accounting_assistant, count):
    settlement = submitted(
        receipts=[
            receipt_fields(category="internet", date=dt.date(2026, 3, 2 + i % 3))
            for i in range(count)
        ]
    )
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    return settlement


def test_report_of_a_long_settlement_prints_every_line_once_and_the_total_once(
    client, submitted, accounting_assistant, accountant
):
    settlement = received(submitted, accounting_assistant, 30)
    client.force_login(accountant)

    response = client.get(reverse("settlements:report", args=[settlement.pk]))

    assert response.status_code == 200
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) > 1
    text = "\n".join(pages)
    for number in settlement.receipts.values_list("number", flat=True):
        assert text.count(number) == 1
    assert text.count("Internet") == 30  # the category of every line, in Spanish
    # The total of the lines once under the last line (not at the foot of every page), and once
    # in the balance.
    assert text.count("Gastos terminales aceptados") == 2
    assert all(f"{n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_review_page_gives_every_line_its_own_review_form(
    client, submitted, accounting_assistant, accountant
):
    settlement = received(submitted, accounting_assistant, 3)
    client.force_login(accountant)

    page = client.get(reverse("settlements:review", args=[settlement.pk])).content.decode()

    ids = re.findall(r'id="(line\d+_\w+)"', page)
    assert len(ids) == len(set(ids)) == 3 * 3
    for receipt in settlement.receipts.all():
        action = reverse("settlements:receipt_action", args=[receipt.pk, "review"])
        form = page[page.index(f'action="{action}"') :]
        form = form[: form.index("</form>")]
        for field in ("decision", "accepted_usd", "reason"):
            assert f'for="line{receipt.pk}_{field}"' in form
            assert f'id="line{receipt.pk}_{field}"' in form
        assert re.findall(r'<option value="(\w+)"', form) == ["accepted", "cut", "rejected"]
