"""Reads for pages and the API, shaped with the joins they need (constant query counts)."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from missions.access import reads_all
from missions.models import Advance, Mission, MissionEvent, MissionLeg
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces


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
            "traveler", "project", "coordinator_authorized_by", "secretary_authorized_by"
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
    qs = _mission_base()
    if reads_all(user):
        return qs
    visible = Q(traveler=user)
    if has_role(user, Role.PROJECT_COORDINATOR):
        visible |= Q(project__coordinator=user)
    return qs.filter(visible)


def mission_get_for_user(user, pk) -> Mission:
    """The one access check for a mission: 404 for anyone who may not see it."""
    return get_object_or_404(missions_visible_to(user), pk=pk)


def _advance_base() -> QuerySet[Advance]:
    return Advance.objects.select_related(
        "mission__traveler",
        "mission__project",
        "requested_by",
        "coordinator_approved_by",
        "finance_approved_by",
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
    visible = Q(mission__traveler=user)
    if has_role(user, Role.PROJECT_COORDINATOR):
        visible |= Q(mission__project__coordinator=user)
    return qs.filter(visible)


def advances_visible_to(user) -> QuerySet[Advance]:
    """The advances list (API): only what a row shows — the mission's code and traveler and who
    decided — without the mission's per-diem snapshot, its project or its itinerary."""
    qs = Advance.objects.select_related(
        "mission__traveler", "coordinator_approved_by", "finance_approved_by", "disbursed_by"
    ).defer("mission__planned_perdiem")
    return _advances_visible(qs, user)


def advance_get_for_user(user, pk) -> Advance:
    """The one access check for an advance: the same visibility as its mission."""
    return get_object_or_404(_advances_visible(_advance_base(), user), pk=pk)


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


def missions_awaiting_decision(user) -> QuerySet[Mission]:
    """Submitted missions where `user` still has to authorize or reject (never their own)."""
    slots = Q(pk__in=[])
    if has_role(user, Role.PROJECT_COORDINATOR):
        slots |= Q(project__coordinator=user, coordinator_authorized_at__isnull=True)
    if has_role(user, Role.EXECUTIVE_SECRETARY):
        slots |= Q(secretary_authorized_at__isnull=True) & ~Q(coordinator_authorized_by=user)
    return (
        _mission_list_base()
        .filter(slots, status=Mission.Status.SUBMITTED)
        .exclude(traveler=user)
        .order_by("updated_at", "pk")
    )


def advances_awaiting_decision(user) -> QuerySet[Advance]:
    slots = Q(pk__in=[])
    if has_role(user, Role.PROJECT_COORDINATOR):
        slots |= Q(mission__project__coordinator=user, coordinator_approved_at__isnull=True)
    if has_role(user, Role.FINANCE_DIRECTOR):
        slots |= Q(finance_approved_at__isnull=True) & ~Q(coordinator_approved_by=user)
    return (
        _advance_list_base()
        .filter(slots, status=Advance.Status.REQUESTED)
        .exclude(mission__traveler=user)
        .order_by("-priority", "requested_at", "pk")
    )


@enforces("R-5")
def disbursement_queue() -> QuerySet[Advance]:
    """Treasury's list: signed advances to pay, emergencies first (R-5), then money to get
    back from stopped missions (R-4)."""
    return (
        _advance_list_base()
        .filter(status__in=[Advance.Status.SIGNED, Advance.Status.RETURN_DUE])
        .order_by("status", "-priority", "requested_at", "pk")
    )


def mission_timeline(mission: Mission) -> QuerySet[MissionEvent]:
    return mission.events.select_related("actor", "advance").order_by("at", "pk")


def mission_next_step(mission: Mission) -> str:
    """What has to happen next, in words, for the list pages."""
    S = Mission.Status
    advances = mission.advances.all()
    advance = advances[0] if advances else None
    if mission.status == S.DRAFT:
        return _("Complete it and submit it for authorization.")
    if mission.status == S.REJECTED:
        return _("Correct it following the reason given and submit it again.")
    if mission.status == S.SUBMITTED:
        waiting = []
        if not mission.coordinator_authorized_at:
            waiting.append(_("Project Coordinator"))
        if not mission.secretary_authorized_at:
            waiting.append(_("Executive Secretary"))
        return _("Waiting for authorization by: %(who)s.") % {"who": ", ".join(waiting)}
    if advance and advance.status == Advance.Status.REQUESTED:
        return _("Advance waiting for approval by the Project Coordinator and Finance Director.")
    if advance and advance.status == Advance.Status.APPROVED:
        return _("Sign the advance request so that Treasury can pay it (R-3.1).")
    if advance and advance.status == Advance.Status.SIGNED:
        return _("Treasury will disburse the advance.")
    if advance and advance.status == Advance.Status.RETURN_DUE:
        return _("Return the advance to Treasury at once (R-4).")
    if mission.status == S.AUTHORIZED:
        if not advance or advance.status in (Advance.Status.REJECTED, Advance.Status.CANCELLED):
            return _("Request the advance if you need one, then start the mission.")
        return _("Start the mission on the departure day.")
    if mission.status == S.IN_PROGRESS:
        return _("Mark your return when you are back at the duty station.")
    if mission.status == S.RETURNED:
        # The settlement's own step once it exists, so that the home page and "What I owe"
        # never contradict each other (issue 17).
        settlement = getattr(mission, "settlement_status", None)
        if settlement in ("submitted", "received", "reviewed"):
            return _("Your settlement is with Accounting.")
        if settlement == "settled":
            return _("Your settlement was accepted: see “What I owe” for the balance.")
        if settlement == "returned":
            return _("Your settlement was returned: correct it and submit it again.")
        return _("Submit the settlement with the travel evidence and the mission report.")
    if mission.status in Mission.STOPPED and advance and advance.settlement_required:
        return _("Submit the settlement of the money spent (R-4).")
    return _("Nothing to do.")
