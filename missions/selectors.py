"""Reads for pages and the API, shaped with the joins they need (constant query counts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from missions import approvals, hooks
from missions.access import reads_all
from missions.models import Advance, Mission, MissionEvent, MissionLeg
from missions.transitions import ADVANCE, ADVANCE_WAITING, MISSION
from viaticos.people import (
    blocked_person_ids,
    display_name,
    log_blocked_read,
    serves_hold_purpose,
    with_blocked_flag,
    without_blocked,
)
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _mission_prefetches() -> tuple[Prefetch, ...]:
    return (
        Prefetch("legs", queryset=MissionLeg.objects.select_related("destination")),
        Prefetch("advances", queryset=Advance.objects.order_by("-requested_at", "-pk")),
    )


def _with_settlement_status(qs: QuerySet[Mission]) -> QuerySet[Mission]:
    """The status of the mission's settlement, read in the same query through the mission's
    own reverse relation (missions never imports settlements): what `mission_next_step`
    says after the return depends on it."""
    return qs.annotate(settlement_status=F("settlement__status"))


def _mission_base() -> QuerySet[Mission]:
    return _with_settlement_status(
        Mission.objects.select_related(
            "traveler",
            "project",
            "coordinator_authorized_by",
            "secretary_authorized_by",
            "coordinator_authorized_for",
            "secretary_authorized_for",
        ).prefetch_related(*_mission_prefetches())
    )


def _mission_list_base() -> QuerySet[Mission]:
    """For list pages: who authorized and the per-diem snapshot (a large JSON document) are
    shown only on a mission's own page."""
    return _with_settlement_status(
        Mission.objects.select_related("traveler", "project")
        .prefetch_related(*_mission_prefetches())
        .defer("planned_perdiem")
    )


def missions_visible_to(user) -> QuerySet[Mission]:
    """A traveler sees their own missions, a coordinator those of their projects, the
    deciding, paying and auditing roles all of them."""
    qs = without_blocked(_mission_base(), "traveler")  # R-T2: never in a list
    if reads_all(user):
        return qs
    return qs.filter(_mission_visibility(user))


def _mission_visibility(user, prefix: str = "", stand_in: bool = True) -> Q:
    """Besides their own and their projects', a delegate or an alternate sees the missions they
    may decide on now (R-3.1d) and those they decided on."""
    visible = Q(**{f"{prefix}traveler": user})
    if has_role(user, Role.PROJECT_COORDINATOR):
        visible |= Q(**{f"{prefix}project__coordinator": user})
    if stand_in and approvals.stands_in(user):
        visible |= Q(**{f"{prefix}coordinator_authorized_by": user}) | Q(
            **{f"{prefix}secretary_authorized_by": user}
        )
        decidable = approvals.decidable_by(approvals.Directory.load(), user.pk, "mission")
        if decidable:
            visible |= Q(**{f"{prefix}pk__in": list(decidable)})
    return visible


def mission_get_for_user(user, pk) -> Mission:
    """The one access check for a mission: 404 for anyone who may not see it. Asked first
    without the delegates' and alternates' reach (R-3.1d), which costs a query more."""
    qs = without_blocked(_mission_base(), "traveler", reader=user)
    if serves_hold_purpose(user):
        qs = with_blocked_flag(qs, "traveler")
    if reads_all(user):
        mission = get_object_or_404(qs, pk=pk)
    else:
        found = qs.filter(_mission_visibility(user, stand_in=False), pk=pk).first()
        mission = found or get_object_or_404(qs.filter(_mission_visibility(user)), pk=pk)
    _log_if_blocked(user, mission, mission.traveler, _("Mission %(code)s") % {"code": mission.code})
    return mission


def _log_if_blocked(user, obj, person, what: str) -> None:
    """R-T2, R-S3: a blocked person's record is read only for the hold's purpose, logged
    (`obj.person_blocked` read with it by `with_blocked_flag`)."""
    if getattr(obj, "person_blocked", False):
        log_blocked_read(actor=user, person=person, what=what, blocked=True)


