"""Reglamento D.S. 016-2024-JUS (issue 25, finding 12): impact assessments and the security
document are recorded with their dates, in the admin and on a compliance page the Oficial can
print as a PDF."""

import datetime as dt

import pytest
from django.utils import timezone

from privacy.compliance import compliance_context
from privacy.models import (
    ImpactAssessment,
    NoticeAcknowledgement,
    PrivacyNotice,
    SecurityDocument,
    SecurityIncident,
)


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


@pytest.fixture
def records(db):
    ImpactAssessment.objects.create(
        title="Cifrado de documentos y cuentas",
        processing="Perfiles de viajeros",
        risk="medium",
        measures="Cifrado en reposo",
        performed_on=dt.date(2026, 2, 1),
        next_review_on=dt.date(2027, 2, 1),
    )
    SecurityDocument.objects.create(
        version="2026-1",
        approved_on=dt.date(2026, 1, 20),
        approved_by="Dirección Ejecutiva",
        summary="Roles, segundo factor, copias cifradas.",
    )


@pytest.mark.django_db
def test_the_compliance_page_shows_the_records_with_their_dates(officer_client, records):
    page = officer_client.get("/privacidad/cumplimiento/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cifrado de documentos y cuentas" in html and "01/02/2026" in html
    assert "2026-1" in html and "20/01/2026" in html and "Dirección Ejecutiva" in html
    pdf = officer_client.get("/privacidad/cumplimiento.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_compliance_page_is_the_oficials_and_the_auditors(client, traveler):
    client.force_login(traveler)
    assert client.get("/privacidad/cumplimiento/").status_code == 404
    assert client.get("/privacidad/cumplimiento.pdf").status_code == 404


@pytest.mark.django_db
def test_incidents_told_late_are_counted(records):
    now = timezone.now()
    SecurityIncident.objects.create(
        detected_at=now - dt.timedelta(days=10),
        nature="a",
        data_categories="",
        people_affected=1,
        measures="m",
        authority_notified_at=now - dt.timedelta(days=10, hours=-20),
    )
    SecurityIncident.objects.create(
        detected_at=now - dt.timedelta(days=5),
        nature="b",
        data_categories="",
        people_affected=1,
        measures="m",
        authority_notified_at=now - dt.timedelta(days=1),
    )
    context = compliance_context(timezone.localdate())
    assert context["incidents"] == {"total": 2, "late": 1}
    assert context["security_document"].version == "2026-1"
