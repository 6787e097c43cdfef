"""Receipt checks (R-3.12, R-2b, R-2h) and the balance (R-3.3): pure functions."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from settlements.rules import (
    PHONE_CAP_USD,
    BalanceDirection,
    Category,
    ExceptionApproval,
    MissionFacts,
    ReceiptFacts,
    ReceiptType,
    Severity,
    evaluate_receipts,
    settlement_balance,
    terminal_expenses_accepted,
)
from viaticos.business_days import BusinessCalendar

D = Decimal
ORG = "Secretaría Ejecutiva Regional"
RUC = "20512345678"
MISSION = MissionFacts(ORG, RUC, dt.date(2026, 3, 2), dt.date(2026, 3, 5))


def receipt(**overrides):
    values = {
        "receipt_type": ReceiptType.INVOICE,
        "category": Category.TAXI,
        "date": dt.date(2026, 3, 3),
        "amount": D("35.00"),
        "amount_usd": D("35.00"),
        "customer_name": ORG,
        "customer_tax_id": RUC,
    }
    values.update(overrides)
    return ReceiptFacts(**values)


def one(facts):
    return evaluate_receipts([facts], MISSION)[0]


def codes(verdict):
    return [f.code for f in verdict.findings]


def test_clean_receipt_is_accepted_in_full():
    verdict = one(receipt())
    assert verdict.findings == () and verdict.accepted_usd == D("35.00")
    assert verdict.status is None


def test_r_3_12_receipt_issued_to_another_tax_id_is_rejected():
    verdict = one(receipt(customer_tax_id="20999999999"))
    assert codes(verdict) == ["not_issued_to_organization_tax_id"]
    assert verdict.rejected and verdict.accepted_usd == D("0.00")
    assert verdict.findings[0].rule == "R-3.12"
    assert RUC in verdict.findings[0].message


def test_r_3_12_receipt_without_tax_id_is_rejected():
    assert codes(one(receipt(customer_tax_id=""))) == ["not_issued_to_organization_tax_id"]


def test_r_3_12_receipt_issued_to_another_name_is_rejected():
    verdict = one(receipt(customer_name="Juan Pérez"))
    assert codes(verdict) == ["not_issued_to_organization_name"]


def test_r_3_12_name_and_tax_id_compare_without_case_accents_or_punctuation():
    verdict = one(
        receipt(customer_name="SECRETARIA  EJECUTIVA, regional.", customer_tax_id="20-512345678")
    )
    assert verdict.findings == ()


def test_r_3_12_recibo_de_egresos_is_exempt():
    verdict = one(
        receipt(receipt_type=ReceiptType.RECIBO_EGRESOS, customer_name="", customer_tax_id="")
    )
    assert verdict.findings == () and verdict.accepted_usd == D("35.00")


def test_r_2b_phone_calls_without_call_detail_are_rejected():
    verdict = one(receipt(category=Category.PHONE, amount_usd=D("5.00"), amount=D("5.00")))
    assert codes(verdict) == ["phone_call_detail_missing"]
    assert verdict.findings[0].rule == "R-2b" and verdict.accepted_usd == D("0.00")


def test_r_2b_phone_calls_capped_at_twenty_dollars_per_mission():
    phone = {"category": Category.PHONE, "has_call_detail": True}
    verdicts = evaluate_receipts(
        [
            receipt(
                **phone, amount=D("12.00"), amount_usd=D("12.00"), date=dt.date(2026, 3, 3), key=1
            ),
            receipt(
                **phone, amount=D("15.00"), amount_usd=D("15.00"), date=dt.date(2026, 3, 4), key=2
            ),
            receipt(
                **phone, amount=D("4.00"), amount_usd=D("4.00"), date=dt.date(2026, 3, 5), key=3
            ),
            receipt(amount=D("30.00"), amount_usd=D("30.00"), key=4),
        ],
        MISSION,
    )
    assert [v.key for v in verdicts] == [1, 2, 3, 4]  # given order kept
    assert [v.accepted_usd for v in verdicts] == [D("12.00"), D("8.00"), D("0.00"), D("30.00")]
    assert verdicts[1].status == Severity.CUT and codes(verdicts[1]) == ["phone_cap_exceeded"]
    assert "20.00" in verdicts[1].findings[0].message
    assert terminal_expenses_accepted(verdicts) == D("50.00")


def test_r_2b_phone_cap_is_shared_in_date_order_not_entry_order():
    phone = {"category": Category.PHONE, "has_call_detail": True}
    later = receipt(**phone, amount_usd=D("18.00"), amount=D("18.00"), date=dt.date(2026, 3, 5))
    earlier = receipt(**phone, amount_usd=D("10.00"), amount=D("10.00"), date=dt.date(2026, 3, 2))
    late, early = evaluate_receipts([later, earlier], MISSION)
    assert (early.accepted_usd, late.accepted_usd) == (D("10.00"), D("10.00"))


@given(st.lists(st.decimals(min_value=D("0.01"), max_value=D("500"), places=2), max_size=8))
def test_r_2b_phone_total_never_exceeds_the_cap(amounts):
    facts = [
        receipt(category=Category.PHONE, has_call_detail=True, amount=a, amount_usd=a)
        for a in amounts
    ]
    accepted = terminal_expenses_accepted(evaluate_receipts(facts, MISSION))
    assert accepted == min(PHONE_CAP_USD, sum(amounts, D("0.00")))


@pytest.mark.parametrize("category", [Category.LAUNDRY, Category.MINIBAR, Category.ALCOHOL])
def test_r_2h_non_eligible_categories_are_rejected(category):
    verdict = one(receipt(category=category))
    assert codes(verdict) == ["non_eligible_category"] and verdict.accepted_usd == D("0.00")
    assert verdict.findings[0].rule == "R-2h"


@pytest.mark.parametrize("role", ["general_administrator", "finance_director"])
def test_r_2h_exception_approved_by_administrator_or_finance_director_is_accepted(role):
    verdict = one(receipt(category=Category.LAUNDRY, exception=ExceptionApproval(role, "Ana")))
    assert codes(verdict) == ["non_eligible_exception_approved"]
    assert verdict.status == Severity.NOTE and verdict.accepted_usd == D("35.00")


@pytest.mark.parametrize("role", ["project_coordinator", "general_accountant", "traveler"])
def test_r_2h_exception_by_any_other_role_does_not_count(role):
    verdict = one(receipt(category=Category.MINIBAR, exception=ExceptionApproval(role, "X")))
    assert codes(verdict) == ["non_eligible_category"]


@pytest.mark.parametrize("day", [dt.date(2026, 3, 1), dt.date(2026, 3, 6)])
def test_receipt_dated_outside_the_mission_needs_a_reason(day):
    verdict = one(receipt(date=day))
    assert codes(verdict) == ["date_outside_mission"]
    assert verdict.blocks_submission and verdict.accepted_usd == D("35.00")


def test_receipt_dated_outside_the_mission_with_a_reason_is_a_note():
    verdict = one(receipt(date=dt.date(2026, 3, 1), outside_dates_reason="Airport tax paid online"))
    assert codes(verdict) == ["date_outside_mission_explained"]
    assert not verdict.blocks_submission and verdict.status == Severity.NOTE


@pytest.mark.parametrize(
    ("amount", "code"), [(D("-5.00"), "negative_amount"), (D("0"), "zero_amount")]
)
def test_negative_or_zero_amount_is_refused(amount, code):
    verdict = one(receipt(amount=amount, amount_usd=amount))
    assert code in codes(verdict) and verdict.accepted_usd == D("0.00") and verdict.rejected


def test_several_problems_are_all_reported_on_the_line():
    verdict = one(receipt(category=Category.ALCOHOL, customer_tax_id="1", date=dt.date(2026, 4, 1)))
    assert set(codes(verdict)) == {
        "not_issued_to_organization_tax_id",
        "non_eligible_category",
        "date_outside_mission",
    }


# --- balance --------------------------------------------------------------------------

CALENDAR = BusinessCalendar("PE")


def test_r_3_3_balance_positive_traveler_returns_it():
    balance = settlement_balance(
        advance=D("500.00"), viaticos_recognized=D("400.00"), terminal_accepted=D("35.00")
    )
    assert balance.amount == D("65.00")
    assert balance.direction == BalanceDirection.TRAVELER_RETURNS
    assert (balance.to_return, balance.to_reimburse) == (D("65.00"), D("0.00"))
    assert balance.reimbursement_due is None


def test_r_3_3_balance_negative_organization_reimburses_within_five_business_days():
    balance = settlement_balance(
        advance=D("300.00"),
        viaticos_recognized=D("266.53"),
        terminal_accepted=D("50.00"),
        submitted_on=dt.date(2026, 3, 6),  # a Friday
        calendar=CALENDAR,
    )
    assert balance.amount == D("-16.53")
    assert balance.direction == BalanceDirection.ORGANIZATION_REIMBURSES
    assert balance.to_reimburse == D("16.53")
    assert balance.owed == D("16.53")  # shown beside the direction, without its sign
    assert balance.reimbursement_due == dt.date(2026, 3, 13)  # Mon–Fri of the next week


def test_r_3_3_reimbursement_due_date_skips_holidays_and_closure_days():
    calendar = BusinessCalendar("PE", closure_days=[dt.date(2026, 7, 27)])
    balance = settlement_balance(
        advance=D("0.00"),
        viaticos_recognized=D("100.00"),
        terminal_accepted=D("0.00"),
        submitted_on=dt.date(2026, 7, 24),  # Friday; 28–29 July are national holidays
        calendar=calendar,
    )
    # 27 (closure), 28, 29 (holidays) skipped: 30, 31 Jul, 3, 4, 5 Aug.
    assert balance.reimbursement_due == dt.date(2026, 8, 5)


def test_r_3_3_balance_even():
    balance = settlement_balance(
        advance=D("100.00"),
        viaticos_recognized=D("60.00"),
        terminal_accepted=D("40.00"),
        submitted_on=dt.date(2026, 3, 6),
        calendar=CALENDAR,
    )
    assert balance.direction == BalanceDirection.SETTLED_EVEN and balance.reimbursement_due is None


def test_r_3_3_balance_refuses_floats_and_negative_inputs():
    with pytest.raises(TypeError):
        settlement_balance(advance=100.0, viaticos_recognized=D("1"), terminal_accepted=D("1"))
    with pytest.raises(ValueError):
        settlement_balance(advance=D("-1"), viaticos_recognized=D("1"), terminal_accepted=D("1"))


money = st.decimals(min_value=D("0"), max_value=D("100000"), places=2)


@given(money, money, money)
def test_r_3_3_balance_is_advance_minus_spent_and_exactly_one_side_pays(
    advance, viaticos, terminal
):
    balance = settlement_balance(
        advance=advance, viaticos_recognized=viaticos, terminal_accepted=terminal
    )
    assert balance.amount == advance - (viaticos + terminal)
    assert balance.to_return - balance.to_reimburse == balance.amount
    assert min(balance.to_return, balance.to_reimburse) == D("0.00")
