"""R-A8, R-T1…R-T4 on the real missions and settlements data (missions/privacy.py,
settlements/privacy.py), R-A4's daily closing step, portabilidad and tratamiento objetivo."""

import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Sum
from pypdf import PdfReader

from privacy import services, subjects
from privacy.models import ArcoDelivery, ArcoRequest, BlockedRecord, RetentionAction
from privacy.registry import categories, declarations
from settlements import services as settlement_services
from settlements.models import Document, Receipt, Settlement
from tests.privacy.helpers import downloaded, file_on, link_verified, verify_identity
from tests.settlements.conftest import (  # noqa: F401  (fixtures)
    _media,
    authorized_mission,
    disbursed_advance,
    draft,
    make_mission,
    organization,
    project,
    receipt_fields,
    returned_mission,
    signed_advance,
    submitted,
)

D = dt.date


def _file(api_client, monkeypatch, day, **kw):
    code = file_on(api_client, monkeypatch, day, **kw).json()["tracking_code"]
    return ArcoRequest.objects.get(tracking_code=code)


def _linked(api_client, monkeypatch, officer, subject, right, day=None):
    req = _file(api_client, monkeypatch, day or D(2026, 3, 30), right=right)
    link_verified(req, officer, subject)
    return req


@pytest.fixture
def closed_settlement(
    submitted,  # noqa: F811
    accounting_assistant,
    accountant,
    django_capture_on_commit_callbacks,
):
    """A settlement received, reviewed, settled on 10 Mar 2026 and closed (balance returned)."""

    def make(receipts=None):
        settlement = submitted(
            receipts=receipts
            or [
                receipt_fields(),
                receipt_fields(
                    receipt_type="boarding_pass",
                    category="airport_tax",
                    issuer_name="Avianca",
                    customer_name="Lucía Quispe",
                    customer_tax_id="45879632",
                    amount=Decimal("20.00"),
                ),
            ]
        )
        with django_capture_on_commit_callbacks(execute=True):  # the stamping run
            settlement_services.settlement_receive(
                actor=accounting_assistant, settlement=settlement, today=D(2026, 3, 9)
            )
        for receipt in settlement.receipts.all():
            settlement_services.receipt_review(
                actor=accountant, receipt=receipt, decision="accepted"
            )
        settlement_services.settlement_review_finish(actor=accountant, settlement=settlement)
        settlement_services.settlement_settle(
            actor=accountant, settlement=settlement, today=D(2026, 3, 10)
        )
        settlement.refresh_from_db()
        if settlement.status != Settlement.Status.CLOSED:
            settlement_services.settlement_record_balance(
                actor=accountant, settlement=settlement, on=D(2026, 3, 11), reference="DEP-9"
            )
        settlement.refresh_from_db()
        return settlement

    return make


def test_missions_and_settlements_declare_themselves_to_privacy(db):
    apps = {d.app for d in declarations()}
    assert {"missions", "settlements"} <= apps
    declared = categories()
    assert declared["settlements.accounting_support"].period_years == 6
    assert declared["settlements.payroll_deductions"].period_years == 5


@pytest.mark.real_pdf
def test_r_a8_acceso_exports_missions_and_settlements_as_json_and_pdf(
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    submitted,  # noqa: F811
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    settlement = submitted()
    req = _linked(api_client, monkeypatch, privacy_officer, traveler, "acceso", D(2026, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Adjuntamos sus datos.",
            today=D(2026, 4, 6),
        )
    files = {
        name: content for name, (content, _type) in downloaded(api_client, mailoutbox[-1]).items()
    }
    data = json.loads(files["mis-datos.json"])
    mission = data["missions"]["missions"][0]
    assert mission["code"] == settlement.mission.code
    assert mission["itinerary"][0]["destination"].startswith("San Salvador")
    assert mission["advances"][0]["amount_usd"] == "450.00"
    exported = data["settlements"]["settlements"][0]
    assert exported["code"] == settlement.code and exported["advance_usd"] == "450.00"
    assert exported["receipts"][0]["number"] == settlement.receipts.get().number
    assert {d["kind"] for d in exported["documents"]} >= {"proof_of_travel", "receipt"}
    assert "sanctions" in data["settlements"] and "payroll_deduction_orders" in data["settlements"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["mis-datos.pdf"])).pages)
    assert settlement.code in text and settlement.mission.code in text
    assert settlement.receipts.get().number in text


def test_r_a8_r_t2_cancelacion_with_open_settlement_is_blocked_and_the_answer_explains(
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    submitted,  # noqa: F811
):
    settlement = submitted()
    files = list(settlement.documents.values_list("file", flat=True))
    number = traveler.traveler_profile.document_number
    req = _linked(api_client, monkeypatch, privacy_officer, traveler, "cancelacion")
    result = subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1))
    assert result["anonymized"] is False
    reasons = " ".join(str(h.reason) for h in result["holds"])
    assert settlement.code in reasons
    traveler.refresh_from_db()
    assert traveler.first_name and traveler.traveler_profile.document_number == number
    assert all(default_storage.exists(name) for name in files)  # blocked, not deleted
    assert BlockedRecord.objects.filter(key=f"user:{traveler.pk}").exists()
    services.arco_request_answer(
        actor=privacy_officer,
        request_id=req.pk,
        outcome="partial",
        response_text="Hemos atendido su solicitud en parte.",
        today=D(2026, 4, 2),
    )
    req.refresh_from_db()
    assert "Hemos atendido" in req.response_text
    assert settlement.code in req.response_text and "bloqueados" in req.response_text


