"""Issue 21: with a broker, the SUNAT QR code of an uploaded receipt is read on the worker. The
upload answers at once with a draft (the defaults, "reading the QR code…"); the task fills the
line in from the QR, once; a draft the traveler confirmed meanwhile is left as typed. Broker
down: the draft waits, and beat's sweep reads it when the broker is back."""

import datetime as dt
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from settlements.models import Receipt
from settlements.tasks import read_uploaded_receipt, resume_stamping
from tests.factories import PASSWORD
from tests.settlements import receipt_samples as samples


def _photo():
    content = samples.phone_photo(samples.PAYLOADS[0], salt=7, **samples.MODERATE)
    return SimpleUploadedFile("IMG_2031.jpg", content, content_type="image/jpeg")


def test_with_a_broker_the_qr_is_read_on_the_worker_and_fills_the_draft_once(
    client, draft, broker, django_capture_on_commit_callbacks
):
    settlement = draft()
    assert client.login(username=settlement.mission.traveler.username, password=PASSWORD)
    broker("redis://127.0.0.1:1/0")  # publishing fails: the draft waits for the sweep
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("settlements:action", args=[settlement.pk, "upload"]), {"photo": _photo()}
        )
    assert response.status_code == 302
    receipt = Receipt.objects.get(settlement=settlement)
    assert receipt.draft and receipt.reading_pending and receipt.read_fields == []
    page = client.get(reverse("settlements:detail", args=[settlement.pk])).content.decode()
    assert "Leyendo el código QR" in page

    broker("")  # back (here in-process, as the worker would run it)
    resume_stamping.apply()
    receipt.refresh_from_db()
    p = samples.PAYLOADS[0]
    assert not receipt.reading_pending
    assert (receipt.issuer_tax_id, receipt.number, receipt.date, receipt.amount) == (
        p.issuer_tax_id,
        "F001-1234",
        dt.date(2026, 3, 3),
        D("118.00"),
    )
    assert set(receipt.read_fields) >= {"issuer_tax_id", "number", "date", "amount"}
    # Delivered again: nothing more happens.
    assert read_uploaded_receipt.apply(args=[receipt.pk]).get() is False


def test_a_draft_confirmed_before_its_qr_is_read_keeps_what_the_traveler_typed(db, draft):
    settlement = draft()
    receipt = Receipt.objects.create(
        settlement=settlement,
        category="",
        issuer_name="",
        amount_usd=D("0.00"),
        draft=False,
        reading_pending=True,
        number="TYPED-1",
        date=dt.date(2026, 3, 3),
        currency="USD",
        amount=D("10.00"),
        duplicate_key="",
    )
    assert read_uploaded_receipt.apply(args=[receipt.pk]).get() is False
    receipt.refresh_from_db()
    assert receipt.number == "TYPED-1"
