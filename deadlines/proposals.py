"""Sanctions decided by a person (SPEC §5.2 R-A1 "tratamiento objetivo", §4 R-8b, R-3.13).

The daily job (settlements.deadlines) only PROPOSES the sanctions with effects on pay or on an
entity: a payroll deduction order (R-8b) and the entity blocks (R-3.13). The traveler is told
(an e-mail through the outbox, and *Mis plazos*) and can answer in the app; the General
Accountant then applies or dismisses each proposal, the traveler's answer on record. Only an
applied deduction's order reaches the payroll export, and only an exported order counts as
money recovered in the ledger (settlements.ledger).

The traveler has `VIATICOS_SANCTION_ANSWER_BUSINESS_DAYS` (default 3) business days after the
proposal to answer; a proposal of the job is applied only once they answered or that time has
passed, so nobody is sanctioned before they could be heard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deadlines.errors import DeadlinesError
from deadlines.models import PayrollDeductionOrder, Sanction
from viaticos import outbox
from viaticos.business_days import duty_calendar
from viaticos.errors import CommonError, DomainError, NotAllowed, require_reason
from viaticos.links import site_link
from viaticos.money import round_money
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces
from viaticos.services import lock, save

ST = Sanction.State
OS = PayrollDeductionOrder.State
NOTICE_KIND = "settlements.sanction_proposal"
ANSWER_MAX_LENGTH = 4000
# A settlement in Accounting's hands: an order applied now waits, stopped (R-8b, SPEC §4).
RECEIVED = frozenset({"received", "reviewed"})


def answer_days() -> int:
    days = int(getattr(settings, "VIATICOS_SANCTION_ANSWER_BUSINESS_DAYS", 3))
    if days < 0:
        raise ValueError("VIATICOS_SANCTION_ANSWER_BUSINESS_DAYS cannot be negative")
    return days


def answer_by(sanction: Sanction, calendar=None) -> dt.date:
    """The last day the traveler can answer before a proposal of the job may be applied."""
    return (calendar or duty_calendar()).add_business_days(sanction.proposed_on, answer_days())


def proposed_by_job(sanction: Sanction) -> bool:
    return sanction.proposed_by_id is None


@enforces("R-A1")
def check_heard(sanction: Sanction, *, today: dt.date) -> None:
    """R-A1: a proposal of the daily job is applied only after the traveler answered, or once
    the time to answer has passed."""
    if not proposed_by_job(sanction) or sanction.answered_at is not None:
        return
    until = answer_by(sanction)
    if today <= until:
        raise DomainError(
            DeadlinesError.TRAVELER_NOT_HEARD,
            _(
                "The traveler can answer this proposal until %(date)s: apply it once they have "
                "answered or after that date (R-A1)."
            )
            % {"date": until.strftime("%d/%m/%Y")},
        )


@enforces("R-8b", "R-A1")
def release_order(
    sanction: Sanction, *, actor, today: dt.date, amount: Decimal | None = None
) -> PayrollDeductionOrder | None:
    """A payroll deduction just applied: its proposed order goes to payroll, for what the
    ledger says is owed now (or the smaller amount the General Accountant gives), issued
    today so that it reaches this month's export. If Accounting has the settlement, the
    order waits stopped (R-8b)."""
    from settlements import ledger

    if sanction.kind != Sanction.Kind.PAYROLL_DEDUCTION:
        return None
    order = (
        PayrollDeductionOrder.objects.select_for_update(of=("self",))
        .select_related("advance__settlement")
        .filter(sanction=sanction, state=OS.PROPOSED)
        .first()
    )
    if order is None:
        return None
    owed = ledger.position_of(order.advance, today=today).owed
    if owed <= 0:
        raise DomainError(
            DeadlinesError.NOTHING_OWED,
            _("The advance %(code)s owes nothing now: dismiss the proposal instead.")
            % {"code": order.advance.code},
        )
    if amount is not None:
        amount = round_money(Decimal(amount))
        if amount <= 0 or amount > owed:
            raise DomainError(
                DeadlinesError.INVALID_AMOUNT,
                _("The amount to deduct must be more than 0 and at most %(owed)s USD.")
                % {"owed": owed},
                field="amount",
            )
    order.amount = amount if amount is not None else owed
    order.issued_on = today
    settlement = getattr(order.advance, "settlement", None)
    if settlement is not None and settlement.status in RECEIVED:
        order.state, order.stopped_on = OS.STOPPED, today
    else:
        order.state = OS.PENDING
    order.save(update_fields=["amount", "issued_on", "state", "stopped_on"])
    return order


def _decider(actor, sanction: Sanction) -> None:
    if not has_role(actor, Role.GENERAL_ACCOUNTANT):
        raise NotAllowed(
            CommonError.NOT_ALLOWED, _("Only the General Accountant decides on sanctions.")
        )
    if actor.pk == sanction.person_id:
        raise DomainError(
            DeadlinesError.OWN_SANCTION,
            _("Nobody decides on a sanction on themselves (segregation of duties)."),
        )


def _proposed(sanction: Sanction) -> None:
    if sanction.state != ST.PROPOSED:
        raise DomainError(
            CommonError.WRONG_STATE,
            _("%(code)s is “%(state)s”: it is no longer a proposal.")
            % {"code": sanction.code, "state": sanction.get_state_display()},
        )


@enforces("R-A1")
@transaction.atomic
def sanction_answer(*, actor, sanction: Sanction, text: str, now: dt.datetime | None = None):
    """The traveler answers a proposed sanction (tratamiento objetivo, R-A1): their reasons
    are on record for the General Accountant's decision. They can answer again (the latest
    answer counts) until the proposal is decided."""
    sanction = lock(sanction)
    if actor.pk != sanction.person_id:
        raise NotAllowed(
            CommonError.NOT_ALLOWED, _("Only the person concerned answers a proposal.")
        )
    _proposed(sanction)
    text = require_reason(text, field="answer", message=_("Write your answer to the proposal."))
    if len(text) > ANSWER_MAX_LENGTH:
        raise DomainError(
            DeadlinesError.ANSWER_TOO_LONG,
            _("Keep the answer under %(n)s characters.") % {"n": ANSWER_MAX_LENGTH},
            field="answer",
        )
    sanction.answer, sanction.answered_at = text, now or timezone.now()
    save(sanction, actor=actor, reason="answered by the traveler", fields=["answer", "answered_at"])
    return sanction


@enforces("R-A1")
@transaction.atomic
def sanction_dismiss(*, actor, sanction: Sanction, reason: str, today: dt.date) -> Sanction:
    """The General Accountant dismisses a proposal, with the reason and the traveler's answer
    on record; its deduction order never reaches payroll."""
    sanction = lock(sanction)
    _decider(actor, sanction)
    _proposed(sanction)
    reason = require_reason(reason)
    sanction.state, sanction.dismissed_on, sanction.dismissed_by = ST.DISMISSED, today, actor
    sanction.decision_note = reason
    save(
        sanction,
        actor=actor,
        reason="dismissed",
        fields=["state", "dismissed_on", "dismissed_by", "decision_note"],
    )
    PayrollDeductionOrder.objects.filter(
        sanction=sanction, state__in=PayrollDeductionOrder.NOT_EXPORTED
    ).update(state=OS.CANCELLED, cancelled_on=today)
    return sanction


# --- telling the traveler ----------------------------------------------------------------------


def _notice(sanction: Sanction, calendar) -> EmailMessage | None:
    person = sanction.person
    if not person.email:
        return None
    until = answer_by(sanction, calendar)
    subject = _("Proposed sanction %(code)s: you can answer until %(date)s") % {
        "code": sanction.code,
        "date": until.strftime("%d/%m/%Y"),
    }
    what = Sanction.Kind(sanction.kind).label
    if sanction.amount:
        what = f"{what}: {sanction.amount} USD"
    body = "\n\n".join(
        [
            _("The daily deadline check proposes a sanction on you (%(rule)s): %(what)s.")
            % {"rule": sanction.rule, "what": what},
            _("Grounds: %(reason)s") % {"reason": sanction.reason},
            _(
                "Nothing is applied yet: the General Accountant decides, with your answer on "
                "record. You can answer in Viáticos until %(date)s (your right to objective "
                "processing). Settling or returning the money also ends it."
            )
            % {"date": until.strftime("%d/%m/%Y")},
            _("Answer: %(link)s") % {"link": site_link("deadlines:sanction", sanction.pk)},
        ]
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def queue_notices(sanctions: Iterable[Sanction], *, calendar=None) -> None:
    """E-mail each proposal to its traveler, through the outbox, in the job's transaction
    (one insert, whatever their number)."""
    sanctions = [s for s in sanctions if s.state == ST.PROPOSED and s.pk]
    if not sanctions:
        return
    calendar = calendar or duty_calendar()
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for sanction in sanctions:
            message = _notice(sanction, calendar)
            if message:
                messages.append(
                    {**outbox.email_fields(message), "kind": NOTICE_KIND, "ref": str(sanction.pk)}
                )
    outbox.enqueue_many(messages)


def page_context(sanction: Sanction, *, user) -> dict:
    """What the sanction page adds for a proposal: until when the traveler can answer, whether
    this user answers or decides, and the deduction order it proposes."""
    proposed = sanction.state == ST.PROPOSED
    orders = (
        list(PayrollDeductionOrder.objects.filter(sanction=sanction).order_by("pk"))
        if sanction.kind == Sanction.Kind.PAYROLL_DEDUCTION
        else []
    )
    return {
        "proposal": proposed,
        "answer_by": answer_by(sanction) if proposed and proposed_by_job(sanction) else None,
        "can_answer": proposed and user.pk == sanction.person_id,
        "order": orders[-1] if orders else None,
        "orders": orders,
        # R-8b: a further order once every earlier one reached payroll (deduction_orders).
        "can_order_next": sanction.state == ST.APPLIED
        and bool(orders)
        and all(o.state in (OS.EXPORTED, OS.CANCELLED) for o in orders),
    }
