"""Personal data held by `missions`, declared to privacy (privacy/registry.py, R-A8, R-T1…R-T4).

Missions, itineraries and advances are accounting support of the viáticos: their retention
clock is the settlement's (`settlements.accounting_support`, declared by settlements/privacy.py,
which also covers missions that ended without a settlement). This module declares what the
person can get (acceso), what goes on cancelación, and the hold an unsettled advance puts on it.

It also holds the one helper both apps use to log staff reads of sensitive records (R-S3).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from privacy.registry import Hold, PersonalData, register
from viaticos.services import delete_files_on_commit

ANON = "—"


def _iso(value):
    return value.isoformat() if value is not None else None


def _money(value):
    return str(value) if value is not None else None


# --- R-S3 access log ---


def staff_access_log(request, *, subject, what: str, record_key: str = "") -> None:
    """R-S3: log a staff read of a person's identity document, bank data or file.

    One call per view. The owner reading their own record is not logged; `subject=None` is a
    page about several people (the label says so through `what`).
    """
    from privacy.ratelimit import client_address
    from privacy.services import access_log_record

    user = request.user
    if subject is not None and subject.pk == user.pk:
        return
    access_log_record(
        actor=user,
        what=what,
        subject=subject,
        subject_label="" if subject is not None else _("several people"),
        record_key=record_key,
        ip=client_address(request),
    )


def staff_access_log_each(request, *, subjects, what: str, record_key: str = "") -> None:
    """R-S3 for a list page that shows several people's records: one entry per person shown
    (the owner excepted), written in one query."""
    from privacy.ratelimit import client_address
    from privacy.services import access_log_record_many

    user = request.user
    others = {s.pk: s for s in subjects if s is not None and s.pk != user.pk}
    if others:
        access_log_record_many(
            actor=user,
            what=what,
            subjects=others.values(),
            record_key=record_key,
            ip=client_address(request),
        )


# --- R-A8 acceso ---


def missions_export(user) -> dict:
    """Everything `missions` holds about the person: missions, itineraries, advances."""
    from missions.models import Mission

    missions = (
        Mission.objects.filter(traveler=user)
        .select_related("project")
        .prefetch_related("legs__destination", "advances")
        .order_by("departure_at", "pk")
    )
    return {
        "missions": [
            {
                "code": m.code,
                "kind": m.kind,
                "status": m.status,
                "project": m.project.code,
                "budget_line": m.budget_line,
                "purpose": m.purpose,
                "expected_results": m.expected_results,
                "departure_at": _iso(m.departure_at),
                "return_at": _iso(m.return_at),
                "planned_per_diem_usd": _money(m.planned_total),
                "invitation_letter": (
                    {"file_name": m.invitation_name, "sha256": m.invitation_sha256}
                    if m.invitation_file
                    else None
                ),
                "itinerary": [
                    {
                        "destination": str(leg.destination),
                        "arrive_at": _iso(leg.arrive_at),
                        "leave_at": _iso(leg.leave_at),
                    }
                    for leg in m.legs.all()
                ],
                "advances": [
                    {
                        "code": a.code,
                        "status": a.status,
                        "amount_usd": _money(a.amount),
                        "per_diem_usd": _money(a.perdiem_amount),
                        "terminal_estimate_usd": _money(a.terminal_estimate),
                        "requested_at": _iso(a.requested_at),
                        "disbursed_on": _iso(a.disbursed_on),
                        "method": a.method,
                        "reference": a.reference,
                        "return_due_usd": _money(a.return_due_amount),
                        "returned_on": _iso(a.returned_on),
                    }
                    for a in m.advances.all()
                ],
            }
            for m in missions
        ]
    }


# --- R-A8 cancelación, R-T4 ---


INVITATION_WIPE = {
    "invitation_file": "",
    "invitation_name": "",
    "invitation_content_type": "",
}


def mission_anonymize(mission) -> bool:
    """R-T4: the invitation letter (a file with the person's name) goes; amounts, dates, codes
    and the per-diem snapshot stay. Returns whether anything was removed."""
    from missions.models import Mission

    if not mission.invitation_file and not mission.invitation_name:
        return False
    delete_files_on_commit([mission.invitation_file])
    Mission.objects.filter(pk=mission.pk).update(**INVITATION_WIPE)
    mission.history.all().update(**INVITATION_WIPE)
    return True


def missions_anonymize_bulk(mission_ids) -> set[int]:
    """`mission_anonymize` for many missions in three queries (the retention job); returns those
    that changed."""
    from missions.models import Mission

    rows = list(
        Mission.objects.filter(pk__in=mission_ids)
        .exclude(invitation_file="", invitation_name="")
        .values_list("pk", "invitation_file")
    )
    ids = [pk for pk, _file in rows]
    if ids:
        delete_files_on_commit([name for _pk, name in rows])
        Mission.objects.filter(pk__in=ids).update(**INVITATION_WIPE)
        Mission.history.filter(id__in=ids).update(**INVITATION_WIPE)
    return set(ids)


def missions_anonymize(user) -> list[str]:
    """R-A8 cancelación: only called when no hold applies; re-checked here (R-T2)."""
    from missions.models import Mission

    if missions_holds(user):
        return []
    removed = False
    for mission in Mission.objects.filter(traveler=user).exclude(invitation_file=""):
        removed |= mission_anonymize(mission)
    return [_("invitation letters of the missions")] if removed else []


# --- R-T2 holds ---


def missions_holds(user) -> list[Hold]:
    """R-T2: money given and not yet accounted for (R-3.11a) keeps the data."""
    from missions.models import Advance

    return [
        Hold(
            reason=_("Advance %(code)s (%(amount)s USD) is pending settlement")
            % {"code": a.code, "amount": a.amount},
            data_kept=_("Missions, itineraries, advances and their documents"),
            category="settlements.accounting_support",
        )
        for a in Advance.objects.filter(
            mission__traveler=user, status__in=Advance.PENDING_SETTLEMENT
        ).order_by("pk")
    ]


def missions_holds_bulk(user_ids) -> dict[int, list[Hold]]:
    """`missions_holds` for many people in one query (the retention job)."""
    from missions.models import Advance

    result: dict[int, list[Hold]] = {pk: [] for pk in user_ids}
    pending = (
        Advance.objects.filter(
            mission__traveler_id__in=user_ids, status__in=Advance.PENDING_SETTLEMENT
        )
        .select_related("mission")
        .only("pk", "amount", "mission__traveler_id")
        .order_by("pk")
    )
    for a in pending:
        result[a.mission.traveler_id].append(
            Hold(
                reason=_("Advance %(code)s (%(amount)s USD) is pending settlement")
                % {"code": a.code, "amount": a.amount},
                data_kept=_("Missions, itineraries, advances and their documents"),
                category="settlements.accounting_support",
            )
        )
    return result


def register_privacy() -> None:
    register(
        PersonalData(
            app="missions",
            export=missions_export,
            anonymize=missions_anonymize,
            holds=missions_holds,
            holds_bulk=missions_holds_bulk,
        )
    )
