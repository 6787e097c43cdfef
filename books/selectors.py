"""Reads of the books (SPEC §2.5): the journal of a period, its trial balance, a traveler's
staff-advances balance, and who may read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from books.errors import BooksError
from books.models import JournalEntry, JournalLine, Purpose
from viaticos.errors import DomainError
from viaticos.money import round_money
from viaticos.roles import Role, has_role

ZERO = Decimal("0.00")
READERS = (
    Role.GENERAL_ACCOUNTANT,
    Role.ACCOUNTING_ASSISTANT,
    Role.FINANCE_DIRECTOR,
    Role.AUDITOR,
)


def reads_books(user) -> bool:
    return has_role(user, *READERS)


def parse_period(value: str | None, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """`YYYY-MM` → (first day, last day); empty: the current month."""
    if not value:
        start = today.replace(day=1)
    else:
        try:
            if len(value) != 7:
                raise ValueError
            start = dt.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise DomainError(
                BooksError.INVALID_PERIOD, _("The period is a month, YYYY-MM."), field="period"
            ) from None
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def journal(start: dt.date, end: dt.date) -> QuerySet[JournalEntry]:
    """The entries dated in [start, end] with their lines and documents (three queries)."""
    lines = JournalLine.objects.select_related(
        "account", "project", "budget_line", "traveler"
    ).order_by("pk")
    return (
        JournalEntry.objects.filter(date__range=(start, end))
        .select_related(
            "mission", "advance", "settlement", "deduction_order", "traveler", "reverses"
        )
        .prefetch_related(Prefetch("lines", queryset=lines), "reversed_by")
        .order_by("date", "pk")
    )


@dataclass(frozen=True)
class Document:
    label: str
    url: str


def document_of(entry: JournalEntry) -> Document:
    """The document behind an entry: the settlement, the advance (on its mission's page), or
    the payroll deduction order (on its mission's page)."""
    settlement = entry.settlement if entry.settlement_id else None
    if settlement is not None:
        url = reverse("settlements:detail", args=[entry.settlement_id])
        return Document(settlement.code, url)
    mission = entry.mission if entry.mission_id else None
    url = mission.get_absolute_url() if mission is not None else ""
    order = entry.deduction_order if entry.deduction_order_id else None
    if order is not None:
        return Document(order.code, url)
    advance = entry.advance if entry.advance_id else None
    if advance is not None:
        return Document(advance.code, url)
    return Document(mission.code if mission is not None else "", url)


@dataclass(frozen=True)
class TrialRow:
    code: str
    name: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


def trial_balance(start: dt.date, end: dt.date) -> list[TrialRow]:
    """Debits and credits of the period by account (one query)."""
    rows = (
        JournalLine.objects.filter(entry__date__range=(start, end))
        .values("account__code", "account__name")
        # A sum named like its field, after values(): valid Django, refused by the stubs' plugin.
        .annotate(debit=Sum("debit"), credit=Sum("credit"))  # type: ignore[no-redef]
        .order_by("account__code")
    )
    return [
        TrialRow(
            r["account__code"],
            r["account__name"],
            round_money(Decimal(r["debit"] or 0)),
            round_money(Decimal(r["credit"] or 0)),
        )
        for r in rows
    ]


def staff_balances(until: dt.date | None = None) -> dict[int, Decimal]:
    """{traveler id: debits − credits on staff advances}: what each traveler owes (> 0) or is
    owed (< 0) according to the journal."""
    qs = JournalLine.objects.filter(purpose=Purpose.STAFF_ADVANCES)
    if until:
        qs = qs.filter(entry__date__lte=until)
    return {
        row["traveler_id"]: round_money(Decimal(row["debit"] or 0) - Decimal(row["credit"] or 0))
        for row in qs.values("traveler_id").annotate(  # type: ignore[no-redef]  # as above
            debit=Sum("debit"), credit=Sum("credit")
        )
    }
