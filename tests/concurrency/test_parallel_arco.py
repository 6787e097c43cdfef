"""R-A3 under concurrency: twenty parallel extensions of one ARCO request extend it once."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from privacy import documents, services
from privacy.models import ArcoDelivery, ArcoRequest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _privacy_env(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(documents, "render_pdf", lambda template, context: b"%PDF-1.4 fake\n%%EOF")


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 20, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("dni.png", buffer.getvalue(), content_type="image/png")


def test_r_a3_twenty_parallel_extensions_extend_once(privacy_officer, race):
    received = dt.date(2026, 3, 2)
    request = services.arco_request_file(
        filing=services.ArcoFiling(
            right="acceso",
            full_name="Lucía Quispe Mamani",
            document_type="DNI",
            document_number="45879632",
            email="lucia@example.org",
            request_detail="Quiero una copia de mis datos.",
            notice_acknowledged=True,
        ),
        document_file=_png(),
        today=received,
    )
    original_due = request.due_date

    outcomes = race(
        20,
        lambda i: services.arco_request_extend(
            actor=privacy_officer,
            request_id=request.pk,
            reason=f"Volumen de datos a reunir ({i})",
            today=received + dt.timedelta(days=3),
        ),
    )

    assert outcomes == {"ok": 1, "already_extended": 19}, outcomes
    request.refresh_from_db()
    assert request.status == ArcoRequest.Status.EXTENDED
    assert request.due_date > original_due
    assert request.history.filter(history_change_reason="extended").count() == 1
    assert request.deliveries.filter(kind=ArcoDelivery.Kind.EXTENSION).count() == 1
