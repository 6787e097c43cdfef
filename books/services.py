"""Every write on the books (SPEC §2.5): the entry of each money event, and reversals.

The services where money moves (missions: advance paid, advance returned; settlements:
settlement accepted, balance returned or reimbursed, deduction exported) each make one
call, `missions.hooks.money_event(kind, ...)`, inside their transaction; it lands in
`post_money_event`. An event is posted once (`event_key`), so a retried service never
posts twice. Entries are never changed: `entry_reverse` posts the opposite entry."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from books import posting
from books.accounts import VIATICOS, Chart
from books.errors import BooksError
from books.models import JournalEntry, JournalLine
from viaticos.errors import CommonError, DomainError, NotAllowed, require_reason
from viaticos.money import round_money
from viaticos.roles import Role, has_role

K = JournalEntry.Kind
ZERO = Decimal("0.00")


def _post(
    *,
    key: str,
    kind: str,
    date: dt.date,
    description: str,
    postings: list[posting.Posting],
    mission,
    actor=None,
    **documents,
) -> JournalEntry | None:
    """Write one balanced entry with the mission's dimensions on every line (or nothing when
    the event moved no money, or was posted already)."""
    if not postings or JournalEntry.objects.filter(event_key=key).exists():
        return None
    if not posting.balances(postings):  # the rules above never do this; a guard, not a branch
        raise AssertionError(f"unbalanced entry {key}")
    entry = JournalEntry.objects.create(
        event_key=key,
        kind=kind,
        date=date,
        description=description[:300],
        traveler_id=mission.traveler_id,
        mission=mission,
        created_by=actor if getattr(actor, "pk", None) else None,
        **documents,
    )
    chart = Chart()
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            account=chart.account(p.purpose, p.category, mission.project_id),
            debit=p.debit,
            credit=p.credit,
            purpose=p.purpose,
            category=p.category,
            project_id=mission.project_id,
            budget_line_id=mission.line_id,
            traveler_id=mission.traveler_id,
        )
        for p in postings
    )
    return entry


def _by_category(settlement, summary) -> dict[str, Decimal]:
    """Viáticos recognized and terminal expenses accepted, by category; the terminal total is
    the settlement's (a rounding cent goes to its largest category)."""
    terminal: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in summary.lines if summary is not None else []:
        terminal[line.receipt.category] += line.accepted_usd
    terminal = {k: round_money(v) for k, v in terminal.items() if v > 0}
    difference = round_money(settlement.terminal_accepted) - sum(terminal.values(), ZERO)
    if difference:
        largest = max(terminal, key=lambda k: terminal[k]) if terminal else "other"
        terminal[largest] = terminal.get(largest, ZERO) + difference
    return {VIATICOS: settlement.viaticos_recognized, **terminal}


def post_money_event(*, kind: str, actor=None, **objects) -> None:
    """SPEC §2.5: the journal entry of one money event (see missions.hooks.money_event)."""
    with translation.override("es"):
        _post_event(kind, actor, objects)