def test_r_t2_advance_pending_settlement_is_a_hold(
    db,
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    disbursed_advance,  # noqa: F811
):
    advance = disbursed_advance()
    req = _linked(api_client, monkeypatch, privacy_officer, traveler, "cancelacion")
    result = subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1))
    assert result["anonymized"] is False
    assert advance.code in " ".join(str(h.reason) for h in result["holds"])


def test_r_t2_sanction_in_course_is_a_hold(
    db, api_client, monkeypatch, privacy_officer, traveler, accountant, closed_settlement
):
    from deadlines import sanctions

    settlement = closed_settlement()
    sanction = sanctions.sanction_propose(
        actor=accountant,
        kind="altered_documents",
        person=traveler,
        mission=settlement.mission,
        advance=None,
        amount=None,
        reason="Comprobante alterado",
        today=D(2026, 4, 1),
    )
    req = _linked(api_client, monkeypatch, privacy_officer, traveler, "cancelacion")
    result = subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 2))
    assert result["anonymized"] is False
    assert sanction.code in " ".join(str(h.reason) for h in result["holds"])


def test_r_a8_r_t4_cancelacion_after_the_settlement_closed_anonymizes_keeping_the_books(
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    closed_settlement,
    django_capture_on_commit_callbacks,
):
    settlement = closed_settlement()
    files = [n for d in settlement.documents.all() for n in (d.file, d.stamped_file)]
    totals = settlement.receipts.aggregate(a=Sum("amount"), u=Sum("amount_usd"))
    numbers = sorted(settlement.receipts.values_list("number", flat=True))
    req = _linked(api_client, monkeypatch, privacy_officer, traveler, "cancelacion")
    with django_capture_on_commit_callbacks(execute=True):
        result = subjects.subject_cancel(
            actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1)
        )
    assert result["anonymized"] is True
    assert not any(default_storage.exists(name) for name in files)
    assert not Document.objects.exclude(file="").exists()
    boarding = Receipt.objects.get(receipt_type="boarding_pass")
    assert boarding.customer_name == "" and boarding.customer_tax_id == ""
    assert not Receipt.history.filter(customer_tax_id="45879632").exists()
    assert settlement.receipts.aggregate(a=Sum("amount"), u=Sum("amount_usd")) == totals
    assert sorted(settlement.receipts.values_list("number", flat=True)) == numbers
    fresh = Settlement.objects.get(pk=settlement.pk)
    assert (fresh.balance, fresh.settled_on) == (settlement.balance, settlement.settled_on)


def test_r_t1_r_t3_apply_retention_anonymizes_an_old_closed_settlement_once(
    closed_settlement, traveler, django_capture_on_commit_callbacks
):
    settlement = closed_settlement()
    files = [n for d in settlement.documents.all() for n in (d.file, d.stamped_file)]
    totals = Receipt.objects.aggregate(a=Sum("amount"), u=Sum("amount_usd"), x=Sum("accepted_usd"))
    key = f"settlements.settlement:{settlement.pk}"

    # Settled in 2026: the clock starts on 1 Jan 2027 and runs 6 years (Código Tributario).
    call_command("apply_retention", "--date", "2032-12-31", stdout=StringIO())
    assert not RetentionAction.objects.filter(record_key=key).exists()
    assert all(default_storage.exists(name) for name in files)

    out = StringIO()
    call_command("apply_retention", "--date", "2033-01-02", "--dry-run", stdout=out)
    assert key in out.getvalue() and not RetentionAction.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--date", "2033-01-02", stdout=StringIO())
    action = RetentionAction.objects.get(record_key=key)
    assert action.action == "anonymize" and action.detail.startswith("anonymized: ")
    assert "nothing" not in action.detail
    assert not any(default_storage.exists(name) for name in files)
    assert (
        Receipt.objects.aggregate(a=Sum("amount"), u=Sum("amount_usd"), x=Sum("accepted_usd"))
        == totals
    )
    assert Settlement.objects.get(pk=settlement.pk).balance == settlement.balance

    written = RetentionAction.objects.count()
    history = Receipt.history.count()
    out = StringIO()
    call_command("apply_retention", "--date", "2033-01-02", stdout=out)
    assert "0 action(s)" in out.getvalue()
    assert RetentionAction.objects.count() == written and Receipt.history.count() == history


def test_r_t2_retention_blocks_an_old_settlement_while_another_one_is_open(
    closed_settlement,
    traveler,
    submitted,  # noqa: F811
):
    old = closed_settlement()
    submitted()  # a second mission of the same traveler, its settlement still open
    call_command("apply_retention", "--date", "2033-01-02", stdout=StringIO())
    action = RetentionAction.objects.get(record_key=f"settlements.settlement:{old.pk}")
    assert action.action == "block" and action.held
    assert Document.objects.filter(settlement=old).exclude(file="").exists()


