"""R-T4 on ARCO requests: anonymizing a request removes its contact data and the free texts that
name the requester (observations, extension reason, response), in the history too, and the
addresses its messages were sent to."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from privacy import services
from privacy.declarations import anonymize_arco_request
from privacy.models import ArcoDelivery, ArcoRequest
from tests.privacy.conftest import png
from tests.privacy.helpers import verify_identity

D = dt.date
NAME = "Ana Pérez Quispe"
TEXTS = ["observations", "extension_reason", "response_text", "correction_text"]


@pytest.fixture
def answered(db, privacy_officer, django_capture_on_commit_callbacks):
    """A rectificación observed, corrected, extended and answered, every text naming Ana; the
    acknowledgement and the response went by e-mail, and the letter by post."""
    filing = services.ArcoFiling(
        right="rectificacion",
        full_name=NAME,
        document_type="DNI",
        document_number="12345678",
        email="ana@example.org",
        address="Jr. Cusco 123, Lima",
        request_detail="Cambiar mi apellido",
        notice_acknowledged=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = services.arco_request_file(
            filing=filing, document_file=png(), today=D(2026, 3, 2)
        )
        services.arco_request_observe(
            actor=privacy_officer,
            request_id=request.pk,
            observations=f"Sra. {NAME}, falta su DNI legible",
            today=D(2026, 3, 3),
        )
        services.arco_request_correct(
            tracking_code=request.tracking_code,
            correction_text="Aquí mi DNI 12345678",
            today=D(2026, 3, 4),
        )
        services.arco_request_extend(
            actor=privacy_officer,
            request_id=request.pk,
            reason=f"{NAME} vive en Cusco",
            today=D(2026, 3, 5),
        )
        verify_identity(request, privacy_officer)  # R-A1: before anything is disclosed
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=request.pk,
            outcome="granted",
            response_text=f"Estimada {NAME} (DNI 12345678): corregimos su apellido.",
            today=D(2026, 3, 6),
        )
    request.refresh_from_db()
    assert request.closed_on == D(2026, 3, 6)
    deliveries = set(ArcoDelivery.objects.filter(request=request).values_list("to", flat=True))
    assert deliveries == {"ana@example.org", "Jr. Cusco 123, Lima"}
    return request


def _assert_nothing_names_ana(request):
    request.refresh_from_db()
    assert request.anonymized
    for field in TEXTS:
        assert NAME not in getattr(request, field) and "12345678" not in getattr(request, field)
    for row in request.history.values(*TEXTS):
        assert not any(NAME in (value or "") for value in row.values()), row
    assert not ArcoDelivery.objects.filter(request=request, to__icontains="ana").exists()
    assert not ArcoDelivery.objects.filter(request=request, to__icontains="Cusco").exists()
    # What proves compliance stays: dates, right, outcome and how each message went.
    assert request.closed_on == D(2026, 3, 6) and request.outcome == "granted"
    assert request.extended_on == D(2026, 3, 5) and request.observed_on == D(2026, 3, 3)
    assert set(ArcoDelivery.objects.filter(request=request).values_list("kind", flat=True)) == {
        "acknowledgement",
        "observations",
        "extension",
        "response",
    }


def test_r_t4_retention_of_arco_requests_wipes_texts_and_delivery_addresses(answered):
    call_command("apply_retention", "--date", "2031-03-06", stdout=StringIO())
    _assert_nothing_names_ana(answered)


def test_r_t4_anonymize_arco_request_wipes_texts_and_delivery_addresses(answered):
    anonymize_arco_request(ArcoRequest.objects.get(pk=answered.pk))
    _assert_nothing_names_ana(answered)


def test_r_t4_failed_delivery_detail_which_may_quote_the_address_goes(answered):
    ArcoDelivery.objects.create(
        request=answered,
        kind="response",
        channel="email",
        to="ana@example.org",
        status="failed",
        detail="{'ana@example.org': (550, b'mailbox unavailable')}",
    )
    call_command("apply_retention", "--date", "2031-03-06", stdout=StringIO())
    failed = ArcoDelivery.objects.get(request=answered, status="failed")
    assert "ana@" not in failed.detail and failed.to != "ana@example.org"
