"""Issue 21 with R-A1/R-A6: the ARCO delivery log on top of the outbox. With SMTP down the
public form still answers 201, the acknowledgement waits (queued, then failed with its error
for the officer), and once delivered the log says sent; the letter is rendered and kept once
however many delivery attempts it takes."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from privacy import clock
from privacy.models import (
    ArcoAttachment,
    ArcoDelivery,
    ArcoRequest,
    NoticeAcknowledgement,
    PrivacyNotice,
)
from tests.privacy.helpers import file_on
from viaticos.models import OutboxMessage

D = dt.date
SMTP_DOWN = "tests.mail_backends.SmtpDownBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def make_due():
    OutboxMessage.objects.filter(status="queued").update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_r_a1_filing_with_smtp_down_answers_201_and_the_acknowledgement_waits(
    db, api_client, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.VIATICOS_OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = file_on(api_client, monkeypatch, D(2026, 3, 30))
    assert response.status_code == 201
    req = ArcoRequest.objects.get(tracking_code=response.json()["tracking_code"])
    delivery = req.deliveries.get()
    assert delivery.status == ArcoDelivery.Status.QUEUED
    make_due()
    call_command("deliver_outbox")
    delivery.refresh_from_db()
    assert delivery.status == ArcoDelivery.Status.FAILED
    assert "Connection refused" in delivery.detail
    # The administrator queues it again once the server is back: the log follows.
    settings.EMAIL_BACKEND = LOCMEM
    from viaticos import outbox

    with django_capture_on_commit_callbacks(execute=True):
        ids = list(OutboxMessage.objects.values_list("pk", flat=True))
        outbox.outbox_retry(actor=None, message_ids=ids)
    delivery.refresh_from_db()
    assert delivery.status == ArcoDelivery.Status.SENT
    assert [m.to for m in mail.outbox] == [["lucia@example.org"]]
    # R-A1: to an address nobody verified yet, the code and the dates only, no PDF of the request.
    assert not mail.outbox[0].attachments
    assert req.tracking_code in mail.outbox[0].body


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


def test_r_a6_answer_with_smtp_down_keeps_one_letter_and_sends_it_once(
    db, api_client, officer_client, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from privacy import documents

    renders = []
    monkeypatch.setattr(
        documents, "render_pdf", lambda template, context: renders.append(template) or b"%PDF"
    )
    code = file_on(api_client, monkeypatch, D(2026, 3, 30), right="informacion").json()
    req = ArcoRequest.objects.get(tracking_code=code["tracking_code"])
    # R-A1: the requester confirmed the address, so the letter may be e-mailed to it.
    ArcoRequest.objects.filter(pk=req.pk).update(email_confirmed_at=timezone.now())
    settings.EMAIL_BACKEND = SMTP_DOWN
    monkeypatch.setattr(clock, "today", lambda: D(2026, 4, 6))
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            f"/privacidad/solicitudes/{req.pk}/answer/",
            {"outcome": "granted", "response_text": "Tenemos su nombre y DNI."},
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.ANSWERED
    # The letter was rendered and kept on the first attempt, although SMTP failed.
    assert req.response_letter
    assert req.attachments.filter(kind=ArcoAttachment.Kind.RESPONSE).count() == 1
    response_delivery = req.deliveries.get(kind=ArcoDelivery.Kind.RESPONSE)
    assert response_delivery.status == ArcoDelivery.Status.QUEUED
    settings.EMAIL_BACKEND = LOCMEM
    make_due()
    call_command("deliver_outbox")
    call_command("deliver_outbox")
    response_delivery.refresh_from_db()
    assert response_delivery.status == ArcoDelivery.Status.SENT
    assert req.attachments.filter(kind=ArcoAttachment.Kind.RESPONSE).count() == 1
    assert renders.count("privacy/pdf/response_letter.html") == 1
    letters = [m for m in mail.outbox if "/privacidad/arco/descarga/" in m.body]
    assert len(letters) == 1 and not letters[0].attachments