# --- R-A4: the daily step closes requests not corrected in time ---


def test_r_a4_daily_step_closes_an_uncorrected_request_counting_fiestas_patrias(
    db, api_client, monkeypatch, privacy_officer, django_capture_on_commit_callbacks
):
    req = _file(api_client, monkeypatch, D(2026, 7, 20), right="rectificacion")
    services.arco_request_observe(
        actor=privacy_officer, request_id=req.pk, observations="Falta el DNI", today=D(2026, 7, 22)
    )
    req.refresh_from_db()
    # Holidays: 23 July (Air Force day), 28 and 29 July (Fiestas Patrias); so 24, 27, 30, 31
    # July and 3 August: five business days (eight calendar days without the holidays).
    assert req.correction_due_date == D(2026, 8, 3)
    for day in ("2026-07-30", "2026-08-03"):
        call_command("apply_retention", "--date", day, stdout=StringIO())
        req.refresh_from_db()
        assert req.status == ArcoRequest.Status.OBSERVED

    out = StringIO()
    call_command("apply_retention", "--date", "2026-08-04", "--dry-run", stdout=out)
    assert f"[dry run] R-A4 not filed {req.tracking_code}" in out.getvalue()
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.OBSERVED

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--date", "2026-08-04", stdout=StringIO())
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.NOT_FILED and req.closed_on == D(2026, 8, 4)
    assert "no presentada" in req.response_text and "22/07/2026" in req.response_text
    assert req.response_letter
    assert ArcoDelivery.objects.filter(request=req, kind="response").exists()
    history = req.history.count()

    out = StringIO()
    call_command("apply_retention", "--date", "2026-08-05", stdout=out)
    assert "0 ARCO request(s) closed" in out.getvalue()
    assert req.history.count() == history


# --- R-A1 / R-A8 portabilidad and tratamiento objetivo ---


def test_r_a8_portabilidad_is_answered_with_the_json_export(
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    submitted,  # noqa: F811
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    settlement = submitted()
    req = _linked(api_client, monkeypatch, privacy_officer, traveler, "portabilidad", D(2026, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Adjuntamos sus datos en formato JSON.",
            today=D(2026, 4, 6),
        )
    files = downloaded(api_client, mailoutbox[-1])
    assert "mis-datos.pdf" not in files
    content, mimetype = files["mis-datos.json"]
    assert mimetype == "application/json"
    data = json.loads(content)
    assert data["settlements"]["settlements"][0]["code"] == settlement.code
    assert req.attachments.filter(kind="export_json").exists()


def test_r_a8_portabilidad_needs_the_subject_linked(db, api_client, monkeypatch, privacy_officer):
    req = _file(api_client, monkeypatch, D(2026, 4, 1), right="portabilidad")
    with pytest.raises(services.DomainError) as exc:
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="x",
            today=D(2026, 4, 6),
        )
    assert exc.value.code == "no_subject"


def test_r_a1_tratamiento_objetivo_records_who_reviewed_the_decision(
    db, client, api_client, monkeypatch, privacy_officer
):
    from privacy.models import NoticeAcknowledgement, PrivacyNotice

    req = _file(api_client, monkeypatch, D(2026, 4, 1), right="tratamiento_objetivo")
    with pytest.raises(services.DomainError) as exc:
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Revisado.",
            today=D(2026, 4, 6),
        )
    assert exc.value.code == "review_required"

    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    verify_identity(req, privacy_officer)  # R-A1: before the review, which goes in the letter
    page = client.get(f"/privacidad/solicitudes/{req.pk}/")
    assert 'name="decision"' in page.content.decode()
    response = client.post(
        f"/privacidad/solicitudes/{req.pk}/review/",
        {"decision": "Sanción S-00003 propuesta por el proceso diario", "outcome": "Se mantiene."},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.human_review_by == privacy_officer and req.human_review_at is not None
    assert req.human_review_outcome == "Se mantiene."
    assert req.history.first().history_change_reason == "decision reviewed by a person"
    services.arco_request_answer(
        actor=privacy_officer,
        request_id=req.pk,
        outcome="granted",
        response_text="Una persona revisó la decisión.",
        today=D(2026, 4, 6),
    )
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.ANSWERED
    assert "S-00003" in req.response_text and "Se mantiene." in req.response_text


def test_r_a1_tratamiento_objetivo_review_needs_an_outcome(
    db, api_client, monkeypatch, privacy_officer
):
    req = _file(api_client, monkeypatch, D(2026, 4, 1), right="tratamiento_objetivo")
    with pytest.raises(services.DomainError) as exc:
        subjects.subject_review_decision(
            actor=privacy_officer, request_id=req.pk, decision="x", outcome=" ", today=D(2026, 4, 2)
        )
    assert exc.value.code == "outcome_required"
    req.refresh_from_db()
    assert req.human_review_at is None
