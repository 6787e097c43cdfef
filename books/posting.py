"""What each money event posts (SPEC §2.5), as plain values: no ORM, so that the rules can be
read and property-tested on their own. Amounts in USD, each line on one side.

    advance paid          Dr staff advances          Cr bank
    recognized            Dr expense (by category)   Cr staff advances
    money returned        Dr bank                    Cr staff advances
    reimbursement paid    Dr staff advances          Cr bank
    deduction recovered   Dr payroll payable         Cr staff advances

So the staff-advances balance of a traveler (debits − credits) is, event by event, the
ledger's `owed = disbursed − recovered − returned + reimbursed − (viáticos + terminal)`
(settlements.rules.owed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from viaticos.money import round_money

ZERO = Decimal("0.00")
BANK, STAFF, PAYROLL, EXPENSE = "bank", "staff_advances", "payroll", "expense"


@dataclass(frozen=True)
class Posting:
    purpose: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    category: str = ""


def _pair(debit_purpose: str, credit_purpose: str, amount: Decimal) -> list[Posting]:
    amount = round_money(amount)
    if amount <= 0:
        return []
    return [Posting(debit_purpose, debit=amount), Posting(credit_purpose, credit=amount)]


def advance_paid(amount: Decimal) -> list[Posting]:
    return _pair(STAFF, BANK, amount)


def money_returned(amount: Decimal) -> list[Posting]:
    return _pair(BANK, STAFF, amount)


def reimbursement_paid(amount: Decimal) -> list[Posting]:
    return _pair(STAFF, BANK, amount)


def deduction_recovered(amount: Decimal) -> list[Posting]:
    return _pair(PAYROLL, STAFF, amount)


def recognized(by_category: Mapping[str, Decimal]) -> list[Posting]:
    """The expenses recognized at settlement, one debit per category ("viaticos" and each
    terminal-expense category), against one credit to staff advances."""
    debits = [
        Posting(EXPENSE, debit=round_money(amount), category=category)
        for category, amount in sorted(by_category.items())
        if round_money(amount) > 0
    ]
    total = sum((p.debit for p in debits), ZERO)
    return [*debits, Posting(STAFF, credit=total)] if total > 0 else []


def reversed_postings(postings: list[Posting]) -> list[Posting]:
    return [
        Posting(p.purpose, debit=p.credit, credit=p.debit, category=p.category) for p in postings
    ]


def balances(postings: list[Posting]) -> bool:
    return sum((p.debit for p in postings), ZERO) == sum((p.credit for p in postings), ZERO)


def staff_balance(postings: list[Posting]) -> Decimal:
    return sum((p.debit - p.credit for p in postings if p.purpose == STAFF), ZERO)
