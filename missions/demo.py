"""Demo missions in every state, so that each page has content (called by load_demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from missions import budgets, services
from missions.budget_selectors import figures_of
from missions.models import ApprovalAlternate, BudgetLine, Delegation, Destination, Mission, Slot
from missions.rules import LegInput
from viaticos.models import Project


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _mission(user, project, code, start: dt.date, days: int, kind="ordinary", **extra):
    destination = Destination.objects.get(code=code)
    end = start + dt.timedelta(days=days)
    return services.mission_create(
        actor=user,
        project=project,
        kind=kind,
        purpose=extra.pop("purpose", "Taller regional de coordinación técnica"),
        expected_results=extra.pop("results", "Plan de trabajo acordado con las contrapartes"),
        budget_line=extra.pop("budget_line", "2.1.3 Pasajes y viáticos"),
        departure_at=_at(start, 7, 30),
        return_at=_at(end, 19, 0),
        legs=[LegInput(destination, _at(start, 12, 0), _at(end, 14, 0))],
        **extra,
    )


def _approvals(users: dict) -> None:
    """R-3.1d: each coordinator stands in for the other's project; the General Administrator
    stands in for the Executive Secretary and the Finance Director on their own requests; the
    Finance Director is on holiday this week and delegated to the General Administrator."""
    prevda, girh = Project.objects.get(code="PREVDA"), Project.objects.get(code="GIRH-AC")
    alternates = [
        (prevda, Slot.COORDINATOR, users["coordinadora2"], "Coordinadora adjunta de PREVDA"),
        (girh, Slot.COORDINATOR, users["coordinador"], "Coordinador adjunto de GIRH-AC"),
        (None, Slot.SECRETARY, users["administrador"], "Misiones de la Secretaría Ejecutiva"),
        (None, Slot.FINANCE, users["administrador"], "Anticipos del Director Financiero"),
    ]
    for project, slot, person, note in alternates:
        ApprovalAlternate.objects.get_or_create(
            project=project, slot=slot, alternate=person, defaults={"note": note}
        )
    today = timezone.localdate()
    if not Delegation.objects.filter(delegator=users["finanzas"]).exists():
        services.delegation_create(
            actor=users["finanzas"],
            delegate=users["administrador"],
            starts_on=today - dt.timedelta(days=1),
            ends_on=today + dt.timedelta(days=6),
            reason="Vacaciones",
            today=today,
        )


BUDGETS = [
    # SPEC §2.5: the donor-approved lines (project, code, description, USD)
    ("PREVDA", "2.1.3", "Pasajes y viáticos", "25000.00"),
    ("PREVDA", "2.1.4", "Talleres regionales", "40000.00"),
    ("PREVDA", "3.2.1", "Consultorías", "60000.00"),
    ("GIRH-AC", "2.1.3", "Pasajes y viáticos", "20000.00"),
    ("GIRH-AC", "2.2.1", "Capacitación comunitaria", "15000.00"),
]


def _budgets(users: dict) -> None:
    year = timezone.localdate().year
    for project, code, description, amount in BUDGETS:
        if not BudgetLine.objects.filter(project__code=project, code=code).exists():
            budgets.budget_line_save(
                actor=users["finanzas"],
                project=Project.objects.get(code=project),
                code=code,
                description=description,
                amount=Decimal(amount),
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                reason="Convenio de financiamiento (demo)",
            )


def _near_the_limit(users: dict, mission: Mission) -> None:
    """GIRH-AC's travel line is cut (a donor amendment) to leave less than `mission` needs:
    its authorization waits for the Finance Director's override (SPEC §2.5)."""
    line = mission.line
    assert line is not None  # the demo mission is charged to a budget line
    figures = figures_of(line)
    used = figures.committed + figures.spent
    budgets.budget_line_save(
        actor=users["finanzas"],
        project=line.project,
        code=line.code,
        description=line.description,
        amount=used + (mission.planned_total / 2).quantize(Decimal("0.01")),
        period_start=line.period_start,
        period_end=line.period_end,
        reason="Enmienda 1 del BID: reasignación a capacitación (demo)",
    )


