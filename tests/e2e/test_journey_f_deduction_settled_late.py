"""Journey F (SPEC §4 R-8b, §5.2 R-A1): an advance paid and not settled; the daily job
(`enforce_deadlines --date`, time travel) issues the requirement and then only PROPOSES the
payroll deduction; the traveler answers it on the sanction's page; the General Accountant
applies it with the answer on record and exports it to payroll; the traveler then settles
late, and the settlement shows that the organization reimburses what was over-deducted
(450.00 deducted, 400.00 of viáticos spent: 400.00 back, R-3.3)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from deadlines.models import PayrollDeductionOrder, Sanction
from settlements.models import Settlement
from tests.e2e.steps import (
    click_and_wait,
    es,
    expect_message,
    label,
    mission_code,
    pdf_bytes,
    returned_mission_with_advance,
)
from tests.e2e.test_journey_b_settlement import attach

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = "Estuve en campo sin conexión; presento la liquidación esta semana."


def enforce(date: str) -> None:
    call_command("enforce_deadlines", "--date", date, stdout=StringIO())


def test_deduction_proposed_applied_exported_then_late_settlement_reimburses(
    live_server, story, shot
):
    base = live_server.url
    pk = returned_mission_with_advance(story, base, purpose="Misión con descuento")
    code = mission_code(pk)
    traveler = story.page("traveler")

    enforce("2026-03-13")  # requirement
    enforce("2026-03-23")  # the deduction, proposed only (R-8b, R-A1)
    sanction = Sanction.objects.get(kind=Sanction.Kind.PAYROLL_DEDUCTION)
    assert sanction.state == Sanction.State.PROPOSED

    # The traveler reads the proposal on "Mis plazos" and answers it.
    traveler.goto(f"{base}/mis-plazos/")
    owed = traveler.locator("section.dl-owe", has_text=code)
    expect(owed).to_contain_text(label(PayrollDeductionOrder.State.PROPOSED))
    shot(traveler, "01-my-deadlines-deduction-proposed")
    click_and_wait(traveler, traveler.get_by_role("link", name=es("answer it")))
    traveler.fill("#answer", ANSWER)
    click_and_wait(traveler, traveler.get_by_role("button", name=es("Send my answer")))
    expect_message(
        traveler, es("Your answer is on record: the General Accountant reads it before deciding.")
    )
    shot(traveler, "02-traveler-answered")

    # The General Accountant reads the answer and applies the deduction.
    accountant = story.page("accountant")
    accountant.goto(f"{base}/sanciones/{sanction.pk}/")
    expect(accountant.locator("[data-answer]")).to_contain_text(ANSWER)
    accountant.fill("#note", "La respuesta no acredita la liquidación; se aplica.")
    click_and_wait(accountant, accountant.get_by_role("button", name=es("Apply the sanction")))
    expect_message(accountant, es("The sanction was applied."))
    expect(accountant.locator("[data-order-state=pending]")).to_contain_text("450.00")
    shot(accountant, "03-accountant-applied")

    # Payroll: this month's export carries the order.
    period = timezone.localdate().strftime("%Y-%m")
    accountant.goto(f"{base}/contabilidad/planilla/?period={period}")
    expect(accountant.locator("body")).to_contain_text("450.00")
    shot(accountant, "04-payroll-before-export")
    with accountant.expect_download() as download:
        accountant.get_by_role("button", name=es("Export for payroll")).click()
    assert download.value.suggested_filename.startswith("descuentos-planilla-")
    order = PayrollDeductionOrder.objects.get(sanction=sanction)
    assert order.state == PayrollDeductionOrder.State.EXPORTED

    # The traveler settles late: 400.00 of viáticos, the 450.00 already deducted.
    traveler.goto(f"{base}/liquidaciones/")
    row = traveler.locator("tr", has_text=code)
    click_and_wait(traveler, row.get_by_role("button", name=es("Start the settlement")))
    attach(traveler, "proof_of_travel", "tarjeta-embarque.pdf", pdf_bytes("Tarjeta de embarque"))
    attach(traveler, "mission_report", "informe-mision.pdf", pdf_bytes("Informe de misión"))
    click_and_wait(traveler, traveler.get_by_role("button", name=es("Submit to accounting")))
    expect_message(traveler, es("Settlement submitted to accounting."))
    settlement_code = Settlement.objects.get(mission_id=pk).code

    assistant = story.page("accounting_assistant")
    assistant.goto(f"{base}/liquidaciones/bandeja/")
    click_and_wait(assistant, assistant.get_by_role("link", name=settlement_code))
    click_and_wait(
        assistant, assistant.get_by_role("button", name=es("Receive and stamp every document"))
    )

    accountant.goto(f"{base}/liquidaciones/bandeja/")
    click_and_wait(accountant, accountant.get_by_role("link", name=settlement_code))
    click_and_wait(accountant, accountant.get_by_role("button", name=es("Finish the review")))
    expect_message(accountant, es("Review finished."))
    click_and_wait(
        accountant, accountant.get_by_role("button", name=es("Accept as correct and settle"))
    )
    expect(accountant.locator("#owed-now")).to_have_attribute("data-owed-by", "organization")
    expect(accountant.locator("body")).to_contain_text("400.00")
    shot(accountant, "05-settled-organization-reimburses")

    settlement = Settlement.objects.get(mission_id=pk)
    assert settlement.recovered_by_deduction == order.amount
    assert str(settlement.balance) == "-400.00"

    # The traveler reads the same on "Mis plazos": the organization owes them 400.00.
    traveler.goto(f"{base}/mis-plazos/")
    owed = traveler.locator("section.dl-owe", has_text=code)
    expect(owed.locator("h2")).to_have_attribute("data-owed-by", "organization")
    expect(owed.locator("h2")).to_have_attribute("data-owed", "400.00")
    shot(traveler, "06-my-deadlines-reimbursement")