def _advance_base() -> QuerySet[Advance]:
    return Advance.objects.select_related(
        "mission__traveler",
        "mission__project",
        "requested_by",
        "coordinator_approved_by",
        "finance_approved_by",
        "coordinator_approved_for",
        "finance_approved_for",
        "disbursed_by",
    ).prefetch_related(
        Prefetch("mission__legs", queryset=MissionLeg.objects.select_related("destination"))
    )


def _advance_list_base() -> QuerySet[Advance]:
    """For list pages: the traveler, the project and the itinerary of each advance's mission;
    not the mission's per-diem snapshot (a large JSON document)."""
    return (
        Advance.objects.select_related("mission__traveler", "mission__project")
        .prefetch_related(
            Prefetch("mission__legs", queryset=MissionLeg.objects.select_related("destination"))
        )
        .defer("mission__planned_perdiem")
    )


def _advances_visible(qs: QuerySet[Advance], user) -> QuerySet[Advance]:
    """The same visibility as their missions (see missions_visible_to)."""
    if reads_all(user):
        return qs
    visible = _mission_visibility(user, "mission__")
    if approvals.stands_in(user):
        visible |= Q(coordinator_approved_by=user) | Q(finance_approved_by=user)
        decidable = approvals.decidable_by(approvals.Directory.load(), user.pk, "advance")
        if decidable:
            visible |= Q(pk__in=list(decidable))
    return qs.filter(visible)


def advances_visible_to(user) -> QuerySet[Advance]:
    """The advances list (API): only what a row shows — the mission's code and traveler and who
    decided — without the mission's per-diem snapshot, its project or its itinerary."""
    qs = Advance.objects.select_related(
        "mission__traveler",
        "coordinator_approved_by",
        "finance_approved_by",
        "coordinator_approved_for",
        "finance_approved_for",
        "disbursed_by",
    ).defer("mission__planned_perdiem")
    return _advances_visible(without_blocked(qs, "mission__traveler"), user)


def advance_get_for_user(user, pk) -> Advance:
    """The one access check for an advance: the same visibility as its mission."""
    qs = without_blocked(_advance_base(), "mission__traveler", reader=user)
    if serves_hold_purpose(user):
        qs = with_blocked_flag(qs, "mission__traveler")
    advance = get_object_or_404(_advances_visible(qs, user), pk=pk)
    what = _("Advance %(code)s") % {"code": advance.code}
    _log_if_blocked(user, advance, advance.mission.traveler, what)
    return advance


def missions_of_traveler(user) -> QuerySet[Mission]:
    return _mission_list_base().filter(traveler=user)


@enforces("R-3.11a")
def advances_pending_settlement(*, traveler) -> list[Advance]:
    """R-3.11a: the traveler's advances given and not yet settled or returned."""
    return list(
        _advance_base()
        .filter(mission__traveler=traveler, status__in=Advance.PENDING_SETTLEMENT)
        .order_by("disbursed_at", "pk")
    )


@enforces("R-3.1d")
def awaiting_decision(user, directory=None) -> dict[str, tuple[QuerySet, dict]]:
    """Per kind ("mission", "advance"): the requests `user` may decide on now — as designated
    approver, delegate or alternate (R-3.1d), never their own, never a second slot (R-3.1s) —
    and the authority of each. Missions oldest submission first; advances emergencies first
    (R-5), then the oldest."""
    directory = directory or approvals.Directory.load()
    missions = approvals.decidable_by(directory, user.pk, approvals.MISSION)
    advances = approvals.decidable_by(directory, user.pk, approvals.ADVANCE)
    return {
        approvals.MISSION: (
            Mission.objects.select_related("traveler", "project")
            .prefetch_related(
                Prefetch("legs", queryset=MissionLeg.objects.select_related("destination"))
            )
            .defer("planned_perdiem")
            .filter(pk__in=list(missions), status=Mission.Status.SUBMITTED)
            .exclude(traveler__in=blocked_person_ids())
            .order_by("submitted_at", "pk"),
            missions,
        ),
        approvals.ADVANCE: (
            _advance_list_base()
            .filter(pk__in=list(advances), status=Advance.Status.REQUESTED)
            .exclude(mission__traveler__in=blocked_person_ids())
            .order_by("-priority", "requested_at", "pk"),
            advances,
        ),
    }


