"""SPEC §2.5: donor-approved budget lines, missions charged to one, commitments and overrides."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from missions import budgets, services
from missions.budget_selectors import figures_of
from missions.models import BudgetLine, Mission, MissionEvent
from tests.factories import ProjectFactory
from viaticos.errors import DomainError

CSV = (
    "project,code,description,amount_usd,period_start,period_end\n"
    "PREVDA,2.1.3,Viajes y viáticos,1000.00,2026-01-01,2026-12-31\n"
    "PREVDA,2.1.4,Talleres,2500,2026-01-01,2026-12-31\n"
)


def _upload(content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


# --- 1. Budgets: import, edit, history ------------------------------------------------------


def test_finance_director_imports_the_donor_csv(client, finance_director, project):
    client.force_login(finance_director)
    response = client.post("/presupuestos/importar/", {"file": _upload(CSV.encode(), "b.csv")})
    assert response.status_code == 302
    lines = {line.code: line for line in BudgetLine.objects.filter(project=project)}
    assert lines["2.1.3"].amount == Decimal("1000.00")
    assert lines["2.1.4"].description == "Talleres"
    assert lines["2.1.3"].history.first().history_user == finance_director
    # the same file again changes nothing (no new version)
    client.post("/presupuestos/importar/", {"file": _upload(CSV.encode(), "b.csv")})
    assert lines["2.1.3"].history.count() == 1


def test_import_is_all_or_nothing_and_names_the_bad_line(client, finance_director, project):
    client.force_login(finance_director)
    bad = CSV + "PREVDA,2.1.5,Equipos,mil,2026-01-01,2026-12-31\n"
    response = client.post(
        "/presupuestos/importar/", {"file": _upload(bad.encode(), "b.csv")}, follow=True
    )
    assert not BudgetLine.objects.exists()
    assert "4" in response.content.decode() and "amount_usd" in response.content.decode()
    with pytest.raises(budgets.BudgetFileError) as error:
        budgets.parse_budget_file(
            (CSV + "NOPE,1,x,1,2026-01-01,2026-12-31\n").encode(), filename="b.csv"
        )
    assert error.value.line == 4


def test_import_reads_xlsx_with_dates_and_numbers(finance_director, project):
    book = Workbook()
    sheet = book.active
    sheet.append(list(budgets.COLUMNS))
    sheet.append(["PREVDA", "3.1", "Pasajes", 750.5, dt.date(2026, 1, 1), dt.date(2026, 6, 30)])
    out = io.BytesIO()
    book.save(out)
    created, updated = budgets.budget_import(
        content=out.getvalue(), filename="donor.xlsx", actor=finance_director
    )
    assert (created, updated) == (1, 0)
    line = BudgetLine.objects.get(code="3.1")
    assert line.amount == Decimal("750.50") and line.period_end == dt.date(2026, 6, 30)


def test_finance_director_changes_a_line_and_the_previous_version_stays(
    client, finance_director, budget_line
):
    client.force_login(finance_director)
    response = client.post(
        "/presupuestos/",
        {
            "project": budget_line.project_id,
            "code": "2.1.3",
            "description": "Viajes y viáticos",
            "amount": "120000.00",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "reason": "Enmienda 2 del donante, 2026-05-10",
        },
    )
    assert response.status_code == 302
    budget_line.refresh_from_db()
    assert budget_line.amount == Decimal("120000.00")
    amounts = [h.amount for h in budget_line.history.order_by("history_date")]
    assert amounts == [Decimal("100000.00"), Decimal("120000.00")]
    assert budget_line.history.first().history_change_reason.startswith("Enmienda 2")


@pytest.mark.parametrize(
    "who,status",
    [("auditor", 200), ("accountant", 200), ("coordinator", 200), ("traveler", 403)],
)
def test_budget_page_is_read_by_finance_audit_and_coordinators(
    client, request, budget_line, who, status
):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/presupuestos/")
    assert response.status_code == status
    if status == 200:
        assert "2.1.3" in response.content.decode()
        assert "Guardar línea" not in response.content.decode()  # nobody but finance edits


@pytest.mark.parametrize("who", ["auditor", "accountant", "coordinator"])
def test_only_the_finance_director_edits_or_imports(client, request, project, who):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.post("/presupuestos/importar/", {"file": _upload(CSV.encode(), "b.csv")}).status_code
        == 403
    )
    assert client.post("/presupuestos/", {"code": "x"}).status_code == 403
    assert not BudgetLine.objects.exists()


# --- 2. Missions charge a line --------------------------------------------------------------


def test_mission_takes_only_a_line_of_its_project(make_mission, budget_line, traveler):
    other = BudgetLine.objects.create(
        project=ProjectFactory(code="OTRO"),
        code="9.9",
        description="Otro",
        amount=Decimal("10.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    with pytest.raises(DomainError) as error:
        make_mission(line=other)
    assert error.value.code == "budget_line_other_project"
    mission = make_mission(line=budget_line)
    assert mission.line == budget_line and mission.budget_line == "2.1.3"


def test_api_refuses_a_code_that_is_not_a_line_of_the_project(
    api_client, traveler, seed_rates, project, budget_line
):
    from tests.missions.test_missions_api import payload as mission_payload

    api_client.force_authenticate(traveler)
    response = api_client.post(
        "/api/v1/missions/", {**mission_payload(), "budget_line": "7.7"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_budget_line"
    response = api_client.post("/api/v1/missions/", mission_payload(), format="json")
    assert response.status_code == 201
    assert Mission.objects.get(pk=response.json()["id"]).line == budget_line


def test_typed_lines_are_mapped_by_code_when_the_budget_arrives(
    client, make_mission, finance_director
):
    matched = make_mission()  # typed "2.1.3 Viajes", before the project had a budget
    unmatched = make_mission(budget_line="Pasajes varios")
    assert matched.line is None
    budgets.budget_import(content=CSV.encode(), filename="b.csv", actor=finance_director)
    matched.refresh_from_db()
    unmatched.refresh_from_db()
    assert matched.line.code == "2.1.3" and matched.budget_line == "2.1.3 Viajes"
    assert unmatched.line is None and unmatched.budget_line == "Pasajes varios"

    client.force_login(finance_director)
    page = client.get("/presupuestos/misiones-sin-linea/").content.decode()
    assert unmatched.code in page and "Pasajes varios" in page and matched.code not in page
    line = BudgetLine.objects.get(code="2.1.4")
    response = client.post(f"/presupuestos/misiones-sin-linea/{unmatched.pk}/", {"line": line.pk})
    assert response.status_code == 302
    unmatched.refresh_from_db()
    assert unmatched.line == line and unmatched.budget_line == "Pasajes varios"
    assert unmatched.events.filter(action=MissionEvent.Action.BUDGET_LINE_SET).exists()


def test_the_migration_maps_typed_lines_by_code(make_mission, project):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("missions.migrations.0014_map_budget_lines_by_code")
    mission = make_mission(budget_line=" 2.1.3 Viajes ")  # typed before any budget
    other = make_mission(budget_line="Pasajes varios")
    line = _small_line(project)  # created directly: nothing mapped yet
    assert Mission.objects.filter(line__isnull=False).count() == 0
    migration.map_by_code(apps, None)
    mission.refresh_from_db()
    other.refresh_from_db()
    assert mission.line == line and mission.budget_line == "2.1.3 Viajes"
    assert other.line is None and other.budget_line == "Pasajes varios"


# --- 3. Commitments, spend, overrides -------------------------------------------------------


def _small_line(project, amount="500.00"):
    return BudgetLine.objects.create(
        project=project,
        code="2.1.3",
        description="Viajes",
        amount=Decimal(amount),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


def test_authorizing_commits_the_planned_total_and_cancelling_releases_it(
    authorized_mission, project, coordinator
):
    line = _small_line(project)
    mission = authorized_mission()
    assert mission.budget_committed == Decimal("400.00")
    assert figures_of(line).available == Decimal("100.00")
    services.mission_cancel(actor=coordinator, mission=mission, reason="Taller aplazado")
    mission.refresh_from_db()
    assert mission.budget_committed == 0
    assert figures_of(line).available == Decimal("500.00")


def test_the_terminal_estimate_of_the_advance_joins_the_commitment(
    authorized_mission, project, traveler
):
    line = _small_line(project, "450.00")
    mission = authorized_mission()
    with pytest.raises(DomainError) as error:  # 400 + 60 > 450
        services.advance_request(
            actor=traveler, mission=mission, terminal_estimate=Decimal("60.00")
        )
    assert error.value.code == "budget_line_exceeded"
    services.advance_request(actor=traveler, mission=mission, terminal_estimate=Decimal("50.00"))
    mission.refresh_from_db()
    assert mission.budget_committed == Decimal("450.00")
    assert figures_of(line).available == Decimal("0.00")


def test_suspension_keeps_committed_only_what_was_spent(
    authorized_mission, project, coordinator, traveler
):
    _small_line(project)
    mission = authorized_mission()
    services.mission_suspend(
        actor=coordinator, mission=mission, reason="Emergencia", amount_spent=Decimal("120.00")
    )
    mission.refresh_from_db()
    assert mission.budget_committed == Decimal("120.00")


def test_settling_turns_the_commitment_into_spend(authorized_mission, project, accountant):
    line = _small_line(project)
    mission = authorized_mission()
    budgets.spend(mission=mission, actor=accountant, amount=Decimal("350.00"))
    figures = figures_of(line)
    assert (figures.committed, figures.spent, figures.available) == (
        Decimal("0.00"),
        Decimal("350.00"),
        Decimal("150.00"),
    )


def test_authorizing_beyond_the_line_needs_the_finance_directors_override(
    client, make_mission, project, coordinator, executive_secretary, finance_director
):
    line = _small_line(project, "300.00")
    mission = make_mission()
    services.mission_submit(actor=mission.traveler, mission=mission)
    services.mission_authorize(actor=coordinator, mission=mission)
    with pytest.raises(DomainError) as error:
        services.mission_authorize(actor=executive_secretary, mission=mission)
    assert error.value.code == "budget_line_exceeded"
    mission.refresh_from_db()
    assert mission.status == Mission.Status.SUBMITTED and mission.budget_committed == 0

    # the secretary cannot override; the Finance Director can, with a reason, from the page
    client.force_login(executive_secretary)
    page = client.get(mission.get_absolute_url()).content.decode()
    assert "100.00" in page  # how far beyond the line
    assert client.post(f"/misiones/{mission.pk}/budget_override/", {"reason": "x"}).status_code in (
        400,
        403,
    )
    client.force_login(finance_director)
    assert "budget_override" in client.get(mission.get_absolute_url()).content.decode()
    response = client.post(
        f"/misiones/{mission.pk}/budget_override/",
        {"reason": "Taller prioritario; el donante aprobó la reasignación"},
    )
    assert response.status_code == 302
    event = mission.events.get(action=MissionEvent.Action.BUDGET_OVERRIDE)
    assert event.actor == finance_director and "reasignación" in event.comment
    services.mission_authorize(actor=executive_secretary, mission=mission)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AUTHORIZED
    assert mission.budget_override == Decimal("100.00")
    assert figures_of(line).available == Decimal("-100.00")


def test_por_aprobar_shows_what_is_left_of_the_line(
    client, make_mission, project, coordinator, django_assert_max_num_queries
):
    _small_line(project, "300.00")
    mission = make_mission()
    services.mission_submit(actor=mission.traveler, mission=mission)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        page = client.get("/por-aprobar/").content.decode()
    assert "aprobado 300.00" in page and "disponible 300.00" in page
