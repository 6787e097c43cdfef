"""The accountant's line decisions and the checks that depend on other lines or on a later
exception: R-2h (an exception approved after the line was decided) and R-2b (the phone cap is
shared by the receipts that are accepted)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from settlements import services
from settlements.models import Receipt, Settlement
from settlements.rules import (
    PHONE_CAP_USD,
    Category,
    MissionFacts,
    ReceiptFacts,
    evaluate_receipts,
)
from settlements.selectors import settlement_summary
from tests.settlements.conftest import pdf_upload, receipt_fields
from viaticos.errors import DomainError

D = Decimal
S = Settlement.Status
pytestmark = pytest.mark.django_db


def received(submitted, accounting_assistant, receipts):
    settlement = submitted(receipts=receipts)
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    return settlement


def laundry():
    return receipt_fields(category="laundry", exception_reason="Evento de 10 días")


# --- R-2h -------------------------------------------------------------------------------------


def test_r_2h_exception_approved_after_the_review_sends_the_line_back_to_the_accountant(
    submitted, accounting_assistant, accountant, finance_director
):
    settlement = received(submitted, accounting_assistant, [laundry()])
    receipt = settlement.receipts.get()
    services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)

    services.receipt_exception_approve(actor=finance_director, receipt=receipt)

    receipt.refresh_from_db()
    settlement.refresh_from_db()
    assert receipt.decision == Receipt.Decision.PENDING and receipt.accepted_usd is None
    assert settlement.status == S.RECEIVED  # the review is open again for that line
    assert settlement_summary(settlement).lines[0].accepted_usd == D("35.00")
    with pytest.raises(DomainError):
        services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date.today())
    services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date(2026, 3, 10))
    settlement.refresh_from_db()
    assert settlement.terminal_accepted == D("35.00")
    assert settlement.balance == D("15.00")  # 450 − (400 + 35)


def test_r_2h_exception_approved_after_a_rejection_is_decided_again(
    submitted, accounting_assistant, accountant, finance_director
):
    settlement = received(submitted, accounting_assistant, [laundry(), receipt_fields()])
    laundry_line, taxi = settlement.receipts.order_by("category")
    services.receipt_review(
        actor=accountant, receipt=laundry_line, decision="rejected", reason="No elegible"
    )
    services.receipt_review(actor=accountant, receipt=taxi, decision="accepted")

    services.receipt_exception_approve(actor=finance_director, receipt=laundry_line)

    laundry_line.refresh_from_db()
    taxi.refresh_from_db()
    assert laundry_line.decision == Receipt.Decision.PENDING and laundry_line.decision_reason == ""
    assert taxi.decision == Receipt.Decision.ACCEPTED  # the other lines keep their decision
    assert settlement_summary(settlement).terminal_accepted == D("70.00")


def test_r_2h_an_exception_is_approved_only_once(
    submitted, accounting_assistant, accountant, finance_director
):
    settlement = received(submitted, accounting_assistant, [laundry()])
    receipt = settlement.receipts.get()
    services.receipt_exception_approve(actor=finance_director, receipt=receipt)
    services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")

    with pytest.raises(DomainError) as refused:
        services.receipt_exception_approve(actor=finance_director, receipt=receipt)

    assert refused.value.code == "exception_already_approved"
    receipt.refresh_from_db()
    assert receipt.decision == Receipt.Decision.ACCEPTED and receipt.accepted_usd == D("35.00")


def test_r_2h_review_page_approval_after_the_review_reopens_it_for_the_accountant(
    client, submitted, accounting_assistant, accountant, finance_director
):
    settlement = received(submitted, accounting_assistant, [laundry()])
    receipt = settlement.receipts.get()
    services.receipt_review(actor=accountant, receipt=receipt, decision="rejected", reason="No")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    review = reverse("settlements:review", args=[settlement.pk])
    approve = reverse("settlements:receipt_action", args=[receipt.pk, "approve_exception"])

    client.force_login(finance_director)
    page = client.get(review, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="{approve}"' in page
    assert "decide this line again" in page
    client.post(approve)

    page = client.get(review).content.decode()
    assert f'action="{approve}"' not in page  # approved: no second button
    client.force_login(accountant)
    page = client.get(review).content.decode()
    assert reverse("settlements:receipt_action", args=[receipt.pk, "review"]) in page
    assert reverse("settlements:action", args=[settlement.pk, "settle"]) not in page


# --- R-2b -------------------------------------------------------------------------------------


def phone(amount, day):
    return receipt_fields(
        category="phone", amount=D(amount), date=dt.date(2026, 3, day), call_detail=pdf_upload()
    )


def test_r_2b_phone_cap_counts_only_the_phone_receipts_that_are_accepted(
    submitted, accounting_assistant, accountant
):
    settlement = received(submitted, accounting_assistant, [phone("15.00", 3), phone("10.00", 4)])
    first, second = settlement.receipts.order_by("date")
    services.receipt_review(actor=accountant, receipt=first, decision="rejected", reason="Personal")

    services.receipt_review(actor=accountant, receipt=second, decision="accepted")

    second.refresh_from_db()
    summary = settlement_summary(settlement)
    assert [line.accepted_usd for line in summary.lines] == [D("0.00"), D("10.00")]
    assert second.accepted_usd == D("10.00")
    assert summary.terminal_accepted == D("10.00")


def test_r_2b_phone_cap_follows_a_rejection_decided_after_the_later_receipt(
    submitted, accounting_assistant, accountant
):
    settlement = received(submitted, accounting_assistant, [phone("15.00", 3), phone("10.00", 4)])
    first, second = settlement.receipts.order_by("date")
    services.receipt_review(actor=accountant, receipt=second, decision="accepted")
    second.refresh_from_db()
    assert second.accepted_usd == D("5.00")  # the first one still takes 15.00 of the 20.00

    services.receipt_review(actor=accountant, receipt=first, decision="rejected", reason="Personal")

    second.refresh_from_db()
    assert second.accepted_usd == D("10.00")
    assert settlement_summary(settlement).terminal_accepted == D("10.00")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date(2026, 3, 10))
    settlement.refresh_from_db()
    assert settlement.terminal_accepted == D("10.00")


def test_r_2b_a_cut_phone_receipt_leaves_the_rest_of_the_cap_to_the_next_one(
    submitted, accounting_assistant, accountant
):
    settlement = received(submitted, accounting_assistant, [phone("15.00", 3), phone("10.00", 4)])
    first, second = settlement.receipts.order_by("date")
    services.receipt_review(
        actor=accountant, receipt=first, decision="cut", accepted_usd=D("12.00"), reason="Parcial"
    )
    services.receipt_review(actor=accountant, receipt=second, decision="accepted")

    summary = settlement_summary(settlement)
    assert [line.accepted_usd for line in summary.lines] == [D("12.00"), D("8.00")]


MISSION = MissionFacts("Org", "20512345678", dt.date(2026, 3, 2), dt.date(2026, 3, 5))
PHONE = {
    "receipt_type": "invoice",
    "category": Category.PHONE,
    "customer_name": "Org",
    "customer_tax_id": "20512345678",
    "has_call_detail": True,
}


def test_r_2b_phone_cap_rule_uses_what_the_accountant_decided():
    mission, base = MISSION, PHONE
    rejected = ReceiptFacts(
        **base, date=dt.date(2026, 3, 3), amount=D("15"), amount_usd=D("15"), decided_usd=D("0")
    )
    pending = ReceiptFacts(**base, date=dt.date(2026, 3, 4), amount=D("10"), amount_usd=D("10"))

    first, second = evaluate_receipts([rejected, pending], mission)

    assert first.accepted_usd == D("15.00")  # what the checks allow; the decision makes it 0
    assert second.accepted_usd == D("10.00") and second.findings == ()


@given(
    st.lists(
        st.tuples(st.decimals(min_value=D("0.01"), max_value=D("50"), places=2), st.booleans()),
        max_size=6,
    )
)
def test_r_2b_phone_cap_is_shared_by_the_receipts_not_rejected(lines):
    facts = [
        ReceiptFacts(
            **PHONE,
            date=dt.date(2026, 3, 2 + i % 4),
            amount=amount,
            amount_usd=amount,
            decided_usd=D("0.00") if rejected else None,
        )
        for i, (amount, rejected) in enumerate(lines)
    ]
    verdicts = evaluate_receipts(facts, MISSION)
    counted = sum(
        (v.accepted_usd for v, (_, rejected) in zip(verdicts, lines, strict=True) if not rejected),
        D("0.00"),
    )
    kept = sum((amount for amount, rejected in lines if not rejected), D("0.00"))
    assert counted == min(PHONE_CAP_USD, kept)