def missions_awaiting_decision(user) -> QuerySet[Mission]:
    return awaiting_decision(user)[approvals.MISSION][0]


def advances_awaiting_decision(user) -> QuerySet[Advance]:
    return awaiting_decision(user)[approvals.ADVANCE][0]


def pending_settlement_by_traveler(traveler_ids) -> dict[int, list[Advance]]:
    """The advances each traveler still has to settle (R-3.11a), for the approvers' inbox."""
    result: dict[int, list[Advance]] = {}
    for advance in (
        Advance.objects.filter(
            mission__traveler_id__in=set(traveler_ids), status__in=Advance.PENDING_SETTLEMENT
        )
        .select_related("mission")
        .defer("mission__planned_perdiem")
        .order_by("disbursed_on", "pk")
    ):
        result.setdefault(advance.mission.traveler_id, []).append(advance)
    return result


@enforces("R-5")
def disbursement_queue() -> QuerySet[Advance]:
    """Treasury's list: signed advances to pay, emergencies first (R-5), then money to get
    back from stopped missions (R-4)."""
    return (
        _advance_list_base()
        # Treasury pays to the payee's bank data (issue 20): shown on the page, logged (R-S3).
        .select_related("mission__traveler__traveler_profile")
        .filter(status__in=[Advance.Status.SIGNED, Advance.Status.RETURN_DUE])
        # R-T2: nothing new is paid to a blocked person (the money to get back stays listed:
        # recovering it is the purpose of the hold).
        .exclude(status=Advance.Status.SIGNED, mission__traveler__in=blocked_person_ids())
        .order_by("status", "-priority", "requested_at", "pk")
    )


def mission_timeline(mission: Mission) -> QuerySet[MissionEvent]:
    return mission.events.select_related("actor", "advance", "on_behalf_of").order_by("at", "pk")


def mission_next_step(mission: Mission) -> str:
    """What has to happen next, in words, for the list pages: the step of the transition the
    mission (or its advance, when someone has to act on it first) waits for
    (missions.transitions)."""
    S = Mission.Status
    advances = mission.advances.all()
    advance = advances[0] if advances else None
    if mission.status in Mission.EDITABLE:
        return MISSION.step(mission.status, "submit")
    if mission.status == S.SUBMITTED:
        waiting = []
        if not mission.coordinator_authorized_at:
            waiting.append(_("Project Coordinator"))
        if not mission.secretary_authorized_at:
            waiting.append(_("Executive Secretary"))
        return MISSION.step(S.SUBMITTED, "authorize") % {"who": ", ".join(waiting)}
    if advance and advance.status in ADVANCE_WAITING:
        return ADVANCE.first_step(advance.status)
    if mission.status == S.AUTHORIZED:
        if not advance or advance.status in (Advance.Status.REJECTED, Advance.Status.CANCELLED):
            return MISSION.step(S.AUTHORIZED, "request_advance")
        return MISSION.step(S.AUTHORIZED, "start")
    if mission.status == S.IN_PROGRESS:
        return MISSION.step(S.IN_PROGRESS, "return")
    if mission.status == S.RETURNED:
        # The settlement's own step once it exists, so that the home page and "What I owe"
        # never contradict each other (issue 17); settlements declares it (hooks).
        return hooks.settlement_step(getattr(mission, "settlement_status", None)) or (
            MISSION.step(S.RETURNED, "close")
        )
    if mission.status in Mission.STOPPED and advance and advance.settlement_required:
        return ADVANCE.step(Advance.Status.DISBURSED, "settle")
    return _("Nothing to do.")


