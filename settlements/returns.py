"""Recording the return (SPEC §4 "When the clock starts"): the traveler or the coordinator
records the actual return, the coordinator (or the Executive Secretary) an authorized
extension. The deadline then counts from it (settlements.ledger.clock)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from missions import access as mission_access
from missions import services as mission_services
from missions.models import Mission
from settlements.errors import SettlementsError
from settlements.models import ReturnRecord
from viaticos.errors import CommonError, DomainError, NotAllowed, require_reason
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces

# Missions whose traveler is away, or just back: the return can be recorded.
RECORDABLE = frozenset(
    {Mission.Status.AUTHORIZED, Mission.Status.IN_PROGRESS, Mission.Status.RETURNED}
)


def can_record(user, mission: Mission, kind: str) -> bool:
    coordinator = mission_access.is_project_coordinator_of(user, mission)
    if kind == ReturnRecord.Kind.EXTENSION:
        return coordinator or has_role(user, Role.EXECUTIVE_SECRETARY)
    return mission.traveler_id == user.pk or coordinator


@enforces("R-3.3")
@transaction.atomic
def mission_record_return(
    *, actor, mission: Mission, kind: str, at: dt.datetime, today: dt.date, reason: str = ""
) -> ReturnRecord:
    """R-3.3 (SPEC §4): record the actual return to the duty station, or an authorized
    extension (the new planned return, with its reason). Recording their own actual return
    also marks the traveler's mission as returned, so its settlement can start."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if kind not in ReturnRecord.Kind.values:
        raise DomainError(
            SettlementsError.INVALID_KIND,
            _("Choose an actual return or an extension."),
            field="kind",
        )
    if not can_record(actor, mission, kind):
        raise NotAllowed(
            CommonError.NOT_ALLOWED,
            _(
                "The traveler or the Project Coordinator records the return; an extension is "
                "authorized by the Project Coordinator or the Executive Secretary."
            ),
        )
    if mission.status not in RECORDABLE:
        raise DomainError(
            CommonError.WRONG_STATE,
            _("The return of mission %(code)s cannot be recorded: it is “%(status)s”.")
            % {"code": mission.code, "status": mission.get_status_display()},
        )
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at <= mission.departure_at:
        raise DomainError(
            SettlementsError.RETURN_BEFORE_DEPARTURE,
            _("The return is before the departure."),
            field="at",
        )
    if kind == ReturnRecord.Kind.ACTUAL_RETURN:
        if at > timezone.now():
            raise DomainError(
                SettlementsError.RETURN_IN_THE_FUTURE,
                _("An actual return cannot be in the future; record an extension instead."),
                field="at",
            )
    else:
        reason = require_reason(reason)
        if at <= mission.return_at:
            raise DomainError(
                SettlementsError.EXTENSION_NOT_LATER,
                _("An extension moves the return later than the planned %(date)s.")
                % {"date": timezone.localtime(mission.return_at).strftime("%d/%m/%Y %H:%M")},
                field="at",
            )
    record = ReturnRecord(
        mission=mission,
        kind=kind,
        at=at,
        reason=(reason or "").strip(),
        recorded_on=today,
        recorded_by=actor,
    )
    record._history_user = actor
    record._change_reason = kind
    record.save()
    if (
        kind == ReturnRecord.Kind.ACTUAL_RETURN
        and mission.traveler_id == actor.pk
        and mission.status == Mission.Status.IN_PROGRESS
    ):
        mission_services.mission_mark_returned(
            actor=actor, mission=mission, comment=timezone.localtime(at).strftime("%d/%m/%Y %H:%M")
        )
    return record


def actual_return_of(mission: Mission) -> dt.datetime | None:
    """The latest actual return recorded for the mission (the settlement starts with it)."""
    return (
        ReturnRecord.objects.filter(mission=mission, kind=ReturnRecord.Kind.ACTUAL_RETURN)
        .order_by("-created_at", "-pk")
        .values_list("at", flat=True)
        .first()
    )


def extension_of(mission: Mission) -> dt.datetime | None:
    """The latest authorized extension of the mission's return, if any."""
    return (
        ReturnRecord.objects.filter(mission=mission, kind=ReturnRecord.Kind.EXTENSION)
        .order_by("-created_at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
