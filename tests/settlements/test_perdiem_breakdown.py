"""R-3.9: the recomputed per-diem breakdown (date, concept, rate, share, factor, amount, rule) is
shown on the settlement pages and printed on the settlement report."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from settlements import services

pytestmark = pytest.mark.django_db


def breakdown_rows(html: str) -> list[str]:
    table = re.search(r'<table class="breakdown">(.*?)</table>', html, re.S)
    assert table, "no per-diem breakdown on the page"
    body = table.group(1).split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_r_3_9_settlement_detail_shows_the_recomputed_breakdown_lines(client, draft, traveler):
    settlement = draft()
    client.force_login(traveler)

    html = client.get(
        reverse("settlements:detail", args=[settlement.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    rows = breakdown_rows(html)
    assert len(rows) == len(settlement.perdiem["lines"]) == 7  # E1: 3 nights + 4 days of meals
    assert "Share" in html and "Factor" in html
    assert all("R-3.9" in row for row in rows)
    assert "66.66 %" not in html and "100 %" in html


def test_r_3_9_review_page_shows_the_recomputed_breakdown_lines(
    client, submitted, accounting_assistant, accountant
):
    settlement = submitted()
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    client.force_login(accountant)

    html = client.get(reverse("settlements:review", args=[settlement.pk])).content.decode()

    assert len(breakdown_rows(html)) == 7


def test_r_3_9_settlement_report_prints_the_share_of_every_line(client, submitted, traveler):
    settlement = submitted()
    client.force_login(traveler)

    response = client.get(reverse("settlements:report", args=[settlement.pk]))

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Proporción" in text and "Factor" in text  # the PDF is in Spanish
    # every line: date, concept, rate, share, factor, amount, rule
    meals = re.findall(r"\d\d/03/2026 ?Alimentación[^\n]* 40\.00 100 % 100 % 40\.00 ?R-3\.9", text)
    assert len(meals) == 4  # one line each: the table fits the page width