def _post_event(kind: str, actor, objects: dict) -> None:
    if kind == "advance_paid":
        advance = objects["advance"]
        _post(
            key=f"advance_paid:{advance.pk}",
            kind=K.ADVANCE_PAID,
            date=advance.disbursed_on,
            description=_("Advance %(advance)s paid, mission %(mission)s")
            % {"advance": advance.code, "mission": advance.mission.code},
            postings=posting.advance_paid(advance.amount),
            mission=advance.mission,
            actor=actor,
            advance=advance,
        )
    elif kind == "money_returned" and "advance" in objects:
        advance = objects["advance"]
        _post(
            key=f"advance_returned:{advance.pk}",
            kind=K.MONEY_RETURNED,
            date=advance.returned_on,
            description=_("Advance %(advance)s returned (R-4), mission %(mission)s")
            % {"advance": advance.code, "mission": advance.mission.code},
            postings=posting.money_returned(advance.return_due_amount or advance.amount),
            mission=advance.mission,
            actor=actor,
            advance=advance,
        )
    elif kind == "recognized":
        settlement = objects["settlement"]
        _post(
            key=f"recognized:{settlement.pk}",
            kind=K.RECOGNIZED,
            date=objects["on"],
            description=_("Settlement %(settlement)s accepted, mission %(mission)s")
            % {"settlement": settlement.code, "mission": settlement.mission.code},
            postings=posting.recognized(_by_category(settlement, objects.get("summary"))),
            mission=settlement.mission,
            actor=actor,
            settlement=settlement,
            advance_id=settlement.advance_id,
        )
    elif kind in ("money_returned", "reimbursement_paid"):
        settlement, amount = objects["settlement"], objects["amount"]
        entry_kind = K.MONEY_RETURNED if kind == "money_returned" else K.REIMBURSEMENT_PAID
        count = JournalEntry.objects.filter(settlement=settlement, kind=entry_kind).count()
        rule = posting.money_returned if kind == "money_returned" else posting.reimbursement_paid
        text = (
            _("Balance of settlement %(settlement)s returned by the traveler")
            if kind == "money_returned"
            else _("Balance of settlement %(settlement)s reimbursed to the traveler")
        )
        _post(
            key=f"{kind}:{settlement.pk}:{count + 1}",
            kind=entry_kind,
            date=objects["on"],
            description=text % {"settlement": settlement.code},
            postings=rule(amount),
            mission=settlement.mission,
            actor=actor,
            settlement=settlement,
            advance_id=settlement.advance_id,
        )
    elif kind == "deduction_recovered":
        for order in objects["orders"]:
            mission = order.advance.mission
            _post(
                key=f"deduction:{order.pk}",
                kind=K.DEDUCTION_RECOVERED,
                date=timezone.localdate(order.exported_at) if order.exported_at else objects["on"],
                description=_("Payroll deduction %(order)s, advance %(advance)s")
                % {"order": order.code, "advance": order.advance.code},
                postings=posting.deduction_recovered(order.amount),
                mission=mission,
                actor=actor,
                deduction_order=order,
                advance_id=order.advance_id,
            )
    else:
        raise ValueError(f"unknown money event {kind!r}")


def may_reverse(user) -> bool:
    return has_role(user, Role.GENERAL_ACCOUNTANT)


@transaction.atomic
def entry_reverse(*, actor, entry: JournalEntry, reason: str, on: dt.date) -> JournalEntry:
    """SPEC §2.5: a correction is the opposite entry (debits and credits swapped, same accounts
    and dimensions), dated `on`, linked to the entry it reverses; the entry itself stays."""
    if not may_reverse(actor):
        raise NotAllowed(
            CommonError.NOT_ALLOWED, _("Only the General Accountant posts a reversing entry.")
        )
    reason = require_reason(reason)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind == K.REVERSAL:
        raise DomainError(
            BooksError.REVERSAL_OF_REVERSAL, _("A reversing entry is not reversed again.")
        )
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise DomainError(BooksError.ALREADY_REVERSED, _("This entry was already reversed."))
    reversal = JournalEntry.objects.create(
        event_key=f"reversal:{entry.pk}",
        kind=K.REVERSAL,
        date=on,
        description=(_("Reversal of %(entry)s") % {"entry": entry.number})[:300],
        traveler_id=entry.traveler_id,
        mission_id=entry.mission_id,
        advance_id=entry.advance_id,
        settlement_id=entry.settlement_id,
        deduction_order_id=entry.deduction_order_id,
        reverses=entry,
        reason=reason,
        created_by=actor,
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=reversal,
            account_id=line.account_id,
            debit=line.credit,
            credit=line.debit,
            purpose=line.purpose,
            category=line.category,
            project_id=line.project_id,
            budget_line_id=line.budget_line_id,
            traveler_id=line.traveler_id,
        )
        for line in entry.lines.all()
    )
    return reversal
