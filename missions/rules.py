"""Mission and advance rules that are not plain arithmetic: itinerary shape (R-2e), the planned
per diem (R-3.9 via the engine), and advance eligibility (R-3.11, R-7b). Each rule lives here
once; services and pages call these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.errors import MissionsError
from missions.models import Advance, Destination, Mission
from missions.perdiem import Leg, Line, PerDiemError, PerDiemResult, compute_per_diem
from missions.perdiem_messages import to_domain_error
from missions.rates import daily_rate_for
from missions.transitions import MISSION
from viaticos.errors import DomainError
from viaticos.models import Organization
from viaticos.rules_registry import enforces


@dataclass(frozen=True)
class LegInput:
    destination: Destination
    arrive_at: dt.datetime
    leave_at: dt.datetime


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def check_trip_bounds(*, departure_at: dt.datetime, return_at: dt.datetime, legs: int = 1) -> None:
    """Bounds a real organization accepts (settings VIATICOS_MAX_MISSION_DAYS,
    VIATICOS_MAX_ITINERARY_LEGS): a 2026–2099 "mission" is a typing mistake or an attack, and its
    per diem table, page and mission order would grow without limit."""
    max_days = settings.VIATICOS_MAX_MISSION_DAYS
    days = (_local(return_at).date() - _local(departure_at).date()).days + 1
    if days > max_days:
        raise DomainError(
            MissionsError.MISSION_TOO_LONG,
            _(
                "A mission lasts at most %(max)s days; this one lasts %(days)s. Check the dates "
                "or split it into several missions."
            )
            % {"max": max_days, "days": days},
            field="return_at",
        )
    max_legs = settings.VIATICOS_MAX_ITINERARY_LEGS
    if legs > max_legs:
        raise DomainError(
            MissionsError.ITINERARY_TOO_LONG,
            _("An itinerary has at most %(max)s destinations; this one has %(legs)s.")
            % {"max": max_legs, "legs": legs},
            field="legs",
        )


@enforces("R-2e")
def check_itinerary(
    *, departure_at: dt.datetime, return_at: dt.datetime, legs: Sequence[LegInput]
) -> None:
    """R-2e: a mission leaves the duty station, visits one or more places outside the duty
    city, in order, and comes back to the duty station."""
    if return_at <= departure_at:
        raise DomainError(
            MissionsError.RETURN_BEFORE_DEPARTURE,
            _("The return to the duty station must be after the departure."),
            field="return_at",
        )
    if not legs:
        raise DomainError(
            MissionsError.ITINERARY_EMPTY,
            _("Add at least one destination to the itinerary."),
            field="legs",
        )
    check_trip_bounds(departure_at=departure_at, return_at=return_at, legs=len(legs))
    organization = Organization.current()
    previous_leave = departure_at
    for number, leg in enumerate(legs, start=1):
        if leg.leave_at < leg.arrive_at:
            raise DomainError(
                MissionsError.LEG_DATES_OUT_OF_ORDER,
                _("Destination %(n)s: the departure from %(place)s is before the arrival.")
                % {"n": number, "place": leg.destination.display_name},
                field="legs",
            )
        if leg.arrive_at < previous_leave:
            code = (
                MissionsError.ITINERARY_NOT_FROM_DUTY_STATION
                if number == 1
                else MissionsError.LEGS_OVERLAP
            )
            message = (
                _(
                    "The itinerary must start at the duty station: the arrival at %(place)s is "
                    "before the departure from the duty station."
                )
                if number == 1
                else _(
                    "Destination %(n)s: the arrival at %(place)s is before leaving the "
                    "previous destination."
                )
            )
            raise DomainError(
                code, message % {"n": number, "place": leg.destination.display_name}, field="legs"
            )
        if organization and _is_duty_station(leg.destination, organization):
            raise DomainError(
                MissionsError.DESTINATION_IS_DUTY_STATION,
                _(
                    "%(place)s is the duty station: a mission is a trip outside the duty-station "
                    "city (R-2e)."
                )
                % {"place": leg.destination.display_name},
                field="legs",
            )
        previous_leave = leg.leave_at
    if previous_leave > return_at:
        raise DomainError(
            MissionsError.ITINERARY_NOT_BACK_TO_DUTY_STATION,
            _(
                "The itinerary must end at the duty station: the departure from %(place)s is "
                "after the return to the duty station."
            )
            % {"place": legs[-1].destination.display_name},
            field="legs",
        )


# R-3.14 (table note 2): the kinds of mission that go to an event, whose meals the event may
# provide: an event of the organization, or one another institution sponsors.
EVENT_KINDS = frozenset({Mission.Kind.EVENT, Mission.Kind.SPONSORED_EVENT})
# R-2c with: a visit to the home country may include an event whose meals it provides.
MEALS_COVERED_KINDS = EVENT_KINDS | {Mission.Kind.HOME_COUNTRY}


def _is_duty_station(destination: Destination, organization: Organization) -> bool:
    return (
        destination.country.upper() == organization.duty_country.upper()
        and organization.duty_city.strip().lower() in destination.name.lower()
    )


@enforces("R-2d", "R-3.16", "R-3.14")
def plan_per_diem(
    *,
    kind: str,
    departure_at: dt.datetime,
    return_at: dt.datetime,
    legs: Sequence[LegInput],
    meals_covered: Mapping[dt.date, Sequence[str]] | None = None,
    all_meals_covered: bool = False,
    sponsor_daily_amount: Decimal | None = None,
    event_days: int | None = None,
) -> PerDiemResult:
    """The planned per diem of a mission (R-3.9 with R-3.14, R-6, R-2c, R-3.15, R-3.8b).

    Each leg starts on the day the traveler sleeps there (the first one on the departure day);
    the rate is the one in force on that day. Relocation (R-2d, R-3.16) pays no per diem.
    Meals the event covers (R-3.14) count on every event kind (EVENT_KINDS), a sponsored
    one included, and on a visit to the home country (R-2c): the sponsor's amount (R-6) is
    then taken off what is left. `event_days`: the event's length for R-6's 30 days (the
    settlement passes the planned trip's, so that a return that slips keeps the complement).
    """
    departure_at, return_at = _local(departure_at), _local(return_at)
    if kind in Mission.RELOCATION_KINDS:
        if return_at <= departure_at:
            raise to_domain_error(PerDiemError("return_before_departure"))
        days = (return_at.date() - departure_at.date()).days + 1
        return PerDiemResult(lines=(), mission_days=days, nights=days - 1)
    engine_legs = []
    for index, leg in enumerate(legs):
        start = departure_at.date() if index == 0 else _local(leg.arrive_at).date()
        engine_legs.append(
            Leg(
                start=start,
                rate=daily_rate_for(destination=leg.destination, on=start),
                destination=leg.destination.name,
            )
        )
    try:
        return compute_per_diem(
            departure_at=departure_at,
            return_at=return_at,
            legs=engine_legs,
            meals_covered=meals_covered if kind in MEALS_COVERED_KINDS else None,
            all_meals_covered=all_meals_covered and kind in MEALS_COVERED_KINDS,
            sponsor_daily_amount=sponsor_daily_amount
            if kind == Mission.Kind.SPONSORED_EVENT
            else None,
            home_country_no_hotel=kind == Mission.Kind.HOME_COUNTRY,
            per_diem_covered_by_host=kind == Mission.Kind.AFFILIATED_INVITATION,
            event_days=event_days,
        )
    except PerDiemError as error:
        raise to_domain_error(error) from error


def result_to_snapshot(result: PerDiemResult) -> dict[str, Any]:
    """The planned per diem as stored on the mission: a later rate change never alters it."""
    return {
        "currency": result.currency,
        "mission_days": result.mission_days,
        "nights": result.nights,
        "lines": [
            {
                "date": line.date.isoformat(),
                "concept": line.concept,
                "rate": str(line.rate),
                "share": str(line.share),
                "factor": str(line.factor),
                "amount": str(line.amount),
                "rule": line.rule,
                "basis": line.basis,
            }
            for line in result.lines
        ],
        "lodging_total": str(result.lodging_total),
        "meals_total": str(result.meals_total),
        "sponsor_total": str(result.sponsor_total),
        "total": str(result.total),
    }


def snapshot_to_result(snapshot: Mapping[str, Any]) -> PerDiemResult:
    lines = tuple(
        Line(
            date=dt.date.fromisoformat(line["date"]),
            concept=line["concept"],
            rate=Decimal(line["rate"]),
            share=Decimal(line["share"]),
            factor=Decimal(line["factor"]),
            amount=Decimal(line["amount"]),
            rule=line["rule"],
            basis=line["basis"],
        )
        for line in snapshot.get("lines", [])
    )
    return PerDiemResult(
        lines=lines,
        mission_days=snapshot.get("mission_days", 0),
        nights=snapshot.get("nights", 0),
        currency=snapshot.get("currency", "USD"),
    )


def invitation_missing(mission: Mission) -> bool:
    """R-3.11c: events and invitations need the invitation letter attached."""
    return mission.needs_invitation and not mission.invitation_file


@enforces("R-3.11", "R-3.11b", "R-3.11c")
def check_advance_eligibility(*, mission: Mission, pending: Sequence[Advance]) -> None:
    """R-3.11: an advance is granted only if (b) the mission is authorized, (c) the invitation
    is attached when the type requires it, and (a) the traveler has no advance pending
    settlement — except (R-7b) for an emergency mission authorized by the Executive Secretary
    and the Project Coordinator. `pending` are the traveler's advances pending settlement."""
    if MISSION.get(mission.status, "request_advance") is None:
        raise DomainError(
            MissionsError.MISSION_NOT_AUTHORIZED,
            _(
                "An advance can only be requested for a mission authorized by the Project "
                "Coordinator and the Executive Secretary (R-3.11b)."
            ),
        )
    if invitation_missing(mission):
        raise DomainError(
            MissionsError.INVITATION_MISSING,
            _(
                "Attach the invitation letter to the mission before requesting an advance "
                "(R-3.11c)."
            ),
            field="invitation",
        )
    check_no_advance_pending_settlement(mission=mission, pending=pending)


@enforces("R-3.11a", "R-7b")
def check_no_advance_pending_settlement(
    *, mission: Mission, pending: Sequence[Advance], disbursing: bool = False
) -> None:
    """R-3.11a: no new advance while another one of the traveler is pending settlement, except
    (R-7b) for an emergency mission authorized by the Executive Secretary and the Project
    Coordinator. Checked when the advance is requested and again when it is disbursed: two
    advances requested at the same time are both only "requested"; paying the second while the
    first is unsettled is what the rule forbids."""
    others = [advance for advance in pending if advance.mission_id != mission.pk]
    if not others or (mission.is_emergency and mission.is_authorized_by_both):
        return
    blocking = others[0]
    values = {
        "advance": blocking.code,
        "mission": blocking.mission.code,
        "places": blocking.mission.destinations_label,
        "date": _local(blocking.mission.return_at).strftime("%d/%m/%Y"),
    }
    if disbursing:
        message = _(
            "The traveler still has the advance %(advance)s of mission %(mission)s (%(places)s, "
            "back on %(date)s) pending settlement: this advance cannot be disbursed until that "
            "one is settled or returned (R-3.11a). Only an emergency mission authorized by the "
            "Executive Secretary and the Project Coordinator is exempt (R-7b)."
        )
    else:
        message = _(
            "You still have the advance %(advance)s of mission %(mission)s (%(places)s, back "
            "on %(date)s) pending settlement. Submit its settlement (liquidación) with the "
            "receipts to Accounting, or return the money to Treasury, before requesting a new "
            "advance (R-3.11a). Only an emergency mission authorized by the Executive "
            "Secretary and the Project Coordinator is exempt (R-7b)."
        )
    raise DomainError(MissionsError.ADVANCE_PENDING_SETTLEMENT, message % values)