def load(users: dict) -> None:
    traveler, traveler2 = users["viajero"], users["viajera2"]
    _approvals(users)
    _budgets(users)
    if Mission.objects.filter(traveler__in=[traveler, traveler2]).exists():
        return  # idempotent: loaded before
    coordinator, coordinator2 = users["coordinador"], users["coordinadora2"]
    secretary, finance, treasury = users["secretaria"], users["finanzas"], users["tesoreria"]
    prevda, girh = Project.objects.get(code="PREVDA"), Project.objects.get(code="GIRH-AC")
    today = timezone.localdate()

    def authorize(mission, coord):
        services.mission_submit(actor=mission.traveler, mission=mission)
        services.mission_authorize(actor=coord, mission=mission, comment="Conforme al POA.")
        services.mission_authorize(actor=secretary, mission=mission)

    def advance(mission, coord, estimate="60.00", *, sign=True, pay=True):
        adv = services.advance_request(
            actor=mission.traveler, mission=mission, terminal_estimate=Decimal(estimate)
        )
        services.advance_approve(actor=coord, advance=adv)
        services.advance_approve(actor=finance, advance=adv)
        if sign:
            services.advance_sign(actor=mission.traveler, advance=adv)
        if sign and pay:
            services.advance_disburse(
                actor=treasury,
                advance=adv,
                disbursed_on=mission.departure_at.date() - dt.timedelta(days=2),
                method="transfer",
                reference="OP-2026-0412",
            )
        return adv

    # Lucía: a past mission back home with its advance pending settlement (blocks R-3.11a).
    past = _mission(traveler, prevda, "SV-SAL", today - dt.timedelta(days=12), 3)
    authorize(past, coordinator)
    advance(past, coordinator)
    services.mission_start(actor=traveler, mission=past)
    services.mission_mark_returned(actor=traveler, mission=past)
    # An emergency mission: qualified by the Executive Secretary, advance signed — priority.
    emergency = _mission(
        traveler,
        prevda,
        "HN-SPS",
        today + dt.timedelta(days=2),
        2,
        kind=Mission.Kind.EMERGENCY,
        purpose="Evaluación de daños tras las inundaciones en el valle de Sula",
    )
    authorize(emergency, coordinator)
    advance(emergency, coordinator, "80.00", pay=False)
    # Submitted, waiting for both authorizations; and a draft.
    waiting = _mission(
        traveler,
        prevda,
        "PA",
        today + dt.timedelta(days=20),
        2,
        purpose="Taller regional de alerta temprana",
    )
    services.mission_submit(actor=traveler, mission=waiting)
    _mission(traveler, prevda, "GT", today + dt.timedelta(days=40), 1)
    # Rosa: an authorized mission whose advance waits for the Finance Director.
    rosa = _mission(traveler2, girh, "CR-SJO", today + dt.timedelta(days=10), 2)
    authorize(rosa, coordinator2)
    adv = services.advance_request(
        actor=traveler2, mission=rosa, terminal_estimate=Decimal("45.00")
    )
    services.advance_approve(actor=coordinator2, advance=adv)
    # Rosa: a rejected one, and one waiting for the Executive Secretary only.
    rejected = _mission(traveler2, girh, "NI", today + dt.timedelta(days=30), 3)
    services.mission_submit(actor=traveler2, mission=rejected)
    services.mission_reject(
        actor=coordinator2, mission=rejected, reason="Ajustar fechas al calendario del taller."
    )
    half = _mission(traveler2, girh, "GT", today + dt.timedelta(days=15), 2)
    services.mission_submit(actor=traveler2, mission=half)
    services.mission_authorize(actor=coordinator2, mission=half)
    _near_the_limit(users, half)
    # Pablo, PREVDA's coordinator, travels on his own project: his deputy (the GIRH-AC
    # coordinator, configured as alternate) and the Executive Secretary authorize it (R-3.1d).
    own = _mission(
        coordinator,
        prevda,
        "GT",
        today + dt.timedelta(days=25),
        2,
        purpose="Supervisión de las obras de mitigación en Escuintla",
    )
    services.mission_submit(actor=coordinator, mission=own)