def overlapping_missions(mission: Mission) -> list[Mission]:
    """The traveler's other live missions whose dates overlap `mission` (asked for a reason at
    submission)."""
    return list(
        Mission.objects.filter(
            traveler_id=mission.traveler_id,
            departure_at__lt=mission.return_at,
            return_at__gt=mission.departure_at,
        )
        .exclude(pk=mission.pk)
        .exclude(status__in=[*Mission.EDITABLE, *Mission.STOPPED])
        .defer("planned_perdiem")
        .order_by("departure_at")
    )


@dataclass(frozen=True)
class SlotView:
    """One of the two approvals of a request as a page shows it."""

    label: str | StrPromise
    by: str
    on_behalf_of: str
    at: object
    waiting_for: list[tuple[str, str]]  # (who may decide, why them) while open


def approval_slots(obj: Mission | Advance, directory=None) -> list[SlotView]:
    """R-3.1d: who gave each approval (and on whose behalf), or who may give it now and why;
    an open approval with nobody to give it says so."""
    kind = approvals.MISSION if isinstance(obj, Mission) else approvals.ADVANCE
    pending = (
        (obj.status == Mission.Status.SUBMITTED)
        if kind == approvals.MISSION
        else (obj.status == Advance.Status.REQUESTED)
    )
    request = approvals.PendingRequest.of(obj)
    directory = directory or (approvals.Directory.load() if pending else None)
    views = []
    for slot in approvals.SLOTS[kind]:
        prefix = approvals.FIELD_PREFIX[(kind, slot)]
        at = getattr(obj, f"{prefix}_at")
        waiting = []
        if pending and not at:
            for authority in approvals.candidates(directory, request, slot):
                who = directory.name(authority.actor_id)
                if authority.principal_id:
                    who = _("%(delegate)s on behalf of %(principal)s") % {
                        "delegate": who,
                        "principal": directory.name(authority.principal_id),
                    }
                waiting.append((who, authority.reason))
        by = getattr(obj, f"{prefix}_by") if at else None
        principal = getattr(obj, f"{prefix}_for") if at else None
        views.append(
            SlotView(
                slot.label,
                display_name(by) if by else "",
                display_name(principal) if principal else "",
                at,
                waiting,
            )
        )
    return views


def stuck_approvals(directory=None) -> list[dict]:
    """R-3.1d: pending requests with an approval nobody may give now, oldest first."""
    directory = directory or approvals.Directory.load()
    stuck = approvals.stuck_requests(directory)
    missions = Mission.objects.select_related("traveler", "project").defer("planned_perdiem")
    advances = Advance.objects.select_related("mission__traveler", "mission__project").defer(
        "mission__planned_perdiem"
    )
    objects = {
        (approvals.MISSION, m.pk): m
        for m in missions.filter(pk__in=[s.pk for s in stuck if s.kind == approvals.MISSION])
    } | {
        (approvals.ADVANCE, a.pk): a
        for a in advances.filter(pk__in=[s.pk for s in stuck if s.kind == approvals.ADVANCE])
    }
    rows = []
    for item in stuck:
        obj = objects.get((item.kind, item.pk))
        if obj is None:
            continue
        mission = obj if isinstance(obj, Mission) else obj.mission
        request = approvals.PendingRequest.of(obj)
        rows.append(
            {
                "obj": obj,
                "mission": mission,
                "slot": item.slot.label,
                "since": request.since,
                "why": approvals.why_nobody(directory, request, item.slot),
            }
        )
    return sorted(rows, key=lambda r: (r["since"] is None, r["since"]))


def delegations_of(user) -> dict:
    from missions.models import Delegation

    today = timezone.localdate()
    base = Delegation.objects.select_related("delegator", "delegate").filter(
        revoked_at__isnull=True, ends_on__gte=today
    )
    return {
        "given": list(base.filter(delegator=user).order_by("starts_on")),
        "received": list(base.filter(delegate=user).order_by("starts_on")),
        "today": today,
    }
