"""Settlement deadlines (R-3.3), the documentation requirement (R-3.4) and the payroll
deduction (R-8b, R-3.13): pure date rules first, then the daily sweep `enforce_deadlines`.

The sweep is set-based: it reads the advances pending settlement in batches (one query per
batch, whatever the number of rows), decides in Python with the calendar loaded once, and
writes with bulk_create. Unique constraints (one reminder of each kind, one requirement, one
sanction of each late-settlement kind and one deduction order per advance) plus the
"already there → skip" reads make a second run on the same date write nothing. Each batch is
its own transaction and locks its advances, so an interrupted run is completed by re-running
it, and two concurrent runs do not duplicate anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from deadlines import deduction_orders
from deadlines.models import (
    DeadlineReminder,
    DocumentationRequirement,
    PayrollDeductionOrder,
    Sanction,
)

# The pure rules, re-exported for the callers that read them through this module.
from deadlines.rules import (  # noqa: F401
    AGE_BUCKETS,
    REMINDER_SOON_BUSINESS_DAYS,
    REQUIREMENT_ISSUE_BUSINESS_DAYS,
    SETTLEMENT_DEADLINE_BUSINESS_DAYS,
    Countdown,
    advance_due_date,
    age_bucket,
    business_days_left,
    business_days_left_many,
    deadline_counted_from,
    deduction_grace_end,
    local_date,
    reminder_kind,
    requirement_issue_by,
    settlement_due_date,
)
from missions.models import Advance
from settlements.models import Settlement
from viaticos.business_days import BusinessCalendar, duty_calendar
from viaticos.models import TravelerProfile
from viaticos.people import display_name
from viaticos.rules_registry import enforces

DEFAULT_BATCH_SIZE = 1000


def due_date_of(calendar: BusinessCalendar, advance: Advance) -> dt.date:
    """advance_due_date of a loaded advance (its mission's return time and its payment date)."""
    return advance_due_date(
        calendar,
        return_date=local_date(advance.mission.return_at),
        disbursed_on=advance.disbursed_on,
    )


# A settlement in Accounting's hands (submitted, received, reviewed) or done with (settled,
# closed). A draft, or one returned to the traveler for corrections, is not submitted: its
# advance stays under the deadline rules (R-3.4, R-8b), with the due date still counted from
# the return of the trip (R-3.3; being returned does not restart it).
SUBMITTED_SETTLEMENT_STATUSES = frozenset(
    {
        Settlement.Status.SUBMITTED,
        Settlement.Status.RECEIVED,
        Settlement.Status.REVIEWED,
        Settlement.Status.SETTLED,
        Settlement.Status.CLOSED,
    }
)


def settlement_is_submitted(settlement: Settlement | None) -> bool:
    """Whether the traveler's settlement is with Accounting now (SUBMITTED_SETTLEMENT_STATUSES):
    the "submitted" of the job, the dashboard, "Mis plazos" and the deadlines API."""
    return settlement is not None and settlement.status in SUBMITTED_SETTLEMENT_STATUSES


def settlement_submitted_q(prefix: str = "mission__settlement__") -> Q:
    """settlement_is_submitted in SQL, from a query on advances (or `prefix` to the settlement)."""
    return Q(**{f"{prefix}status__in": SUBMITTED_SETTLEMENT_STATUSES})


def unsettled_amount(advance: Advance) -> Decimal:
    """What the traveler still owes: the whole advance, or what R-4 says to return."""
    if advance.status == Advance.Status.RETURN_DUE and advance.return_due_amount is not None:
        return advance.return_due_amount
    return advance.amount


def deduction_grace() -> int:
    grace = int(getattr(settings, "VIATICOS_DEDUCTION_GRACE_BUSINESS_DAYS", 5))
    if grace < 1:
        raise ValueError("VIATICOS_DEDUCTION_GRACE_BUSINESS_DAYS must be at least 1")
    return grace


def traveler_profile(user) -> TravelerProfile | None:
    try:
        return user.traveler_profile
    except ObjectDoesNotExist:
        return None


# --- the sweep ---------------------------------------------------------------------------------


@dataclass
class Summary:
    today: dt.date
    dry_run: bool
    business_day: bool = True
    examined: int = 0
    reminders: int = 0
    requirements: int = 0
    requirements_late: int = 0
    blocks: int = 0
    deductions: int = 0
    lifted: int = 0
    notices_resent: int = 0
    actions: list[str] = field(default_factory=list)


@dataclass
class _Batch:
    restarted: list[PayrollDeductionOrder] = field(default_factory=list)
    reissued: list[DocumentationRequirement] = field(default_factory=list)
    reminders: list[DeadlineReminder] = field(default_factory=list)
    requirements: list[DocumentationRequirement] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    # (sanction, order) pairs: the order gets its sanction's pk after the bulk insert.
    deductions: list[tuple[Sanction, PayrollDeductionOrder]] = field(default_factory=list)


WITH_ACCOUNTING = frozenset(
    {Settlement.Status.SUBMITTED, Settlement.Status.RECEIVED, Settlement.Status.REVIEWED}
)


def pending_advances():
    """Advances given and not yet accounted for (R-3.11a) whose settlement is not with
    Accounting: the population every deadline rule looks at. A settlement returned for
    corrections puts its advance back in (R-3.4, R-8b); so does a settlement accepted with a
    balance the traveler still has to return (SPEC §4 "Balances owed after settling"). Which
    of them have a running clock, and what they owe, the ledger says (settlements.ledger)."""
    return Advance.objects.filter(status__in=Advance.PENDING_SETTLEMENT).exclude(
        settlement__status__in=WITH_ACCOUNTING
    )


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _plan_one(
    advance: Advance,
    *,
    position,
    restart_orders: list,
    requirements_reissued: list,
    today: dt.date,
    calendar: BusinessCalendar,
    grace: int,
    reminders_sent: set[tuple[int, str]],
    sanctions_there: set[tuple[int, str]],
    batch: _Batch,
    summary: Summary,
) -> None:
    mission = advance.mission
    traveler = mission.traveler
    if not position.clock_runs:
        # Not back yet, with Accounting, or nothing owed by the traveler (SPEC §4).
        return
    return_date = position.return_date
    due = position.due_date
    left = position.days_left
    kind = reminder_kind(left)
    if kind and (advance.pk, kind) not in reminders_sent:
        batch.reminders.append(
            DeadlineReminder(advance=advance, kind=kind, due_date=due, sent_on=today)
        )
        summary.actions.append(f"reminder {kind}: {advance.code} {display_name(traveler)} → {due}")
    if left >= 0:
        return
    requirement = getattr(advance, "documentation_requirement", None)
    if requirement is not None and requirement.due_date < due:
        # A new deadline (a balance owed after settling): the requirement is issued again.
        requirement.return_date, requirement.due_date = return_date, due
        requirement.issue_by = requirement_issue_by(calendar, due)
        requirement.issued_on, requirement.amount = today, position.owed
        requirement.issued_late = today > requirement.issue_by
        requirement.resolved_on, requirement.emailed_at = None, None
        requirements_reissued.append(requirement)
        summary.actions.append(
            f"requirement again (R-3.4): {advance.code} {display_name(traveler)} "
            f"{requirement.amount} USD"
        )
        return
    if requirement is None:
        issue_by = requirement_issue_by(calendar, due)
        requirement = DocumentationRequirement(
            advance=advance,
            mission=mission,
            traveler=traveler,
            return_date=return_date,
            due_date=due,
            issue_by=issue_by,
            issued_on=today,
            issued_late=today > issue_by,
            amount=position.owed,
        )
        batch.requirements.append(requirement)
        summary.requirements_late += requirement.issued_late
        summary.actions.append(
            f"requirement (R-3.4): {advance.code} {display_name(traveler)} "
            f"{requirement.amount} USD{' LATE' if requirement.issued_late else ''}"
        )
        profile = traveler_profile(traveler)
        blocks: dict[str, str] = {
            TravelerProfile.EntityKind.MEMBER_INSTITUTION: Sanction.Kind.MEMBER_INSTITUTION_BLOCK,
            TravelerProfile.EntityKind.CO_EXECUTING: Sanction.Kind.CO_EXECUTING_BLOCK,
        }
        block = blocks.get(profile.entity_kind) if profile is not None else None
        if profile is not None and block and (advance.pk, block) not in sanctions_there:
            batch.sanctions.append(
                Sanction(
                    kind=block,
                    rule=Sanction.RULES[block],
                    person=traveler,
                    mission=mission,
                    advance=advance,
                    entity_kind=profile.entity_kind,
                    entity_name=profile.entity_name or display_name(traveler),
                    # Proposed only: the General Accountant applies it, the traveler heard
                    # (tratamiento objetivo, R-A1; deadlines.proposals).
                    state=Sanction.State.PROPOSED,
                    reason=_("%(advance)s: not settled by %(due)s (R-3.3)")
                    % {"advance": advance.code, "due": due.strftime("%d/%m/%Y")},
                    proposed_on=today,
                )
            )
            summary.actions.append(f"block (R-3.13): {profile.entity_name} ({advance.code})")
        return  # the grace period starts with the requirement
    kind = Sanction.Kind.PAYROLL_DEDUCTION
    order = deduction_orders.current_order(advance)
    if order is not None:
        _restart_if_due(
            advance, order, requirement, position, today, calendar, grace, restart_orders, summary
        )
        return
    if (advance.pk, kind) in sanctions_there:
        return
    if today <= deduction_grace_end(calendar, requirement.issued_on, grace):
        return
    amount = position.owed
    sanction = Sanction(
        kind=kind,
        rule=Sanction.RULES[kind],
        person=traveler,
        mission=mission,
        advance=advance,
        amount=amount,
        state=Sanction.State.PROPOSED,  # a person applies it (R-A1)
        reason=_("%(advance)s: requirement %(requirement)s of %(date)s unanswered (R-3.4, R-8b)")
        % {
            "advance": advance.code,
            "requirement": requirement.code,
            "date": requirement.issued_on.strftime("%d/%m/%Y"),
        },
        proposed_on=today,
    )
    profile = traveler_profile(traveler)
    order = PayrollDeductionOrder(
        advance=advance,
        requirement=requirement,
        person=traveler,
        person_name=display_name(traveler),
        document_number=profile.document_number if profile else "",
        amount=amount,
        concept=f"Anticipo de viáticos no liquidado {advance.code} (R-8b)",
        mission_reference=f"{mission.code} / {advance.code}",
        issued_on=today,
        state=PayrollDeductionOrder.State.PROPOSED,
    )
    batch.sanctions.append(sanction)
    batch.deductions.append((sanction, order))
    summary.actions.append(f"deduction order (R-8b): {advance.code} {order.person_name} {amount}")


@enforces("R-8b")
def _restart_if_due(
    advance, order, requirement, position, today, calendar, grace, restart_orders, summary
) -> None:
    """R-8b (SPEC §4): an order stopped because Accounting received the settlement restarts
    when the advance is back on the clock — the settlement returned for corrections and not
    submitted again, or accepted with a balance not returned — once the grace after the
    requirement (or after the return of the settlement, whichever is later) has passed. It
    restarts for what the traveler owes now."""
    if order.state != PayrollDeductionOrder.State.STOPPED:
        return
    since = requirement.issued_on
    settlement = getattr(advance, "settlement", None)
    if settlement is not None and settlement.returned_at is not None:
        since = max(since, local_date(settlement.returned_at))
    if today <= deduction_grace_end(calendar, since, grace):
        return
    order.state, order.amount, order.issued_on = (
        PayrollDeductionOrder.State.PENDING,
        position.owed,
        today,
    )
    order.stopped_on = None
    restart_orders.append(order)
    summary.actions.append(f"deduction order restarted (R-8b): {advance.code} {position.owed}")


def _write(batch: _Batch) -> None:
    DeadlineReminder.objects.bulk_create(batch.reminders)
    DocumentationRequirement.objects.bulk_create(batch.requirements)
    if batch.sanctions:
        bulk_create_with_history(
            batch.sanctions, Sanction, default_change_reason="enforce_deadlines"
        )
    orders = []
    for sanction, order in batch.deductions:
        order.sanction_id = sanction.pk
        orders.append(order)
    PayrollDeductionOrder.objects.bulk_create(orders)
    PayrollDeductionOrder.objects.bulk_update(
        batch.restarted, ["state", "amount", "issued_on", "stopped_on"]
    )
    DocumentationRequirement.objects.bulk_update(
        batch.reissued,
        [
            "return_date",
            "due_date",
            "issue_by",
            "issued_on",
            "amount",
            "issued_late",
            "resolved_on",
            "emailed_at",
        ],
    )


SWEEP_FIELDS = (
    "mission_id",
    "status",
    "amount",
    "return_due_amount",
    "disbursed_on",
    "mission__traveler_id",
    "mission__return_at",
    "mission__traveler__first_name",
    "mission__traveler__last_name",
    "mission__traveler__username",
    "mission__traveler__email",
    "mission__traveler__traveler_profile__entity_kind",
    "mission__traveler__traveler_profile__entity_name",
    "mission__traveler__traveler_profile__document_number",
    "documentation_requirement__issued_on",
    "documentation_requirement__due_date",
    "documentation_requirement__return_date",
    "documentation_requirement__issue_by",
    "documentation_requirement__amount",
    "documentation_requirement__issued_late",
    "documentation_requirement__resolved_on",
    "documentation_requirement__emailed_at",
    "documentation_requirement__mission_id",
    "documentation_requirement__traveler_id",
    "settlement__returned_at",
)


@enforces("R-3.3", "R-3.4", "R-3.13", "R-8b")
def enforce_deadlines(
    *,
    today: dt.date,
    dry_run: bool = False,
    calendar: BusinessCalendar | None = None,
    grace: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """The daily job (SPEC §7): reminders (R-3.3), requirements (R-3.4), entity blocks
    (R-3.13) and payroll deduction orders (R-8b) PROPOSED for the General Accountant to
    apply or dismiss (R-A1), and lifting of what a settlement ended."""
    from deadlines import notices, proposals, sanctions

    calendar = calendar or duty_calendar()
    grace = deduction_grace() if grace is None else grace
    summary = Summary(today=today, dry_run=dry_run)
    summary.lifted = sanctions.lift_settled(today=today, dry_run=dry_run)
    if not calendar.is_business_day(today):
        # Notices and orders are issued on business days only; the next run catches up.
        summary.business_day = False
        return summary
    if not dry_run:
        summary.notices_resent = notices.send_unsent_requirements()
    from settlements import ledger

    ids = list(pending_advances().order_by("pk").values_list("pk", flat=True))
    summary.examined = len(ids)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            query = (
                Advance.objects.filter(pk__in=chunk)
                # No PDF in the run: the requirement e-mail links to it (rendered on demand).
                .select_related(
                    "mission__traveler__traveler_profile",
                    "documentation_requirement",
                    "settlement",
                )
                .prefetch_related(deduction_orders.orders_prefetch())
                # What the rules, the records they create and the e-mails read: loading whole
                # missions and users for thousands of advances was most of a run's time.
                .only(*SWEEP_FIELDS)
            )
            if not dry_run:
                # Lock only the advances: a second run waits here, then sees this run's rows.
                query = query.select_for_update(of=("self",))
            advances = list(query)
            positions = ledger.advance_positions(
                Advance.objects.filter(pk__in=chunk), today=today, calendar=calendar
            )
            reminders_sent = set(
                DeadlineReminder.objects.filter(advance_id__in=chunk).values_list(
                    "advance_id", "kind"
                )
            )
            sanctions_there = set(
                Sanction.objects.filter(
                    advance_id__in=chunk, kind__in=Sanction.LATE_SETTLEMENT_KINDS
                ).values_list("advance_id", "kind")
            )
            batch = _Batch()
            # What the job writes (the grounds of its sanctions) is in the organization's
            # language, whatever the language of the process that runs it.
            with translation.override(settings.LANGUAGE_CODE):
                for advance in advances:
                    _plan_one(
                        advance,
                        position=positions[advance.pk],
                        restart_orders=batch.restarted,
                        requirements_reissued=batch.reissued,
                        today=today,
                        calendar=calendar,
                        grace=grace,
                        reminders_sent=reminders_sent,
                        sanctions_there=sanctions_there,
                        batch=batch,
                        summary=summary,
                    )
            summary.reminders += len(batch.reminders)
            summary.requirements += len(batch.requirements)
            summary.blocks += sum(s.kind in Sanction.BLOCK_KINDS for s in batch.sanctions)
            summary.deductions += len(batch.deductions)
            if not dry_run:
                _write(batch)
                notices.queue(batch.reminders, [*batch.requirements, *batch.reissued])
                proposals.queue_notices(batch.sanctions, calendar=calendar)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return summary
