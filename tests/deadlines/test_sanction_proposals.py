"""Sanctions decided by a person (issue 25 finding 3; SPEC §5.2 R-A1 "tratamiento objetivo",
§4 R-8b, R-3.13): the daily job proposes, the traveler is told and answers, the General
Accountant applies or dismisses with the answer on record; only an applied order reaches
payroll and the ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deadlines import proposals, sanctions
from deadlines.models import PayrollDeductionOrder, Sanction
from missions import services as mission_services
from settlements import ledger
from viaticos.errors import DomainError
from viaticos.models import OutboxMessage, TravelerProfile

pytestmark = pytest.mark.django_db

PROPOSED_ON = dt.date(2026, 3, 23)


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


def run(day: dt.date) -> None:
    call_command("enforce_deadlines", "--date", day.isoformat(), stdout=StringIO())


def proposed(returned_mission):
    """A 450.00 advance not settled: requirement on 13/03, deduction proposed on 23/03."""
    mission = returned_mission()
    run(dt.date(2026, 3, 13))
    run(PROPOSED_ON)
    return mission, Sanction.objects.get(advance__mission=mission, kind="payroll_deduction")


def export(client, accountant, period: str):
    client.force_login(accountant)
    return client.post(reverse("deadlines:payroll"), {"period": period, "format": "csv"})


def test_r_a1_the_daily_job_only_proposes_the_deduction_and_nothing_reaches_payroll(
    returned_mission, client, accountant, traveler
):
    mission, sanction = proposed(returned_mission)
    order = PayrollDeductionOrder.objects.get(sanction=sanction)
    assert (sanction.state, sanction.applied_on, sanction.applied_by) == ("proposed", None, None)
    assert (order.state, order.amount) == (PayrollDeductionOrder.State.PROPOSED, D("450.00"))

    assert export(client, accountant, "2026-03").status_code == 302  # nothing to export
    order.refresh_from_db()
    assert order.state == PayrollDeductionOrder.State.PROPOSED and order.exported_at is None
    position = ledger.position_of(mission.advances.get())
    assert (position.movements.recovered, position.owed) == (D("0.00"), D("450.00"))

    # The traveler is told, with the link to answer.
    notice = OutboxMessage.objects.get(kind=proposals.NOTICE_KIND, ref=str(sanction.pk))
    assert notice.to == [traveler.email]
    assert reverse("deadlines:sanction", args=[sanction.pk]) in notice.body
    run(PROPOSED_ON)  # idempotent: no second proposal, no second notice
    assert Sanction.objects.filter(kind="payroll_deduction").count() == 1
    assert OutboxMessage.objects.filter(kind=proposals.NOTICE_KIND).count() == 1


def test_r_a1_entity_blocks_are_proposed_and_block_only_once_applied(
    returned_mission, authorized_mission, traveler, other_traveler, accountant, client
):
    TravelerProfile.objects.filter(user__in=[traveler, other_traveler]).update(
        entity_kind=TravelerProfile.EntityKind.CO_EXECUTING, entity_name="Entidad Coejecutora"
    )
    returned_mission()
    run(dt.date(2026, 3, 13))
    block = Sanction.objects.get(kind="co_executing_block")
    assert block.state == "proposed"
    mission = authorized_mission(other_traveler)
    mission_services.advance_request(  # a proposal blocks nobody
        actor=other_traveler, mission=mission, terminal_estimate=D("10.00")
    )

    client.force_login(accountant)
    response = client.post(
        reverse("deadlines:sanction-apply", args=[block.pk]), {"note": "Sin respuesta"}
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert (block.state, block.applied_by, block.decision_note) == (
        "applied",
        accountant,
        "Sin respuesta",
    )
    later = authorized_mission(other_traveler)
    with pytest.raises(DomainError) as error:
        mission_services.advance_request(
            actor=other_traveler, mission=later, terminal_estimate=D("10.00")
        )
    assert error.value.code == "entity_blocked"


def test_r_a1_the_traveler_answers_in_the_app_and_the_accountant_applies_with_it_on_record(
    returned_mission, client, accountant, traveler
):
    mission, sanction = proposed(returned_mission)
    client.force_login(traveler)
    plazos = client.get(reverse("deadlines:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A payroll deduction of 450.00 USD was proposed" in plazos
    assert reverse("deadlines:sanction", args=[sanction.pk]) in plazos
    page = client.get(reverse("deadlines:sanction", args=[sanction.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="answer"' in page.content.decode()
    assert "nothing is applied until the General Accountant decides" in page.content.decode()

    answer = "Estuve hospitalizado; presento la liquidación esta semana."
    response = client.post(reverse("deadlines:sanction-answer", args=[sanction.pk]), {"answer": ""})
    assert response.status_code == 302
    sanction.refresh_from_db()
    assert sanction.answer == "" and sanction.answered_at is None  # nothing half-written
    client.post(reverse("deadlines:sanction-answer", args=[sanction.pk]), {"answer": answer})
    sanction.refresh_from_db()
    assert sanction.answer == answer and sanction.answered_at is not None

    client.force_login(accountant)
    page = client.get(reverse("deadlines:sanction", args=[sanction.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert answer in page.content.decode()
    response = client.post(
        reverse("deadlines:sanction-apply", args=[sanction.pk]),
        {"note": "La respuesta no acredita la liquidación."},
    )
    assert response.status_code == 302
    sanction.refresh_from_db()
    order = PayrollDeductionOrder.objects.get(sanction=sanction)
    today = timezone.localdate()
    assert (sanction.state, sanction.applied_by, sanction.answer) == ("applied", accountant, answer)
    assert (order.state, order.issued_on) == (PayrollDeductionOrder.State.PENDING, today)
    # Applied: it reaches this month's payroll, and the ledger counts it once exported.
    response = export(client, accountant, today.strftime("%Y-%m"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["Orden"], r["Importe"]) for r in rows] == [(order.code, "450.00")]
    position = ledger.position_of(mission.advances.get())
    assert (position.movements.recovered, position.owed) == (D("450.00"), D("0.00"))
    # Decided: the traveler can no longer answer.
    client.force_login(traveler)
    client.post(reverse("deadlines:sanction-answer", args=[sanction.pk]), {"answer": "otra"})
    sanction.refresh_from_db()
    assert sanction.answer == answer


def test_r_a1_a_proposal_is_not_applied_before_the_traveler_could_answer(
    returned_mission, accountant, traveler
):
    _mission, sanction = proposed(returned_mission)
    answer_by = proposals.answer_by(sanction)
    with pytest.raises(DomainError) as error:
        sanctions.sanction_apply(actor=accountant, sanction=sanction, today=answer_by)
    assert error.value.code == "traveler_not_heard"
    assert PayrollDeductionOrder.objects.get(sanction=sanction).state == "proposed"
    proposals.sanction_answer(actor=traveler, sanction=sanction, text="No viajé sola.")
    applied = sanctions.sanction_apply(actor=accountant, sanction=sanction, today=PROPOSED_ON)
    assert applied.state == "applied"


def test_r_a1_a_dismissed_proposal_never_reaches_payroll(
    returned_mission, api_client, client, accountant, traveler
):
    mission, sanction = proposed(returned_mission)
    api_client.force_authenticate(accountant)
    url = reverse("v1:sanction-dismiss", args=[sanction.pk])
    refused = api_client.post(url, {"reason": "  "}, format="json")
    assert refused.status_code == 400
    response = api_client.post(url, {"reason": "Justificó el retraso."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["decision_note"]) == ("dismissed", "Justificó el retraso.")
    order = PayrollDeductionOrder.objects.get(sanction=sanction)
    assert order.state == PayrollDeductionOrder.State.CANCELLED
    assert api_client.post(reverse("v1:sanction-apply", args=[sanction.pk])).status_code == 400
    assert export(client, accountant, timezone.localdate().strftime("%Y-%m")).status_code == 302
    assert ledger.position_of(mission.advances.get()).owed == D("450.00")


def test_r_a1_only_the_person_answers_and_only_the_general_accountant_decides(
    returned_mission, api_client, accountant, traveler, other_traveler, auditor
):
    _mission, sanction = proposed(returned_mission)
    answer = reverse("v1:sanction-answer", args=[sanction.pk])
    dismiss = reverse("v1:sanction-dismiss", args=[sanction.pk])
    api_client.force_authenticate(other_traveler)
    assert api_client.post(answer, {"answer": "x"}, format="json").status_code == 404
    api_client.force_authenticate(accountant)
    assert api_client.post(answer, {"answer": "x"}, format="json").status_code == 403
    api_client.force_authenticate(auditor)
    assert api_client.post(dismiss, {"reason": "x"}, format="json").status_code == 403
    api_client.force_authenticate(traveler)
    assert api_client.post(dismiss, {"reason": "x"}, format="json").status_code == 403
    assert api_client.post(reverse("v1:sanction-apply", args=[sanction.pk])).status_code == 403
    response = api_client.post(answer, {"answer": "Presento mañana."}, format="json")
    assert response.status_code == 200 and response.json()["answer"] == "Presento mañana."
    sanction.refresh_from_db()
    assert sanction.state == "proposed"


def test_r_a1_a_proposal_applied_while_accounting_has_the_settlement_waits_stopped(
    returned_mission, accountant, traveler
):
    mission, sanction = proposed(returned_mission)
    from settlements.models import Settlement

    Settlement.objects.create(
        mission=mission,
        advance=mission.advances.get(),
        status=Settlement.Status.RECEIVED,
        actual_departure_at=mission.departure_at,
        actual_return_at=mission.return_at,
    )
    sanctions.sanction_apply(actor=accountant, sanction=sanction, today=dt.date(2026, 3, 30))
    order = PayrollDeductionOrder.objects.get(sanction=sanction)
    assert (order.state, order.stopped_on) == ("stopped", dt.date(2026, 3, 30))
