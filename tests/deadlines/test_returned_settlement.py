"""A settlement returned to the traveler for corrections is not a settlement submitted: the
deadline rules (R-3.3, R-3.4, R-8b, R-3.13) go on as if it had never been submitted, and the
due date stays the one counted from the return of the trip (R-3.3): returning a settlement
does not restart it. Only a settlement in Accounting's hands (submitted, received, reviewed)
or done (settled, closed) holds the job, and the dashboard, "Mis plazos" and the deadlines API
say "submitted" for exactly those.

E1 returns on Thursday 2026-03-05: due on 2026-03-12, requirement on 2026-03-13, deduction
order on 2026-03-23 (tests/settlements/test_deadlines_story.py)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from deadlines import enforcement as deadlines
from deadlines.models import DocumentationRequirement, PayrollDeductionOrder, Sanction
from settlements import services
from settlements.models import Settlement
from viaticos.models import TravelerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


def submitted_step() -> str:
    """The next step "Mis plazos" and the API give for a settlement in Accounting's hands."""
    with translation.override("es"):
        return translation.gettext("Your settlement was submitted: Accounting will review it.")


def run(date: str) -> None:
    call_command("enforce_deadlines", "--date", date, stdout=StringIO())


@pytest.fixture
def returned_settlement(submitted, accounting_assistant):
    """E1's settlement, submitted and sent back by the Accounting Assistant for corrections."""

    def make(user=None):
        settlement = submitted(user)
        services.settlement_return(
            actor=accounting_assistant, settlement=settlement, reason="Falta el informe firmado"
        )
        settlement.refresh_from_db()
        assert settlement.status == Settlement.Status.RETURNED
        assert settlement.submitted_at is not None  # what the job used to look at
        return settlement

    return make


def test_r_3_4_r_8b_a_returned_settlement_never_resubmitted_gets_requirement_block_and_deduction(
    returned_settlement, traveler
):
    TravelerProfile.objects.filter(user=traveler).update(
        entity_kind=TravelerProfile.EntityKind.CO_EXECUTING, entity_name="Entidad Coejecutora"
    )
    settlement = returned_settlement()
    advance = settlement.mission.advances.get()

    run("2026-03-13")

    requirement = DocumentationRequirement.objects.get(advance=advance)
    # counted from the return of the trip, not restarted by the return for corrections.
    assert (requirement.return_date, requirement.due_date) == (
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 12),
    )
    assert (requirement.issued_on, requirement.issued_late) == (dt.date(2026, 3, 13), False)
    block = Sanction.objects.get(advance=advance, kind=Sanction.Kind.CO_EXECUTING_BLOCK)
    assert block.state == Sanction.State.PROPOSED  # a person applies it (R-A1)

    run("2026-03-23")

    order = PayrollDeductionOrder.objects.get(advance=advance)
    assert (order.issued_on, order.amount) == (dt.date(2026, 3, 23), advance.amount)
    assert Sanction.objects.filter(
        advance=advance, kind=Sanction.Kind.PAYROLL_DEDUCTION, state=Sanction.State.PROPOSED
    ).exists()


def test_r_3_4_a_settlement_returned_after_the_due_date_is_required_on_the_next_run(
    submitted, accounting_assistant
):
    """Submitted on time, it held the job; returned later, the due date has long passed, so the
    next run issues the requirement at once (late for the 3 business days of R-3.4, which
    counted from the original due date)."""
    settlement = submitted()
    run("2026-03-13")
    assert not DocumentationRequirement.objects.exists()

    services.settlement_return(
        actor=accounting_assistant, settlement=settlement, reason="Recibos ilegibles"
    )
    run("2026-03-20")

    requirement = DocumentationRequirement.objects.get()
    assert (requirement.due_date, requirement.issue_by, requirement.issued_on) == (
        dt.date(2026, 3, 12),
        dt.date(2026, 3, 17),
        dt.date(2026, 3, 20),
    )
    assert requirement.issued_late is True


@pytest.mark.parametrize("stage", ["submitted", "received"])
def test_r_3_3_a_settlement_in_accountings_hands_holds_the_deadline_job(
    submitted, accounting_assistant, stage
):
    settlement = submitted()
    if stage == "received":
        services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
        )

    for day in ("2026-03-11", "2026-03-13", "2026-03-23"):
        run(day)

    assert not DocumentationRequirement.objects.exists()
    assert not PayrollDeductionOrder.objects.exists()
    assert not deadlines.pending_advances().exists()


def test_one_definition_of_submitted_for_the_job(submitted, returned_settlement, other_traveler):
    held = submitted(other_traveler).mission.advances.get()
    returned = returned_settlement().mission.advances.get()

    pending = set(deadlines.pending_advances().values_list("pk", flat=True))

    assert returned.pk in pending and held.pk not in pending
    in_accountings_hands_or_done = {
        Settlement.Status.SUBMITTED,
        Settlement.Status.RECEIVED,
        Settlement.Status.REVIEWED,
        Settlement.Status.SETTLED,
        Settlement.Status.CLOSED,
    }
    assert in_accountings_hands_or_done == deadlines.SUBMITTED_SETTLEMENT_STATUSES
    assert {
        status: deadlines.settlement_is_submitted(Settlement(status=status))
        for status in Settlement.Status
    } == {status: status in deadlines.SUBMITTED_SETTLEMENT_STATUSES for status in Settlement.Status}
    assert deadlines.settlement_is_submitted(None) is False


def test_mis_plazos_the_api_and_the_dashboard_do_not_call_a_returned_settlement_submitted(
    returned_settlement, traveler, accountant, client, api_client
):
    settlement = returned_settlement()

    client.force_login(traveler)
    (row,) = client.get("/mis-plazos/").context["rows"]
    assert row.submitted is False
    api_client.force_authenticate(traveler)
    (item,) = api_client.get("/api/v1/deadlines/mine/").json()["results"]
    assert item["advance"] == settlement.mission.advances.get().code
    assert item["next_step"] != submitted_step()
    assert item["due_date"] == "2026-03-12"
    client.force_login(accountant)
    (row,) = client.get("/contabilidad/plazos/").context["rows"]
    assert row.submitted is False


def test_mis_plazos_the_api_and_the_dashboard_call_a_settlement_in_accountings_hands_submitted(
    submitted, traveler, accountant, client, api_client
):
    submitted()

    client.force_login(traveler)
    (row,) = client.get("/mis-plazos/").context["rows"]
    assert row.submitted is True
    api_client.force_authenticate(traveler)
    (item,) = api_client.get("/api/v1/deadlines/mine/").json()["results"]
    assert item["next_step"] == submitted_step()
    client.force_login(accountant)
    (row,) = client.get("/contabilidad/plazos/").context["rows"]
    assert row.submitted is True
