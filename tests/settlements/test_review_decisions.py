"""The accountant's review page (issue 20): each line shows the decision saved on it, a decision
is saved in place (htmx) or back at the line's anchor (no JavaScript), "accept all remaining"
accepts only the lines not yet decided, and j/k move between lines."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from settlements import services
from settlements.models import Receipt
from settlements.selectors import perdiem_review
from tests.factories import PASSWORD
from tests.settlements.conftest import receipt_fields

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def under_review(submitted, accounting_assistant, accountant, client):
    def make(receipts=None):
        settlement = submitted(
            receipts=receipts or [receipt_fields(), receipt_fields(number="F001-78")]
        )
        services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
        )
        assert client.login(username=accountant.username, password=PASSWORD)
        return settlement

    return make


def page(client, settlement) -> str:
    response = client.get(reverse("settlements:review", args=[settlement.pk]))
    assert response.status_code == 200
    return response.content.decode()


def control(html: str, element_id: str) -> str:
    """The markup of one line (a receipt's article or a per-diem row)."""
    match = re.search(rf'<(article|tr) [^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match, element_id
    return match.group(0)


def selected(fragment: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', fragment, re.S).group(1)
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return chosen.group(1) if chosen else None


def review_url(receipt):
    return reverse("settlements:receipt_action", args=[receipt.pk, "review"])


def perdiem_url(settlement):
    return reverse("settlements:action", args=[settlement.pk, "perdiem_line"])


# --- 1. the control shows the decision saved --------------------------------------------------


def test_a_cut_receipt_line_shows_the_cut_after_reload_and_survives_saving_another_line(
    client, under_review
):
    settlement = under_review()
    first, second = settlement.receipts.order_by("pk")
    cut = {"decision": "cut", "accepted_usd": "20.00", "reason": "Tarifa excesiva"}
    assert client.post(review_url(first), cut).status_code == 302

    line = control(page(client, settlement), f"line-{first.pk}")
    assert selected(line, "decision") == "cut"
    assert 'value="20.00"' in line and 'value="Tarifa excesiva"' in line

    client.post(review_url(second), {"decision": "rejected", "reason": "Sin sustento"})
    html = page(client, settlement)
    assert selected(control(html, f"line-{first.pk}"), "decision") == "cut"
    assert selected(control(html, f"line-{second.pk}"), "decision") == "rejected"
    first.refresh_from_db()
    assert (first.decision, first.accepted_usd) == ("cut", D("20.00"))


def test_a_line_not_yet_decided_preselects_no_decision(client, under_review):
    settlement = under_review()
    receipt = settlement.receipts.order_by("pk").first()
    line = control(page(client, settlement), f"line-{receipt.pk}")
    assert selected(line, "decision") == ""  # "Not reviewed", never "Accepted" by default
    response = client.post(review_url(receipt), {"decision": ""})
    assert response.status_code == 400
    receipt.refresh_from_db()
    assert receipt.decision == Receipt.Decision.PENDING


def test_a_cut_perdiem_line_shows_the_cut_after_reload(client, under_review):
    settlement = under_review()
    first, second = [row for row in perdiem_review(settlement) if row.reviewable][:2]
    client.post(
        perdiem_url(settlement),
        {
            "date": f"{first.date:%Y-%m-%d}",
            "concept": first.concept,
            "decision": "cut",
            "accepted_usd": "10.00",
            "reason": "Alojamiento pagado por el evento",
        },
    )
    client.post(
        perdiem_url(settlement),
        {"date": f"{second.date:%Y-%m-%d}", "concept": second.concept, "decision": "accepted"},
    )
    row = control(page(client, settlement), f"perdiem-{first.date:%Y-%m-%d}-{first.concept}")
    assert selected(row, "decision") == "cut"
    assert 'value="10.00"' in row and 'value="Alojamiento pagado por el evento"' in row
    other = control(page(client, settlement), f"perdiem-{second.date:%Y-%m-%d}-{second.concept}")
    assert selected(other, "decision") == "accepted"


# --- 2. saved in place ------------------------------------------------------------------------


def test_without_javascript_a_decision_redirects_back_to_the_line(client, under_review):
    settlement = under_review()
    receipt = settlement.receipts.order_by("pk").first()
    response = client.post(review_url(receipt), {"decision": "accepted"})
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("settlements:review", args=[settlement.pk]) + f"#line-{receipt.pk}"
    )
    row = next(r for r in perdiem_review(settlement) if r.reviewable)
    response = client.post(
        perdiem_url(settlement),
        {"date": f"{row.date:%Y-%m-%d}", "concept": row.concept, "decision": "accepted"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#perdiem-{row.date:%Y-%m-%d}-{row.concept}")


def test_with_htmx_the_line_alone_comes_back_with_the_decision_saved(client, under_review):
    settlement = under_review()
    receipt = settlement.receipts.order_by("pk").first()
    response = client.post(
        review_url(receipt), {"decision": "cut", "accepted_usd": "12.50", "reason": "Tope"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article class="stl-line" id="line-{receipt.pk}"')
    assert "<html" not in html
    assert selected(html, "decision") == "cut" and 'value="12.50"' in html
    assert "Decisión guardada." in html
    # the balance follows, swapped out of band: 12.50 cut + 35.00 of the line not yet decided
    balance = html[html.index('id="stl-balance"') :]
    assert 'hx-swap-oob="true"' in balance and "US$ 47.50" in balance


def test_with_htmx_a_refused_decision_comes_back_in_place_with_the_reason(client, under_review):
    settlement = under_review()
    receipt = settlement.receipts.order_by("pk").first()
    response = client.post(review_url(receipt), {"decision": "cut", "reason": "Tope"}, **HTMX)
    assert response.status_code == 200  # htmx swaps only 2xx answers
    html = response.content.decode()
    assert 'role="alert"' in html and selected(html, "decision") == "cut"
    receipt.refresh_from_db()
    assert receipt.decision == Receipt.Decision.PENDING


def test_with_htmx_a_perdiem_cut_comes_back_as_its_row(client, under_review):
    settlement = under_review()
    row = next(r for r in perdiem_review(settlement) if r.reviewable)
    response = client.post(
        perdiem_url(settlement),
        {
            "date": f"{row.date:%Y-%m-%d}",
            "concept": row.concept,
            "decision": "cut",
            "accepted_usd": "5.00",
            "reason": "Desayuno incluido",
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="perdiem-{row.date:%Y-%m-%d}-{row.concept}"')
    assert selected(html, "decision") == "cut" and 'value="5.00"' in html


# --- 3. accept all remaining ------------------------------------------------------------------


def test_accept_all_remaining_accepts_only_the_lines_not_yet_decided(client, under_review):
    settlement = under_review(
        [receipt_fields(), receipt_fields(number="F001-78"), receipt_fields(number="F001-79")]
    )
    cut, rejected, pending = settlement.receipts.order_by("pk")
    client.post(review_url(cut), {"decision": "cut", "accepted_usd": "20.00", "reason": "Tope"})
    client.post(review_url(rejected), {"decision": "rejected", "reason": "Sin sustento"})
    assert "Aceptar la línea aún no decidida" in page(client, settlement)

    response = client.post(reverse("settlements:action", args=[settlement.pk, "accept_remaining"]))

    assert response.status_code == 302
    decisions = {r.pk: (r.decision, r.accepted_usd) for r in settlement.receipts.all()}
    assert decisions[cut.pk] == ("cut", D("20.00"))
    assert decisions[rejected.pk] == ("rejected", D("0.00"))
    assert decisions[pending.pk][0] == "accepted"
    assert "accept_remaining" not in page(client, settlement)  # nothing left to accept


def test_accept_all_remaining_is_the_general_accountants(
    client, under_review, accounting_assistant
):
    settlement = under_review()
    client.logout()
    assert client.login(username=accounting_assistant.username, password=PASSWORD)
    client.post(reverse("settlements:action", args=[settlement.pk, "accept_remaining"]))
    assert not settlement.receipts.exclude(decision="pending").exists()


# --- 4. keyboard ------------------------------------------------------------------------------


def test_lines_are_focusable_targets_of_the_local_keyboard_script(client, under_review):
    settlement = under_review()
    html = page(client, settlement)
    assert "settlements/review-keys.js" in html and "<script>" not in html
    assert html.count("data-review-line") == settlement.receipts.count() + len(
        perdiem_review(settlement)
    )
