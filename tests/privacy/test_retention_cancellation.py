"""R-A8, R-T2, R-T3: a cancelación blocked by a legal hold is carried out by the retention job
once no hold applies any more (the letter promised it: "it will be anonymized when these
obligations end")."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from privacy import services, subjects
from privacy.models import (
    ArcoRequest,
    BlockedRecord,
    LegalHold,
    NoticeAcknowledgement,
    PrivacyNotice,
    RetentionAction,
)
from tests.privacy.helpers import file_on, link_verified

D = dt.date


def _run(day: dt.date) -> str:
    out = StringIO()
    call_command("apply_retention", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def _blocked_cancelacion(api_client, monkeypatch, officer, person, *, category="", answer=True):
    """A cancelación filed on 30 Mar 2026 while litigation (until 30 Jun 2026) holds the data."""
    LegalHold.objects.create(
        subject=person,
        reason=LegalHold.Reason.LITIGATION,
        description="Juicio laboral 123",
        category=category,
        started_on=D(2026, 1, 1),
        ended_on=D(2026, 6, 30),
    )
    code = file_on(api_client, monkeypatch, D(2026, 3, 30), right="cancelacion").json()[
        "tracking_code"
    ]
    request = ArcoRequest.objects.get(tracking_code=code)
    link_verified(request, officer, person)
    result = subjects.subject_cancel(actor=officer, request_id=request.pk, today=D(2026, 4, 1))
    assert result["anonymized"] is False
    if answer:
        services.arco_request_answer(
            actor=officer,
            request_id=request.pk,
            outcome="partial",
            response_text="Hemos bloqueado sus datos.",
            today=D(2026, 4, 2),
        )
    return request


@pytest.fixture
def acknowledged(traveler):
    return NoticeAcknowledgement.objects.create(
        user=traveler,
        notice=PrivacyNotice.objects.get(),
        notice_hash="x",
        ip_address="10.9.9.9",
        user_agent="Mozilla/5.0 secreto",
    )


def test_r_a8_blocked_cancelacion_is_anonymized_by_retention_once_the_hold_ends(
    db, api_client, monkeypatch, privacy_officer, traveler, acknowledged
):
    number = traveler.traveler_profile.document_number
    _blocked_cancelacion(api_client, monkeypatch, privacy_officer, traveler)
    key = f"user:{traveler.pk}"

    _run(D(2026, 6, 30))  # the litigation still holds on its last day
    traveler.refresh_from_db()
    assert traveler.first_name and not traveler.is_active  # kept, but cannot sign in (R-T2)
    assert traveler.traveler_profile.document_number == number
    assert BlockedRecord.objects.filter(key=key).exists()
    kept = RetentionAction.objects.get(policy__category="privacy.blocked_cancellations")
    assert kept.action == "block" and kept.held and "Juicio laboral 123" in kept.detail

    out = _run(D(2026, 7, 1))  # the hold has ended: the cancelación is carried out
    traveler.refresh_from_db()
    assert traveler.first_name == "" and traveler.last_name == "" and traveler.email == ""
    assert not traveler.is_active and traveler.username == f"anonimo-{traveler.pk}"
    assert traveler.traveler_profile.document_number == "—"
    assert number not in [h.document_number for h in traveler.traveler_profile.history.all()]
    acknowledged.refresh_from_db()
    assert acknowledged.ip_address is None and acknowledged.user_agent == ""
    done = RetentionAction.objects.get(
        policy__category="privacy.blocked_cancellations", action="anonymize"
    )
    assert done.run_date == D(2026, 7, 1) and not done.held
    assert done.detail.startswith("anonymized: ") and done.detail != "anonymized: nothing"
    assert f"anonymize {done.record_key}" in out
    assert not BlockedRecord.objects.filter(key=key).exists()  # the block is lifted

    # Idempotent: nothing more to do, the next day or years later.
    written = RetentionAction.objects.count()
    assert "0 action(s)" in _run(D(2026, 7, 1))
    assert "0 action(s)" in _run(D(2027, 1, 1))
    assert RetentionAction.objects.count() == written


def test_r_t3_dry_run_shows_the_pending_cancelacion_and_changes_nothing(
    db, api_client, monkeypatch, privacy_officer, traveler
):
    _blocked_cancelacion(api_client, monkeypatch, privacy_officer, traveler)
    out = StringIO()
    call_command("apply_retention", "--date", "2026-07-01", "--dry-run", stdout=out)
    assert "[dry run] anonymize privacy.cancellation:" in out.getvalue()
    traveler.refresh_from_db()
    assert traveler.first_name and BlockedRecord.objects.filter(key=f"user:{traveler.pk}").exists()
    assert not RetentionAction.objects.exists()


def test_r_t2_cancelacion_stays_blocked_while_the_request_itself_is_in_course(
    db, api_client, monkeypatch, privacy_officer, traveler
):
    _blocked_cancelacion(api_client, monkeypatch, privacy_officer, traveler, answer=False)
    _run(D(2026, 7, 1))
    traveler.refresh_from_db()
    assert traveler.first_name and BlockedRecord.objects.filter(key=f"user:{traveler.pk}").exists()


def test_r_t2_blocked_cancelacion_is_held_by_a_hold_of_any_category(
    db, api_client, monkeypatch, privacy_officer, traveler
):
    """The cancelación anonymizes every app's data: a hold on one category keeps all of it."""
    _blocked_cancelacion(
        api_client,
        monkeypatch,
        privacy_officer,
        traveler,
        category="settlements.accounting_support",
    )
    _run(D(2026, 6, 1))
    traveler.refresh_from_db()
    assert traveler.first_name and not traveler.is_active  # kept, but cannot sign in (R-T2)
    _run(D(2026, 7, 1))
    traveler.refresh_from_db()
    assert traveler.first_name == "" and not traveler.is_active


def test_r_a8_a_second_cancelacion_blocked_after_the_first_was_carried_out_is_carried_out_too(
    db, api_client, monkeypatch, privacy_officer, traveler
):
    _blocked_cancelacion(api_client, monkeypatch, privacy_officer, traveler)
    _run(D(2026, 7, 1))
    # The account is anonymized; something new about the person is blocked again later.
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=traveler.pk).update(first_name="Lucía")
    services.record_block(
        key=f"user:{traveler.pk}", subject_id=traveler.pk, today=D(2027, 2, 1), holds=[]
    )
    _run(D(2027, 2, 2))
    traveler.refresh_from_db()
    assert traveler.first_name == ""
    assert not BlockedRecord.objects.filter(key=f"user:{traveler.pk}").exists()
    assert (
        RetentionAction.objects.filter(
            policy__category="privacy.blocked_cancellations", action="anonymize"
        ).count()
        == 2
    )
