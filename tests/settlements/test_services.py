"""The settlement workflow through its services (R-2a, R-3.3, R-3.7, R-7c, R-2h)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from missions.models import Advance, Mission
from settlements import services
from settlements.models import Receipt, Settlement, SettlementEvent
from settlements.selectors import settlement_summary
from tests.settlements.conftest import local, pdf_upload, png_upload, receipt_fields
from viaticos.errors import DomainError

D = Decimal
S = Settlement.Status


def stored_files():
    root = default_storage.location
    import pathlib

    return (
        sorted(p for p in pathlib.Path(root).rglob("*") if p.is_file())
        if pathlib.Path(root).exists()
        else []
    )


def test_r_3_9_settlement_starts_with_viaticos_computed_by_the_engine(draft):
    settlement = draft()
    assert settlement.status == S.DRAFT
    assert settlement.viaticos_recognized == D("400.00")  # E1
    assert settlement.advance_amount == D("450.00")
    assert settlement.perdiem["total"] == "400.00"


def test_r_3_9_viaticos_recomputed_from_the_actual_times(draft, traveler):
    settlement = draft()
    services.settlement_set_times(
        actor=traveler,
        settlement=settlement,
        actual_departure_at=local(2026, 3, 2, 10, 0),  # 66.66% meals on departure day
        actual_return_at=local(2026, 3, 5, 8, 0),  # 33% on return day
    )
    settlement.refresh_from_db()
    # lodging 3 × 80 = 240; meals 26.66 + 40 + 40 + 13.20 = 119.86
    assert settlement.viaticos_recognized == D("359.86")
    assert settlement.history.first().history_user == traveler


def test_another_traveler_cannot_start_or_change_your_settlement(returned_mission, other_traveler):
    mission = returned_mission()
    with pytest.raises(DomainError):
        services.settlement_start(actor=other_traveler, mission=mission)


def test_r_2a_submit_needs_proof_of_travel_and_mission_report(draft, traveler):
    settlement = draft()
    with pytest.raises(DomainError) as error:
        services.settlement_submit(actor=traveler, settlement=settlement)
    assert error.value.code == "documents_missing"


def test_receipt_dated_outside_the_mission_blocks_submission_until_a_reason_is_given(
    draft, traveler
):
    settlement = draft()
    for kind in ("proof_of_travel", "mission_report"):
        services.settlement_attach_document(
            actor=traveler, settlement=settlement, kind=kind, upload=pdf_upload()
        )
    receipt = services.receipt_add(
        actor=traveler, settlement=settlement, **receipt_fields(date=dt.date(2026, 2, 20))
    )
    with pytest.raises(DomainError) as error:
        services.settlement_submit(actor=traveler, settlement=settlement)
    assert error.value.code == "reasons_missing"
    services.receipt_remove(actor=traveler, receipt=receipt)
    services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(date=dt.date(2026, 2, 20), outside_dates_reason="Tasa pagada antes"),
    )
    services.settlement_submit(actor=traveler, settlement=settlement)


@pytest.mark.parametrize("amount", [D("-1.00"), D("0.00")])
def test_negative_amount_is_refused_and_nothing_is_stored(draft, traveler, amount):
    settlement = draft()
    with pytest.raises(DomainError) as error:
        services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields(amount=amount))
    assert error.value.field == "amount"
    assert not Receipt.objects.exists() and stored_files() == []


def test_r_3_10_currency_without_a_published_rate_is_kept_as_rate_pending(draft, traveler):
    settlement = draft()
    receipt = services.receipt_add(
        actor=traveler, settlement=settlement, **receipt_fields(currency="GTQ")
    )
    receipt.refresh_from_db()
    assert receipt.rate_pending and receipt.amount_usd is None and receipt.fx_rate is None
    assert receipt.amount > 0 and len(stored_files()) == 1


def test_r_3_10_a_currency_that_is_no_iso_code_is_refused_and_nothing_is_stored(draft, traveler):
    settlement = draft()
    with pytest.raises(DomainError) as error:
        services.receipt_add(
            actor=traveler, settlement=settlement, **receipt_fields(currency="QQQ")
        )
    assert error.value.code == "invalid_currency"
    assert not Receipt.objects.exists() and stored_files() == []


def test_upload_disguised_file_is_refused_and_nothing_is_stored(draft, traveler):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settlement = draft()
    fake = SimpleUploadedFile("factura.pdf", b"MZ\x90\x00 an exe", content_type="application/pdf")
    with pytest.raises(DomainError) as error:
        services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields(upload=fake))
    assert error.value.code == "file_type_not_allowed"
    assert not Receipt.objects.exists() and stored_files() == []


def test_upload_oversize_is_refused(draft, traveler, settings):
    settings.VIATICOS_MAX_UPLOAD_BYTES = 100
    settlement = draft()
    with pytest.raises(DomainError) as error:
        services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields())
    assert error.value.code == "file_too_large"
    assert stored_files() == []


def test_uploads_are_stored_under_generated_names(draft, traveler):
    settlement = draft()
    receipt = services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(upload=pdf_upload("../../etc/passwd factura.pdf")),
    )
    document = receipt.documents.get()
    assert "passwd" not in document.file and document.file.startswith("settlements/")
    assert document.original_name.endswith("factura.pdf")
    assert default_storage.exists(document.file)


def test_r_7c_same_file_is_refused_across_travelers(draft, traveler, other_traveler):
    mine, theirs = draft(), draft(other_traveler)
    upload = pdf_upload()
    content = upload.read()
    upload.seek(0)
    services.receipt_add(actor=traveler, settlement=mine, **receipt_fields(upload=upload))
    from django.core.files.uploadedfile import SimpleUploadedFile

    again = SimpleUploadedFile("other-name.pdf", content)
    with pytest.raises(DomainError) as error:
        services.receipt_add(
            actor=other_traveler, settlement=theirs, **receipt_fields(upload=again)
        )
    assert error.value.code == "duplicate_receipt_file"
    assert Receipt.objects.count() == 1


def test_r_7c_same_issuer_tax_id_and_number_is_refused_across_travelers(
    draft, traveler, other_traveler
):
    mine, theirs = draft(), draft(other_traveler)
    services.receipt_add(
        actor=traveler,
        settlement=mine,
        **receipt_fields(issuer_tax_id="20100070970", number="F001-00042"),
    )
    files_before = stored_files()
    with pytest.raises(DomainError) as error:
        services.receipt_add(
            actor=other_traveler,
            settlement=theirs,
            **receipt_fields(issuer_tax_id="20-10007097-0", number="F001-0042"),
        )
    assert error.value.code == "duplicate_receipt_number"
    assert stored_files() == files_before  # no orphan file


def test_r_3_12_and_r_2b_checks_decide_what_counts(draft, traveler):
    settlement = draft()
    services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields())  # 35 ok
    services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(customer_tax_id="10999999991", amount=D("20.00")),
    )  # 0
    services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(category="phone", amount=D("25.00"), call_detail=png_upload()),
    )  # R-2b: capped at 20
    summary = settlement_summary(settlement)
    assert [line.accepted_usd for line in summary.lines] == [D("35.00"), D("0.00"), D("20.00")]
    assert summary.terminal_accepted == D("55.00")
    assert summary.balance.amount == D("450.00") - D("400.00") - D("55.00")


def test_r_2h_exception_approved_by_the_general_administrator_counts(draft, traveler, db):
    from tests.factories import UserFactory
    from viaticos.roles import Role

    admin = UserFactory(username="ana", roles=[Role.GENERAL_ADMINISTRATOR])
    settlement = draft()
    receipt = services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(category="laundry", exception_reason="Misión de 10 días"),
    )
    assert settlement_summary(settlement).lines[0].accepted_usd == D("0.00")
    with pytest.raises(DomainError):
        services.receipt_exception_approve(actor=traveler, receipt=receipt)
    services.receipt_exception_approve(actor=admin, receipt=receipt)
    assert settlement_summary(settlement).lines[0].accepted_usd == D("35.00")


def full_flow(submitted, accounting_assistant, accountant, receipts):
    settlement = submitted(receipts=receipts)
    # Submitted on Friday 6 March (the service stamps the real clock; counts from it).
    Settlement.objects.filter(pk=settlement.pk).update(submitted_at=local(2026, 3, 6, 16, 0))
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    for receipt in settlement.receipts.all():
        services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date(2026, 3, 10))
    settlement.refresh_from_db()
    return settlement


def test_r_3_7_receiving_stamps_every_document_and_keeps_the_originals(
    submitted, accounting_assistant, django_capture_on_commit_callbacks
):
    accounting_assistant.first_name, accounting_assistant.last_name = "Diego", "Pérez"
    accounting_assistant.save()
    settlement = submitted(
        receipts=[receipt_fields(), receipt_fields(upload=png_upload(), category="internet")]
    )
    originals = {d.pk: default_storage.open(d.file).read() for d in settlement.documents.all()}

    with django_capture_on_commit_callbacks(execute=True):  # the stamping run, in-process
        services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
        )

    settlement.refresh_from_db()
    assert settlement.status == S.RECEIVED and settlement.received_by == accounting_assistant
    documents = list(settlement.documents.all())
    assert len(documents) == 4
    for document in documents:
        assert default_storage.open(document.file).read() == originals[document.pk]
        assert document.stamped_file and document.stamped_file != document.file
        stamped = default_storage.open(document.stamped_file).read()
        if document.content_type == "application/pdf":
            text = PdfReader(io.BytesIO(stamped)).pages[0].extract_text()
            assert "Liquidado, Fecha: 09/03/2026, Responsable: Diego Pérez" in text
        else:
            assert stamped != originals[document.pk]


def test_receive_by_the_wrong_role_or_in_the_wrong_state_is_refused(
    submitted, accountant, accounting_assistant, traveler
):
    settlement = submitted()
    with pytest.raises(DomainError) as error:
        services.settlement_receive(actor=accountant, settlement=settlement, today=dt.date.today())
    assert error.value.code == "not_allowed"
    with pytest.raises(DomainError):
        services.settlement_settle(actor=accountant, settlement=settlement, today=dt.date.today())
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date.today()
    )
    with pytest.raises(DomainError) as error:
        services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date.today()
        )
    assert error.value.code == "wrong_state"


def test_r_3_3_balance_positive_traveler_returns_then_closed(
    submitted, accounting_assistant, accountant
):
    settlement = full_flow(submitted, accounting_assistant, accountant, [receipt_fields()])
    assert settlement.status == S.SETTLED
    assert settlement.balance == D("15.00")  # 450 − (400 + 35)
    assert settlement.reimbursement_due is None
    # SPEC §4 "Balances owed after settling": the advance stays open until the return.
    assert settlement.advance.status == Advance.Status.DISBURSED
    services.settlement_record_balance(
        actor=accountant, settlement=settlement, on=dt.date(2026, 3, 11), reference="DEP-9"
    )
    settlement.refresh_from_db()
    assert settlement.status == S.CLOSED
    assert settlement.balance_returned == D("15.00")
    assert settlement.advance.status == Advance.Status.SETTLED
    assert settlement.mission.status == Mission.Status.CLOSED


def test_r_3_3_balance_negative_organization_reimburses_within_five_business_days(
    submitted, accounting_assistant, accountant
):
    settlement = full_flow(
        submitted,
        accounting_assistant,
        accountant,
        [receipt_fields(amount=D("70.00")), receipt_fields(category="airport_tax")],
    )
    assert settlement.balance == D("-55.00")  # 450 − (400 + 105)
    # 5 business days after the submission on 6 March (not after settling on 10 March)
    assert settlement.reimbursement_due == dt.date(2026, 3, 13)


def test_r_3_3_a_reimbursement_shows_the_amount_and_who_pays_it_without_a_minus_sign(
    client, submitted, accounting_assistant, accountant, traveler
):
    settlement = full_flow(
        submitted,
        accounting_assistant,
        accountant,
        [receipt_fields(amount=D("70.00")), receipt_fields(category="airport_tax")],
    )
    client.force_login(traveler)
    page = client.get(
        reverse("settlements:detail", args=[settlement.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    report = client.get(
        reverse("settlements:report", args=[settlement.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert 'id="balance-amount">US$ 55.00<' in html
    assert "The organization reimburses the traveler" in html
    text = PdfReader(io.BytesIO(report.content)).pages[0].extract_text()
    assert "US$ 55.00" in text and "-55.00" not in text
    listed = client.get(reverse("settlements:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "55.00" in listed and "-55.00" not in listed
    assert "The organization reimburses the traveler" in listed


def test_review_cut_and_reject_need_a_reason_and_return_resets_decisions(
    submitted, accounting_assistant, accountant, traveler
):
    settlement = submitted(receipts=[receipt_fields(), receipt_fields(category="airport_tax")])
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    first, second = settlement.receipts.order_by("pk")
    with pytest.raises(DomainError):
        services.receipt_review(
            actor=accountant, receipt=first, decision="cut", accepted_usd=D("10")
        )
    services.receipt_review(
        actor=accountant, receipt=first, decision="cut", accepted_usd=D("10.00"), reason="Tarifa"
    )
    services.receipt_review(
        actor=accountant, receipt=second, decision="rejected", reason="Ilegible"
    )
    assert settlement_summary(settlement).terminal_accepted == D("10.00")
    services.settlement_return(actor=accountant, settlement=settlement, reason="Falta la boleta")
    settlement.refresh_from_db()
    assert settlement.status == S.RETURNED and settlement.status_reason == "Falta la boleta"
    assert set(settlement.receipts.values_list("decision", flat=True)) == {"pending"}
    event = SettlementEvent.objects.filter(settlement=settlement).last()
    assert (event.action, event.actor, event.comment) == ("returned", accountant, "Falta la boleta")
    services.settlement_submit(actor=traveler, settlement=settlement)


def test_general_accountant_cannot_return_a_settlement_not_yet_received(submitted, accountant):
    """Only the Accounting Assistant returns what it has not received (buttons = actions)."""
    from settlements import services
    from viaticos.errors import DomainError

    settlement = submitted()
    with pytest.raises(DomainError) as error:
        services.settlement_return(actor=accountant, settlement=settlement, reason="Falta firma")
    assert error.value.code == "wrong_state"
    settlement.refresh_from_db()
    assert settlement.status == settlement.Status.SUBMITTED
