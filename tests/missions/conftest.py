import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from missions import services
from missions.models import Destination, Mission
from missions.rules import LegInput
from tests.factories import OrganizationFactory, ProjectFactory


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def project(coordinator):
    return ProjectFactory(code="PREVDA", coordinator=coordinator)


@pytest.fixture
def budget_line(project):
    """Line 2.1.3 of the project's donor-approved budget (SPEC §2.5), with room to spare."""
    from missions.models import BudgetLine

    return BudgetLine.objects.create(
        project=project,
        code="2.1.3",
        description="Viajes y viáticos",
        amount=Decimal("100000.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


@pytest.fixture
def make_mission(seed_rates, organization, project, traveler):
    """A draft mission (E1: San Salvador, 2026-03-02 07:30 → 2026-03-05 19:00 = 400.00)."""

    def make(user=None, *, kind=Mission.Kind.ORDINARY, code="SV-SAL", proj=None, **extra):
        destination = Destination.objects.get(code=code)
        departure, back = local(2026, 3, 2, 7, 30), local(2026, 3, 5, 19, 0)
        return services.mission_create(
            actor=user or traveler,
            project=proj or project,
            kind=kind,
            purpose="Taller regional de gestión de riesgos",
            expected_results="Plan de acción acordado",
            budget_line=extra.pop("budget_line", "2.1.3 Viajes"),
            departure_at=departure,
            return_at=back,
            legs=[LegInput(destination, local(2026, 3, 2, 11, 0), local(2026, 3, 5, 15, 0))],
            **extra,
        )

    return make


@pytest.fixture
def authorized_mission(make_mission, traveler, coordinator, executive_secretary):
    def make(user=None, **kwargs):
        mission = make_mission(user, **kwargs)
        services.mission_submit(
            actor=mission.traveler, mission=mission, overlap_reason="Misiones de prueba paralelas"
        )
        services.mission_authorize(actor=coordinator, mission=mission)
        services.mission_authorize(actor=executive_secretary, mission=mission)
        mission.refresh_from_db()
        return mission

    return make


@pytest.fixture
def signed_advance(authorized_mission, coordinator, finance_director):
    def make(user=None, **kwargs):
        mission = authorized_mission(user, **kwargs)
        advance = services.advance_request(
            actor=mission.traveler, mission=mission, terminal_estimate=Decimal("50.00")
        )
        services.advance_approve(actor=coordinator, advance=advance)
        services.advance_approve(actor=finance_director, advance=advance)
        services.advance_sign(actor=mission.traveler, advance=advance)
        advance.refresh_from_db()
        return advance

    return make


@pytest.fixture
def disbursed_advance(signed_advance, treasurer):
    def make(user=None, **kwargs):
        advance = signed_advance(user, **kwargs)
        services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=dt.date(2026, 2, 27),
            method="transfer",
            reference="OP-1",
        )
        advance.refresh_from_db()
        return advance

    return make
