"""Every write on missions and advances: one function per business action (STYLE.md).

Each service locks the row it changes (select_for_update), checks the status under the lock
(so a double click or two concurrent requests have one effect), records who/when/why on the
timeline and in the history, and queues e-mail after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions import access, approvals, budgets, hooks, spend
from missions.errors import MissionsError
from missions.models import (
    Advance,
    BudgetLine,
    Delegation,
    Destination,
    Mission,
    MissionEvent,
    MissionLeg,
    Quote,
    Slot,
)
from missions.notifications import notify
from missions.rules import (
    LegInput,
    check_advance_eligibility,
    check_itinerary,
    check_no_advance_pending_settlement,
    invitation_missing,
    plan_per_diem,
    result_to_snapshot,
)
from missions.selectors import advances_pending_settlement, overlapping_missions
from missions.transitions import ADVANCE, MISSION
from viaticos.errors import CommonError, DomainError, NotAllowed, require_reason
from viaticos.files import save_file
from viaticos.money import round_money
from viaticos.people import display_name
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces
from viaticos.services import lock, not_allowed, save
from viaticos.uploads import check_upload


@transaction.atomic
def quote_record(
    *,
    actor,
    destination: Destination,
    lodging: Decimal,
    meals: Decimal,
    source: str,
    valid_from: dt.date,
    valid_to: dt.date,
    comment: str = "",
) -> Quote:
    """R-3.8b: record a quote for a destination outside the table; it starts as proposed."""
    if lodging < 0 or meals < 0:
        raise DomainError(
            MissionsError.NEGATIVE_AMOUNT, _("Amounts cannot be negative."), field="lodging"
        )
    if valid_to < valid_from:
        raise DomainError(
            MissionsError.INVALID_VALIDITY,
            _("The end of validity is before its start."),
            field="valid_to",
        )
    if not (source or "").strip():
        raise DomainError(
            MissionsError.SOURCE_REQUIRED,
            _("Say where the amounts come from (the quote's source)."),
            field="source",
        )
    quote = Quote(
        destination=destination,
        lodging=lodging,
        meals=meals,
        source=source.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        requested_by=actor,
        comment=comment,
    )
    quote._history_user = actor
    quote._change_reason = "quote_record"
    quote.save()
    return quote


def _decide(*, quote: Quote, actor, status: str, comment: str, reason: str) -> Quote:
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if not has_role(actor, Role.FINANCE_DIRECTOR):
        raise NotAllowed(
            CommonError.NOT_ALLOWED, _("Only the Finance Director decides on quotes (R-3.8b).")
        )
    if quote.requested_by_id == actor.pk:
        raise NotAllowed(
            MissionsError.OWN_REQUEST, _("Nobody can decide on a quote they recorded themselves.")
        )
    if quote.status != Quote.Status.PROPOSED:
        raise DomainError(
            MissionsError.ALREADY_DECIDED,
            _("This quote was already %(status)s.") % {"status": quote.get_status_display()},
        )
    quote.status = status
    quote.decided_by = actor
    quote.decided_at = timezone.now()
    quote.comment = comment
    quote._history_user = actor
    quote._change_reason = reason
    quote.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    return quote


@enforces("R-3.8b")
@transaction.atomic
def quote_approve(*, quote: Quote, actor, comment: str = "") -> Quote:
    """R-3.8b: the Finance Director approves a proposed quote (never their own); from then on it
    feeds the per diem for the dates it covers."""
    return _decide(
        quote=quote,
        actor=actor,
        status=Quote.Status.APPROVED,
        comment=comment,
        reason="quote_approve",
    )


@transaction.atomic
def quote_reject(*, quote: Quote, actor, comment: str) -> Quote:
    """R-3.8b: the Finance Director rejects a proposed quote, with a reason."""
    require_reason(comment, field="comment", message=_("Give the reason for the rejection."))
    return _decide(
        quote=quote,
        actor=actor,
        status=Quote.Status.REJECTED,
        comment=comment,
        reason="quote_reject",
    )


A = MissionEvent.Action


NOT_YOURS = gettext_lazy("You may not take this decision on this request.")


def _own_request() -> DomainError:
    return NotAllowed(
        MissionsError.OWN_REQUEST,
        _("Nobody approves their own mission or advance (segregation of duties)."),
    )


def _lock_traveler(mission: Mission) -> None:
    """R-3.11a is a rule across the traveler's advances, so a row lock on one advance cannot
    protect it: two of their advances disbursed at the same time would each see the other still
    unpaid. The traveler's row serializes those checks (NO KEY: rows that merely reference the
    user, such as history and events, are not blocked)."""
    get_user_model().objects.select_for_update(no_key=True).filter(pk=mission.traveler_id).first()


def _save(obj, actor, reason: str, fields: Sequence[str]) -> None:
    save(obj, actor=actor, reason=reason, fields=fields)
    approvals.changed()  # the approvers' inbox counts follow


def _event(mission, actor, action, comment: str = "", advance=None, authority=None) -> MissionEvent:
    return MissionEvent.objects.create(
        mission=mission,
        advance=advance,
        action=action,
        actor=actor,
        comment=comment or "",
        on_behalf_of_id=authority.principal_id if authority else None,
        basis=authority.reason if authority else "",
    )


SLOT_EVENTS = {
    (approvals.MISSION, Slot.COORDINATOR): A.AUTHORIZED_COORDINATOR,
    (approvals.MISSION, Slot.SECRETARY): A.AUTHORIZED_SECRETARY,
    (approvals.ADVANCE, Slot.COORDINATOR): A.ADVANCE_APPROVED_COORDINATOR,
    (approvals.ADVANCE, Slot.FINANCE): A.ADVANCE_APPROVED_FINANCE,
}


@enforces("R-3.1s", "R-3.1d")
def _authority(actor, obj: Mission | Advance) -> approvals.Authority:
    """R-3.1s, R-3.1d: the slot `actor` may fill on the locked `obj`, or the refusal."""
    request = approvals.PendingRequest.of(obj)
    authority = approvals.authority_of(approvals.Directory.load(), request, actor.pk)
    if authority is None:
        raise approvals.refusal(request, actor)
    return authority


def _fill_slot(actor, obj: Mission | Advance, authority: approvals.Authority) -> tuple[list, str]:
    """Record `actor`'s decision in its slot; the fields changed and the timeline action.
    R-3.1s is checked again on the result, under the row lock."""
    kind = approvals.MISSION if isinstance(obj, Mission) else approvals.ADVANCE
    prefix = approvals.FIELD_PREFIX[(kind, authority.slot)]
    setattr(obj, f"{prefix}_by", actor)
    setattr(obj, f"{prefix}_for_id", authority.principal_id)
    setattr(obj, f"{prefix}_at", timezone.now())
    approvals.check_two_people(approvals.PendingRequest.of(obj))
    return [f"{prefix}_by", f"{prefix}_for", f"{prefix}_at"], SLOT_EVENTS[(kind, authority.slot)]


# --- missions -------------------------------------------------------------------------------


@enforces("R-2d", "R-3.16")
def _check_relocation_once(*, traveler, kind: str, exclude_pk=None) -> None:
    """R-2d, R-3.16: installation and repatriation are paid once per contract."""
    if kind not in Mission.RELOCATION_KINDS:
        return
    qs = Mission.objects.filter(traveler=traveler, kind=kind).exclude(
        status=Mission.Status.CANCELLED
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DomainError(
            MissionsError.RELOCATION_ALREADY_USED,
            _("%(kind)s is paid once per contract and you already have one (R-3.16).")
            % {"kind": Mission.Kind(kind).label},
            field="kind",
        )


def _apply(
    mission: Mission,
    *,
    project,
    kind: str,
    purpose: str,
    expected_results: str,
    departure_at: dt.datetime,
    return_at: dt.datetime,
    legs: Sequence[LegInput],
    meals_covered: Mapping[dt.date, Sequence[str]] | None,
    all_meals_covered: bool,
    sponsor_daily_amount: Decimal | None,
    budget_line: str = "",
    line: BudgetLine | None = None,
) -> None:
    if not project.is_active:
        raise DomainError(
            MissionsError.PROJECT_INACTIVE, _("The project is not active."), field="project"
        )
    if kind == Mission.Kind.SPONSORED_EVENT and sponsor_daily_amount is None:
        raise DomainError(
            MissionsError.SPONSOR_AMOUNT_MISSING,
            _("Enter the daily amount the sponsor pays (R-6)."),
            field="sponsor_daily_amount",
        )
    check_itinerary(departure_at=departure_at, return_at=return_at, legs=legs)
    result = plan_per_diem(
        kind=kind,
        departure_at=departure_at,
        return_at=return_at,
        legs=legs,
        meals_covered=meals_covered,
        all_meals_covered=all_meals_covered,
        sponsor_daily_amount=sponsor_daily_amount,
    )
    mission.project = project
    mission.kind = kind
    mission.purpose = purpose
    mission.expected_results = expected_results
    # SPEC §2.5: one of the project's lines, chosen (an API client gives its code).
    mission.line = budgets.resolve_line(project=project, line=line, text=budget_line)
    mission.budget_line = mission.line.code if mission.line else budget_line.strip()
    mission.departure_at = departure_at
    mission.return_at = return_at
    mission.meals_covered = {
        (day.isoformat() if isinstance(day, dt.date) else str(day)): list(meals)
        for day, meals in (meals_covered or {}).items()
    }
    mission.all_meals_covered = all_meals_covered
    mission.sponsor_daily_amount = sponsor_daily_amount
    mission.planned_perdiem = result_to_snapshot(result)
    mission.planned_total = result.total


def _replace_legs(mission: Mission, legs: Sequence[LegInput]) -> None:
    mission.legs.all().delete()
    MissionLeg.objects.bulk_create(
        MissionLeg(
            mission=mission,
            order=index,
            destination=leg.destination,
            arrive_at=leg.arrive_at,
            leave_at=leg.leave_at,
        )
        for index, leg in enumerate(legs, start=MissionLeg.FIRST)
    )


MISSION_FIELDS = [
    "project",
    "kind",
    "purpose",
    "expected_results",
    "budget_line",
    "line",
    "departure_at",
    "return_at",
    "meals_covered",
    "all_meals_covered",
    "sponsor_daily_amount",
    "planned_perdiem",
    "planned_total",
]


@transaction.atomic
def mission_create(
    *,
    actor,
    project,
    kind: str,
    purpose: str,
    expected_results: str,
    departure_at: dt.datetime,
    return_at: dt.datetime,
    legs: Sequence[LegInput],
    budget_line: str = "",
    line: BudgetLine | None = None,
    meals_covered: Mapping[dt.date, Sequence[str]] | None = None,
    all_meals_covered: bool = False,
    sponsor_daily_amount: Decimal | None = None,
    invitation: UploadedFile | None = None,
) -> Mission:
    """A draft mission with its itinerary and planned per diem (snapshot)."""
    _check_relocation_once(traveler=actor, kind=kind)
    mission = Mission(traveler=actor)
    _apply(
        mission,
        project=project,
        kind=kind,
        purpose=purpose,
        expected_results=expected_results,
        budget_line=budget_line,
        line=line,
        departure_at=departure_at,
        return_at=return_at,
        legs=legs,
        meals_covered=meals_covered,
        all_meals_covered=all_meals_covered,
        sponsor_daily_amount=sponsor_daily_amount,
    )
    mission._history_user = actor
    mission._change_reason = "created"
    mission.save()
    _replace_legs(mission, legs)
    if invitation is not None:
        _store_invitation(mission, invitation)
        _save(mission, actor, "invitation attached", INVITATION_FIELDS)
    _event(mission, actor, A.CREATED)
    return mission


@transaction.atomic
def mission_update(*, actor, mission: Mission, legs: Sequence[LegInput], **fields) -> Mission:
    """Edit a draft, or a rejected mission before submitting it again."""
    mission = lock(mission)
    if not access.is_own(actor, mission):
        raise not_allowed(NOT_YOURS)
    MISSION.require(mission, "edit")
    invitation = fields.pop("invitation", None)
    _check_relocation_once(traveler=actor, kind=fields["kind"], exclude_pk=mission.pk)
    _apply(mission, legs=legs, **fields)
    _save(mission, actor, "edited", MISSION_FIELDS)
    _replace_legs(mission, legs)
    if invitation is not None:
        _store_invitation(mission, invitation)
        _save(mission, actor, "invitation attached", INVITATION_FIELDS)
    _event(mission, actor, A.UPDATED)
    return mission


INVITATION_FIELDS = [
    "invitation_file",
    "invitation_name",
    "invitation_content_type",
    "invitation_sha256",
]


def _store_invitation(mission: Mission, upload: UploadedFile) -> None:
    checked = check_upload(upload, field="invitation")
    # A failed write leaves nothing; a row that never commits leaves an orphan that the
    # sweep of apply_retention removes (viaticos.files).
    name = save_file(checked.storage_name("missions/invitations"), checked.content)
    mission.invitation_file = name
    mission.invitation_name = checked.original_name
    mission.invitation_content_type = checked.content_type
    mission.invitation_sha256 = checked.sha256


@transaction.atomic
def mission_attach_invitation(*, actor, mission: Mission, upload: UploadedFile) -> Mission:
    """R-3.11c: the invitation letter, checked by content and stored under a generated name."""
    mission = lock(mission)
    if not access.is_own(actor, mission):
        raise not_allowed(NOT_YOURS)
    MISSION.require(mission, "attach_invitation")
    _store_invitation(mission, upload)
    _save(mission, actor, "invitation attached", INVITATION_FIELDS)
    return mission


@transaction.atomic
def mission_submit(*, actor, mission: Mission, overlap_reason: str = "") -> Mission:
    """Send a draft (or a corrected rejected mission) to the Project Coordinator and the
    Executive Secretary. A mission whose dates overlap another of the same traveler needs a
    reason, which the approvers read."""
    mission = lock(mission)
    if not access.is_own(actor, mission):
        raise not_allowed(NOT_YOURS)
    MISSION.require(mission, "submit")
    if invitation_missing(mission):
        raise DomainError(
            MissionsError.INVITATION_MISSING,
            _("This type of mission needs the invitation letter attached (R-3.11c)."),
            field="invitation",
        )
    overlapping = overlapping_missions(mission)
    overlap_reason = (overlap_reason or "").strip()
    if overlapping and not overlap_reason:
        raise DomainError(
            MissionsError.OVERLAPPING_MISSION,
            _(
                "Its dates overlap your mission %(codes)s. If both are right, say why in "
                "“Reason for the overlap” and submit it again."
            )
            % {"codes": ", ".join(m.code for m in overlapping)},
            field="overlap_reason",
        )
    mission.status = Mission.Status.SUBMITTED
    mission.submitted_at = timezone.now()
    mission.approval_escalates_on = approvals.escalation_date(mission.submitted_at)
    mission.overlap_reason = overlap_reason if overlapping else ""
    for prefix in ("coordinator_authorized", "secretary_authorized"):
        setattr(mission, f"{prefix}_by", None)
        setattr(mission, f"{prefix}_for", None)
        setattr(mission, f"{prefix}_at", None)
    mission.emergency_qualified = False
    mission.status_reason = ""
    _save(
        mission,
        actor,
        "submitted",
        [
            "status",
            "submitted_at",
            "approval_escalates_on",
            "overlap_reason",
            *[
                f"{prefix}_{suffix}"
                for prefix in ("coordinator_authorized", "secretary_authorized")
                for suffix in ("by", "for", "at")
            ],
            "emergency_qualified",
            "status_reason",
        ],
    )
    _event(mission, actor, A.SUBMITTED, mission.overlap_reason)
    notify("mission_submitted", mission)
    return mission


@enforces("R-5", "R-3.1s")
@transaction.atomic
def mission_authorize(*, actor, mission: Mission, comment: str = "") -> Mission:
    """§2.4: the Project Coordinator (of the mission's project) and the Executive Secretary
    both authorize, or whoever stands in for them (R-3.1d); two different people, never the
    traveler (R-3.1s). The authorization in the Executive Secretary's slot qualifies an
    emergency mission as an emergency (R-5)."""
    mission = lock(mission)
    if access.is_own(actor, mission):
        raise _own_request()
    MISSION.require(mission, "authorize")
    authority = _authority(actor, mission)
    fields, action = _fill_slot(actor, mission, authority)
    if authority.slot == Slot.SECRETARY and mission.kind == Mission.Kind.EMERGENCY:
        mission.emergency_qualified = True
        fields.append("emergency_qualified")
    if mission.is_authorized_by_both:
        mission.status = Mission.Status.AUTHORIZED
        fields.append("status")
    _save(mission, actor, action, fields)
    if mission.status == Mission.Status.AUTHORIZED:
        # SPEC §2.5: the planned total is committed to the line, or the authorization is
        # refused (beyond what is left it needs the Finance Director's override).
        budgets.commit(mission=mission, actor=actor)
    _event(mission, actor, action, comment, authority=authority)
    if mission.emergency_qualified and action == A.AUTHORIZED_SECRETARY:
        _event(mission, actor, A.EMERGENCY_QUALIFIED, authority=authority)
    if mission.status == Mission.Status.AUTHORIZED:
        notify("mission_authorized", mission, comment)
    return mission


@transaction.atomic
def mission_reject(*, actor, mission: Mission, reason: str) -> Mission:
    """Back to the traveler with a reason; they can correct it and submit it again."""
    mission = lock(mission)
    if access.is_own(actor, mission):
        raise _own_request()
    MISSION.require(mission, "reject")
    if "reject" not in access.mission_actions(actor, mission):
        raise not_allowed(NOT_YOURS)
    require_reason(reason, message=_("Give the reason for the rejection."))
    mission.status = Mission.Status.REJECTED
    mission.status_reason = reason
    _save(mission, actor, "rejected", ["status", "status_reason"])
    _event(mission, actor, A.REJECTED, reason)
    notify("mission_rejected", mission, reason)
    return mission


@enforces("R-2e", "R-3.11b")
@transaction.atomic
def mission_start(*, actor, mission: Mission, today: dt.date | None = None) -> Mission:
    """R-2e, R-3.11b: only an authorized mission starts, and not before its departure day.
    R-5: no advance is needed."""
    mission = lock(mission)
    if not access.is_own(actor, mission):
        raise not_allowed(NOT_YOURS)
    if not MISSION.allows(mission, "start"):
        raise DomainError(
            MissionsError.MISSION_NOT_AUTHORIZED,
            _(
                "A mission starts only once authorized by the Project Coordinator and the "
                "Executive Secretary (R-2e)."
            ),
        )
    departure = timezone.localdate(mission.departure_at)
    if (today or timezone.localdate()) < departure:
        raise DomainError(
            MissionsError.BEFORE_DEPARTURE,
            _("The mission starts on its departure day, %(date)s.")
            % {"date": date_format(departure, "SHORT_DATE_FORMAT")},
        )
    mission.status = Mission.Status.IN_PROGRESS
    _save(mission, actor, "started", ["status"])
    _event(mission, actor, A.STARTED)
    return mission


@transaction.atomic
def mission_mark_returned(
    *, actor, mission: Mission, comment: str = "", now: dt.datetime | None = None
) -> Mission:
    """The traveler is back at the duty station; the settlement (liquidación) comes next.
    Nobody is back before leaving."""
    mission = lock(mission)
    if not access.is_own(actor, mission):
        raise not_allowed(NOT_YOURS)
    MISSION.require(mission, "return")
    if (now or timezone.now()) < mission.departure_at:
        raise DomainError(
            MissionsError.BEFORE_DEPARTURE,
            _("You cannot be back before the departure (%(when)s).")
            % {
                "when": date_format(
                    timezone.localtime(mission.departure_at), "SHORT_DATETIME_FORMAT"
                )
            },
        )
    mission.status = Mission.Status.RETURNED
    _save(mission, actor, "returned", ["status"])
    _event(mission, actor, A.RETURNED, comment)
    return mission


@transaction.atomic
def mission_close(*, actor, mission: Mission, comment: str = "") -> Mission:
    """Close a returned mission once its settlement is done (called by settlements)."""
    mission = lock(mission)
    MISSION.require(mission, "close")
    mission.status = Mission.Status.CLOSED
    _save(mission, actor, "closed", ["status"])
    _event(mission, actor, A.CLOSED, comment)
    return mission


@enforces("R-4")
def _stop(*, actor, mission: Mission, reason: str, amount_spent: Decimal, status, action):
    """R-4: open advances are cancelled; money already given becomes a debt to return at once,
    or — if some was spent — a mandatory settlement."""
    require_reason(reason)
    if amount_spent < 0:
        raise DomainError(
            MissionsError.NEGATIVE_AMOUNT, _("Amounts cannot be negative."), field="amount_spent"
        )
    mission.status = status
    mission.status_reason = reason
    _save(mission, actor, str(action), ["status", "status_reason"])
    _event(mission, actor, action, reason)
    budgets.release(mission=mission, actor=actor, keep=amount_spent)
    for advance in Advance.objects.select_for_update().filter(mission=mission):
        if advance.status in Advance.OPEN:
            advance.status = Advance.Status.CANCELLED
            advance.status_reason = reason
            _save(advance, actor, "cancelled with the mission", ["status", "status_reason"])
            _event(mission, actor, A.ADVANCE_CANCELLED, reason, advance)
        elif advance.status == Advance.Status.DISBURSED:
            if amount_spent > 0:
                advance.settlement_required = True
                advance.status_reason = reason
                _save(advance, actor, "R-4 settlement", ["settlement_required", "status_reason"])
                _event(
                    mission,
                    actor,
                    A.ADVANCE_SETTLEMENT_REQUIRED,
                    _("Spent %(spent)s USD of %(amount)s USD.")
                    % {"spent": round_money(amount_spent), "amount": advance.amount},
                    advance,
                )
            else:
                advance.status = Advance.Status.RETURN_DUE
                advance.return_due_amount = advance.amount
                advance.status_reason = reason
                _save(
                    advance, actor, "R-4 return", ["status", "return_due_amount", "status_reason"]
                )
                _event(
                    mission,
                    actor,
                    A.ADVANCE_RETURN_DUE,
                    _("%(amount)s USD to return at once.") % {"amount": advance.amount},
                    advance,
                )
    notify("mission_stopped", mission, reason)
    return mission


@transaction.atomic
def mission_suspend(
    *, actor, mission: Mission, reason: str, amount_spent: Decimal = Decimal("0")
) -> Mission:
    """R-4: the Project Coordinator or the Executive Secretary suspends an authorized or
    started mission."""
    mission = lock(mission)
    MISSION.require(mission, "suspend")
    if "suspend" not in access.mission_actions(actor, mission):
        raise _own_request() if access.is_own(actor, mission) else not_allowed(NOT_YOURS)
    return _stop(
        actor=actor,
        mission=mission,
        reason=reason,
        amount_spent=amount_spent,
        status=Mission.Status.SUSPENDED,
        action=A.SUSPENDED,
    )


@transaction.atomic
def mission_cancel(
    *, actor, mission: Mission, reason: str, amount_spent: Decimal = Decimal("0")
) -> Mission:
    """R-4: cancel a mission that has not started (traveler, Project Coordinator or Executive
    Secretary)."""
    mission = lock(mission)
    MISSION.require(mission, "cancel")
    if "cancel" not in access.mission_actions(actor, mission):
        raise not_allowed(NOT_YOURS)
    return _stop(
        actor=actor,
        mission=mission,
        reason=reason,
        amount_spent=amount_spent,
        status=Mission.Status.CANCELLED,
        action=A.CANCELLED,
    )


# --- advances -------------------------------------------------------------------------------


@enforces("R-3.11")
@transaction.atomic
def advance_request(*, actor, mission: Mission, terminal_estimate: Decimal) -> Advance:
    """An advance of the planned viáticos plus an estimate of terminal expenses (§2.4),
    granted only when the mission is eligible (R-3.11, R-7b). Emergencies are a priority for
    Treasury (R-5)."""
    mission = lock(mission)
    if not access.is_own(actor, mission):
        raise not_allowed(NOT_YOURS)
    if terminal_estimate < 0:
        raise DomainError(
            MissionsError.NEGATIVE_AMOUNT,
            _("Amounts cannot be negative."),
            field="terminal_estimate",
        )
    if mission.advances.exclude(
        status__in=[Advance.Status.REJECTED, Advance.Status.CANCELLED]
    ).exists():
        raise DomainError(
            MissionsError.ADVANCE_EXISTS,
            _("Mission %(code)s already has an advance.") % {"code": mission.code},
        )
    _lock_traveler(mission)
    check_advance_eligibility(
        mission=mission, pending=advances_pending_settlement(traveler=mission.traveler)
    )
    hooks.run_advance_checks(mission=mission, action="request")
    terminal_estimate = round_money(terminal_estimate)
    advance = Advance(
        mission=mission,
        perdiem_amount=mission.planned_total,
        terminal_estimate=terminal_estimate,
        amount=mission.planned_total + terminal_estimate,
        priority=mission.is_emergency,
        requested_by=actor,
        approval_escalates_on=approvals.escalation_date(timezone.now()),
    )
    advance._history_user = actor
    advance._change_reason = "requested"
    advance.save()
    if mission.status in (Mission.Status.AUTHORIZED, Mission.Status.IN_PROGRESS):
        # SPEC §2.5: the terminal estimate joins the commitment (within what the line has left).
        budgets.commit(mission=mission, actor=actor)
    approvals.changed()
    _event(mission, actor, A.ADVANCE_REQUESTED, "", advance)
    notify("advance_requested", mission)
    return advance


@enforces("R-3.1", "R-3.1s")
@transaction.atomic
def advance_approve(*, actor, advance: Advance, comment: str = "") -> Advance:
    """§2.4: the Project Coordinator and the Finance Director both approve, or whoever stands
    in for them (R-3.1d); two different people, never the requester (R-3.1s)."""
    advance = lock(advance)
    mission = advance.mission
    if access.is_own(actor, mission):
        raise _own_request()
    ADVANCE.require(advance, "approve")
    authority = _authority(actor, advance)
    fields, action = _fill_slot(actor, advance, authority)
    if advance.coordinator_approved_at and advance.finance_approved_at:
        advance.status = Advance.Status.APPROVED
        fields.append("status")
    _save(advance, actor, action, fields)
    _event(mission, actor, action, comment, advance, authority=authority)
    if advance.status == Advance.Status.APPROVED:
        notify("advance_approved", mission, comment)
    return advance


@transaction.atomic
def advance_reject(*, actor, advance: Advance, reason: str) -> Advance:
    advance = lock(advance)
    mission = advance.mission
    if access.is_own(actor, mission):
        raise _own_request()
    ADVANCE.require(advance, "reject")
    if "reject" not in access.advance_actions(actor, advance):
        raise not_allowed(NOT_YOURS)
    require_reason(reason, message=_("Give the reason for the rejection."))
    advance.status = Advance.Status.REJECTED
    advance.status_reason = reason
    _save(advance, actor, "rejected", ["status", "status_reason"])
    _event(mission, actor, A.ADVANCE_REJECTED, reason, advance)
    notify("advance_rejected", mission, reason)
    return advance


@enforces("R-3.1")
@transaction.atomic
def advance_sign(*, actor, advance: Advance) -> Advance:
    """R-3.1: the requester signs the approved advance; only then Treasury pays it."""
    advance = lock(advance)
    if not access.is_own(actor, advance.mission):
        raise DomainError(
            MissionsError.NOT_REQUESTER, _("Only the requester signs their advance (R-3.1).")
        )
    ADVANCE.require(advance, "sign")
    advance.status = Advance.Status.SIGNED
    advance.signed_at = timezone.now()
    _save(advance, actor, "signed", ["status", "signed_at"])
    _event(advance.mission, actor, A.ADVANCE_SIGNED, "", advance)
    notify("advance_signed", advance.mission)
    return advance


def _settlement_started(mission: Mission) -> bool:
    """Whether the mission's settlement (liquidación) exists. Asked through the mission's own
    reverse relation: missions never imports settlements (STYLE.md)."""
    return Mission.objects.filter(pk=mission.pk, settlement__isnull=False).exists()


@enforces("R-3.1", "R-3.11a")
@transaction.atomic
def advance_disburse(
    *, actor, advance: Advance, disbursed_on: dt.date, method: str, reference: str = ""
) -> Advance:
    """Treasury pays a signed advance (R-3.1). The row lock makes a double click or two
    concurrent requests pay once; the traveler's lock makes R-3.11a hold across their advances
    (no second advance paid while one is pending settlement). Once the mission's settlement has
    started, the advance is not paid: the settlement pays what is owed (R-3.3)."""
    # The mission before the advance, the order settlement_start and the R-4 stops take: a
    # settlement started at the same moment waits for this payment and accounts for it, or this
    # payment waits and finds the settlement started. NO KEY: the timeline rows still insert.
    Mission.objects.select_for_update(no_key=True).get(pk=advance.mission_id)
    advance = lock(advance)
    if not access.is_treasury(actor):
        raise not_allowed(NOT_YOURS)
    if access.is_own(actor, advance.mission):
        raise _own_request()
    unpaid = advance.status in (*Advance.OPEN, Advance.Status.CANCELLED)
    if unpaid and _settlement_started(advance.mission):
        raise DomainError(
            MissionsError.SETTLEMENT_STARTED,
            _(
                "The settlement of mission %(mission)s has already started: advance %(advance)s "
                "is no longer paid, the settlement pays the traveler what is owed (R-3.3)."
            )
            % {"mission": advance.mission.code, "advance": advance.code},
        )
    ADVANCE.require(advance, "disburse")
    _lock_traveler(advance.mission)
    check_no_advance_pending_settlement(
        mission=advance.mission,
        pending=advances_pending_settlement(traveler=advance.mission.traveler),
        disbursing=True,
    )
    hooks.run_advance_checks(mission=advance.mission, action="disburse")
    if method not in Advance.Method.values:
        raise DomainError(
            MissionsError.INVALID_METHOD, _("Choose a payment method."), field="method"
        )
    reference = " ".join((reference or "").split())
    if not reference:  # issue 20: every payment can be traced to its bank operation
        raise DomainError(
            MissionsError.REFERENCE_REQUIRED,
            _("Give the payment reference (operation or transfer number)."),
            field="reference",
        )
    advance.status = Advance.Status.DISBURSED
    advance.disbursed_by, advance.disbursed_at = actor, timezone.now()
    advance.disbursed_on, advance.method, advance.reference = disbursed_on, method, reference
    _save(
        advance,
        actor,
        "disbursed",
        ["status", "disbursed_by", "disbursed_at", "disbursed_on", "method", "reference"],
    )
    spend.count_disbursement(advance)
    hooks.money_event("advance_paid", advance=advance, actor=actor)  # SPEC §2.5: the journal
    _event(
        advance.mission,
        actor,
        A.ADVANCE_DISBURSED,
        f"{Advance.Method(method).label} {reference}".strip(),
        advance,
    )
    notify("advance_disbursed", advance.mission)
    return advance


@enforces("R-4")
@transaction.atomic
def advance_record_return(
    *, actor, advance: Advance, returned_on: dt.date, reference: str = ""
) -> Advance:
    """R-4: Treasury records that the money of a stopped mission came back."""
    advance = lock(advance)
    if not access.is_treasury(actor) or access.is_own(actor, advance.mission):
        raise not_allowed(NOT_YOURS)
    ADVANCE.require(advance, "record_return")
    advance.status = Advance.Status.RETURNED
    advance.returned_on = returned_on
    advance.reference = reference or advance.reference
    _save(advance, actor, "returned", ["status", "returned_on", "reference"])
    hooks.money_event("money_returned", advance=advance, actor=actor)  # SPEC §2.5: the journal
    _event(advance.mission, actor, A.ADVANCE_RETURNED, reference, advance)
    return advance


@transaction.atomic
def advance_mark_settled(*, actor, advance: Advance, comment: str = "") -> Advance:
    """The settlement of this advance is done (called by settlements); it no longer blocks a
    new advance (R-3.11a)."""
    advance = lock(advance)
    ADVANCE.require(advance, "settle")
    advance.status = Advance.Status.SETTLED
    advance.settled_at = timezone.now()
    _save(advance, actor, "settled", ["status", "settled_at"])
    _event(advance.mission, actor, A.ADVANCE_SETTLED, comment, advance)
    return advance


@enforces("R-3.3", "R-3.11a")
@transaction.atomic
def advance_cancel_unpaid(*, actor, mission: Mission, reason: str) -> list[Advance]:
    """The mission's settlement has started (called by settlements): its advance not paid yet
    (requested, approved or signed) is cancelled with `reason`. The settlement pays the
    traveler what is owed (R-3.3); paying the advance as well would pay the viáticos twice and
    leave it pending settlement for ever, blocking every later advance (R-3.11a)."""
    cancelled = []
    for advance in Advance.objects.select_for_update().filter(
        mission=mission, status__in=Advance.OPEN
    ):
        advance.status = Advance.Status.CANCELLED
        advance.status_reason = reason
        _save(advance, actor, "cancelled: settlement started", ["status", "status_reason"])
        _event(mission, actor, A.ADVANCE_CANCELLED, reason, advance)
        cancelled.append(advance)
    return cancelled


# --- delegations of approvals (R-3.1d) ---------------------------------------------------------

DELEGATION_MAX_DAYS = 366


def _slots_held(directory: approvals.Directory, person_id: int) -> set[Slot]:
    held = {slot for slot, people in directory.holders.items() if person_id in people}
    held |= {slot for (_p, slot), people in directory.alternates.items() if person_id in people}
    return held


@enforces("R-3.1d", "R-3.1s")
@transaction.atomic
def delegation_create(
    *,
    actor,
    delegate,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> Delegation:
    """R-3.1d: `actor` is away from `starts_on` to `ends_on`; `delegate` (optional) decides on
    their approvals meanwhile. Refused when it would let the delegate fill both approvals of a
    request or approve their own (R-3.1s)."""
    today = today or timezone.localdate()
    get_user_model().objects.select_for_update(no_key=True).filter(pk=actor.pk).first()
    directory = approvals.Directory.load(today=today)
    mine = _slots_held(directory, actor.pk)
    if not mine:
        raise NotAllowed(
            MissionsError.NOT_AN_APPROVER,
            _("Only people who approve missions or advances delegate them."),
        )
    if ends_on < starts_on:
        raise DomainError(
            MissionsError.INVALID_WINDOW,
            _("The last day is before the first one."),
            field="ends_on",
        )
    if ends_on < today:
        raise DomainError(
            MissionsError.INVALID_WINDOW, _("The window is already over."), field="ends_on"
        )
    if (ends_on - starts_on).days >= DELEGATION_MAX_DAYS:
        raise DomainError(
            MissionsError.INVALID_WINDOW,
            _("A delegation lasts one year at the most."),
            field="ends_on",
        )
    clash = Delegation.objects.filter(
        delegator=actor, revoked_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if clash:
        raise DomainError(
            MissionsError.OVERLAPPING_DELEGATION,
            _("You already delegated from %(start)s to %(end)s; end it first.")
            % {
                "start": date_format(clash.starts_on, "SHORT_DATE_FORMAT"),
                "end": date_format(clash.ends_on, "SHORT_DATE_FORMAT"),
            },
            field="starts_on",
        )
    if delegate is not None:
        if delegate.pk == actor.pk:
            raise DomainError(
                MissionsError.INVALID_DELEGATE, _("Delegate to somebody else."), field="delegate"
            )
        if not delegate.is_active:
            raise DomainError(
                MissionsError.INVALID_DELEGATE,
                _("That person's account is not active."),
                field="delegate",
            )
        theirs = _slots_held(directory, delegate.pk)
        for kind, pair in approvals.SLOTS.items():
            if (pair[0] in mine and pair[1] in theirs) or (pair[1] in mine and pair[0] in theirs):
                raise DomainError(
                    MissionsError.DELEGATE_FILLS_BOTH,
                    _(
                        "%(name)s already gives the other approval of the same %(what)s as "
                        "%(role)s: with this delegation one person would give both "
                        "(segregation of duties). Choose someone else."
                    )
                    % {
                        "name": display_name(delegate),
                        "what": _("missions") if kind == approvals.MISSION else _("advances"),
                        "role": (pair[1] if pair[0] in mine else pair[0]).label,
                    },
                    field="delegate",
                )
        own = [
            code
            for kind in (approvals.MISSION, approvals.ADVANCE)
            for code in _own_requests_in_scope(directory, actor.pk, delegate.pk, kind)
        ]
        if own:
            raise DomainError(
                MissionsError.DELEGATE_OWN_REQUEST,
                _(
                    "%(name)s would have to approve their own request %(codes)s. Choose someone "
                    "else, or wait until it is decided."
                )
                % {"name": display_name(delegate), "codes": ", ".join(own)},
                field="delegate",
            )
    delegation = Delegation(
        delegator=actor,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip(),
    )
    delegation._history_user = actor
    delegation._change_reason = "delegation created"
    delegation.save()
    approvals.changed()
    return delegation


def _own_requests_in_scope(directory, delegator_id: int, delegate_id: int, kind: str) -> list[str]:
    """Codes of `delegate_id`'s pending requests that `delegator_id` may decide on."""
    decidable = approvals.decidable_by(directory, delegator_id, kind)
    model = Mission if kind == approvals.MISSION else Advance
    traveler = "traveler_id" if kind == approvals.MISSION else "mission__traveler_id"
    return [
        obj.code for obj in model.objects.filter(pk__in=list(decidable), **{traveler: delegate_id})
    ]


@transaction.atomic
def delegation_end(*, actor, delegation: Delegation) -> Delegation:
    """End a delegation early (the delegator is back); decisions already taken stay."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.delegator_id != actor.pk:
        raise not_allowed(NOT_YOURS)
    if delegation.revoked_at is not None:
        raise DomainError(MissionsError.ALREADY_ENDED, _("This delegation was already ended."))
    delegation.revoked_at = timezone.now()
    delegation._history_user = actor
    delegation._change_reason = "delegation ended"
    delegation.save(update_fields=["revoked_at"])
    approvals.changed()
    return delegation


@dataclass(frozen=True)
class BulkOutcome:
    code: str
    done: bool
    message: str


def approve_many(
    *, actor, missions: Sequence[Mission], advances: Sequence[Advance], comment: str = ""
) -> list[BulkOutcome]:
    """Approve several requests at once from the inbox: each one is checked and recorded on
    its own (its own transaction), so one refusal stops nothing else."""
    outcomes = []
    requests: list[Mission | Advance] = [*missions, *advances]
    for obj in requests:
        try:
            if isinstance(obj, Mission):
                mission_authorize(actor=actor, mission=obj, comment=comment)
            else:
                advance_approve(actor=actor, advance=obj, comment=comment)
        except DomainError as error:
            outcomes.append(BulkOutcome(obj.code, False, error.message))
        else:
            outcomes.append(BulkOutcome(obj.code, True, ""))
    return outcomes


@dataclass
class ReminderRun:
    reminders: int = 0
    escalations: int = 0
    stuck: int = 0
    lines: list[str] = field(default_factory=list)


@enforces("R-3.1d")
@transaction.atomic
def approvals_remind(*, today: dt.date, dry_run: bool = False) -> ReminderRun:
    """R-3.1d, daily: every open approval pending for `VIATICOS_APPROVAL_REMINDER_BUSINESS_DAYS`
    is reminded to whoever may give it; once it escalates (the escalation business days after
    submission) the alternates are asked too, being candidates from then on. Each notice is
    sent once per submission; running it twice sends nothing more."""
    from django.conf import settings

    from missions.models import ApprovalNotice
    from missions.notifications import notify_approval
    from viaticos.business_days import duty_calendar

    calendar = duty_calendar()
    directory = approvals.Directory.load(today=today)
    remind_after = settings.VIATICOS_APPROVAL_REMINDER_BUSINESS_DAYS
    run = ReminderRun()
    sent = set(
        ApprovalNotice.objects.values_list(
            "mission_id", "advance_id", "slot", "level", "pending_since"
        )
    )
    Level = ApprovalNotice.Level
    for kind in (approvals.MISSION, approvals.ADVANCE):
        requests = list(approvals.pending_requests(kind))
        mission_of = (
            {r.pk: r.pk for r in requests}
            if kind == approvals.MISSION
            else dict(
                Advance.objects.filter(pk__in=[r.pk for r in requests]).values_list(
                    "pk", "mission_id"
                )
            )
        )
        for request in requests:
            if request.since is None:
                continue
            waited = calendar.business_days_between(timezone.localdate(request.since), today)
            for slot in request.open_slots():
                found = approvals.candidates(directory, request, slot)
                if not found:
                    run.stuck += 1
                    continue
                escalated = directory.is_escalated(request)
                for level, due, people in (
                    (Level.REMINDER, waited >= remind_after, found),
                    (
                        Level.ESCALATION,
                        escalated,
                        [a for a in found if a.basis == approvals.Basis.ALTERNATE],
                    ),
                ):
                    mission_id = mission_of[request.pk]
                    advance_id = request.pk if kind == approvals.ADVANCE else None
                    key = (mission_id, advance_id, slot.value, level.value, request.since)
                    if not due or not people or key in sent:
                        continue
                    ids = sorted({a.actor_id for a in people})
                    code = f"{'M' if kind == approvals.MISSION else 'A'}-{request.pk:05d}"
                    run.lines.append(
                        f"{level.label}: {code} {slot.label} → "
                        + ", ".join(directory.name(i) for i in ids)
                    )
                    if level == Level.REMINDER:
                        run.reminders += 1
                    else:
                        run.escalations += 1
                    if dry_run:
                        continue
                    ApprovalNotice.objects.create(
                        mission_id=mission_id,
                        advance_id=advance_id,
                        slot=slot,
                        level=level,
                        pending_since=request.since,
                        sent_on=today,
                        recipients=",".join(map(str, ids)),
                    )
                    notify_approval(kind, request.pk, level.value, ids)
    return run
