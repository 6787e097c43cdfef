"""R-3.3 (the reimbursement date counts from the correct submission), R-3.7/R-T4 (a stamped copy
replaced by a new stamp leaves no file behind) and R-3.9/R-3.14 (meals covered on days the
traveler no longer spent on the mission)."""

import datetime as dt
import pathlib
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from missions import services as mission_services
from settlements import services
from settlements.models import BuiltDocument, Document, Settlement
from tests.settlements.conftest import local, pdf_upload, receipt_fields

D = Decimal
pytestmark = pytest.mark.django_db


def pin_submission(settlement, when):
    """The submission happened on `when` (the service stamps the real clock)."""
    Settlement.objects.filter(pk=settlement.pk).update(submitted_at=when)
    settlement.refresh_from_db()


def review_all(settlement, accountant):
    for receipt in settlement.receipts.all():
        services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)


# --- R-3.3 ------------------------------------------------------------------------------------


def test_r_3_3_reimbursement_is_due_five_business_days_after_the_correct_submission(
    submitted, accounting_assistant, accountant
):
    settlement = submitted(receipts=[receipt_fields(amount=D("100.00"))])  # balance −50.00
    pin_submission(settlement, local(2026, 3, 6, 16, 0))  # a Friday
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    review_all(settlement, accountant)

    services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date(2026, 4, 20))

    settlement.refresh_from_db()
    assert settlement.balance == D("-50.00")
    assert settlement.reimbursement_due == dt.date(2026, 3, 13)  # not 5 days after 20 April


def test_r_3_3_reimbursement_counts_from_the_submission_corrected_after_a_return(
    submitted, accounting_assistant, accountant, traveler
):
    settlement = submitted(receipts=[receipt_fields(amount=D("100.00"))])
    pin_submission(settlement, local(2026, 3, 6, 16, 0))
    services.settlement_return(actor=accounting_assistant, settlement=settlement, reason="Firma")
    services.settlement_submit(actor=traveler, settlement=settlement)
    pin_submission(settlement, local(2026, 3, 16, 9, 0))  # the correct one, a Monday
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 17)
    )
    review_all(settlement, accountant)

    services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date(2026, 3, 18))

    settlement.refresh_from_db()
    assert settlement.reimbursement_due == dt.date(2026, 3, 23)


# --- R-T4 ------------------------------------------------------------------------------


def stored_files() -> set[str]:
    root = pathlib.Path(default_storage.location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_r_3_7_receiving_again_replaces_the_stamped_copies_and_leaves_no_orphan_file(
    submitted, accounting_assistant, accountant, traveler, django_capture_on_commit_callbacks
):
    settlement = submitted()
    with django_capture_on_commit_callbacks(execute=True):  # the stamping run, in-process
        services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
        )
    first = set(Document.objects.values_list("stamped_file", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        services.settlement_return(actor=accountant, settlement=settlement, reason="Falta firma")
        services.settlement_submit(actor=traveler, settlement=settlement)
        services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 10)
        )

    linked = set(BuiltDocument.objects.values_list("file", flat=True))  # bundle and report
    for document in Document.objects.all():
        linked |= {document.file, document.stamped_file}
    assert not first & linked  # new stamped copies
    assert stored_files() == linked  # and the earlier ones are gone from the disk


def test_r_t4_removing_a_receipt_after_a_return_deletes_its_stamped_copy_too(
    submitted, accounting_assistant, accountant, traveler, django_capture_on_commit_callbacks
):
    settlement = submitted()
    with django_capture_on_commit_callbacks(execute=True):  # the stamping run, in-process
        services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.settlement_return(actor=accountant, settlement=settlement, reason="Otro recibo")
        services.receipt_remove(actor=traveler, receipt=settlement.receipts.get())

    linked = set()
    for document in Document.objects.all():
        linked |= {document.file, document.stamped_file}
    assert stored_files() == linked


# --- R-3.14 ----------------------------------------------------------------------------


def test_r_3_14_meals_covered_after_an_early_return_are_dropped_from_the_recompute(
    authorized_mission, traveler
):
    mission = authorized_mission(
        kind="event",
        code="PA",
        invitation=pdf_upload("invitacion.pdf"),
        meals_covered={dt.date(2026, 3, 3): ["lunch"], dt.date(2026, 3, 4): ["lunch"]},
    )
    mission_services.mission_start(actor=traveler, mission=mission)
    mission_services.mission_mark_returned(actor=traveler, mission=mission)
    settlement = services.settlement_start(actor=traveler, mission=mission)

    services.settlement_set_times(
        actor=traveler,
        settlement=settlement,
        actual_departure_at=local(2026, 3, 2, 7, 30),
        actual_return_at=local(2026, 3, 3, 20, 0),  # back two days early
    )

    settlement.refresh_from_db()
    # Panamá: 1 night × 100.00 + meals 40.00 + 20.00 (lunch on 3 March covered by the event)
    assert settlement.viaticos_recognized == D("160.00")
    assert {line["date"] for line in settlement.perdiem["lines"]} == {"2026-03-02", "2026-03-03"}
    mission.refresh_from_db()
    assert mission.meals_covered == {"2026-03-03": ["lunch"], "2026-03-04": ["lunch"]}
