"""R-2a (issue 18): a wrong proof of travel or mission report can be removed while the
settlement is editable, so a settlement is never stuck with a file it cannot use."""

import pytest
from django.conf import settings

from settlements import services
from settlements.models import Document, SettlementEvent
from tests.factories import PASSWORD
from tests.settlements.conftest import pdf_upload, receipt_fields


def _files():
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def with_report(draft):
    settlement = draft()
    traveler = settlement.mission.traveler
    document = services.settlement_attach_document(
        actor=traveler, settlement=settlement, kind="mission_report", upload=pdf_upload()
    )
    return settlement, document


def test_the_traveler_removes_a_document_from_the_page(
    client, with_report, django_capture_on_commit_callbacks
):
    settlement, document = with_report
    assert client.login(username=settlement.mission.traveler.username, password=PASSWORD)
    assert "quitar" in client.get(f"/liquidaciones/{settlement.pk}/").content.decode()
    assert len(_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/liquidaciones/documentos/{document.pk}/quitar/")
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert _files() == []
    assert SettlementEvent.objects.filter(settlement=settlement, action="document_removed").exists()


def test_the_api_removes_a_document_and_checks_the_settlement(
    api_client, with_report, draft, django_capture_on_commit_callbacks
):
    settlement, document = with_report
    api_client.force_authenticate(settlement.mission.traveler)
    other = f"/api/v1/settlements/{settlement.pk + 999}/documents/{document.pk}/"
    assert api_client.delete(other).status_code == 404
    url = f"/api/v1/settlements/{settlement.pk}/documents/{document.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(url).status_code == 204
    assert not Document.objects.filter(pk=document.pk).exists() and _files() == []


def test_nobody_else_and_not_after_submission(
    api_client, submitted, other_traveler, accounting_assistant
):
    settlement = submitted()
    document = settlement.documents.get(kind="proof_of_travel")
    url = f"/api/v1/settlements/{settlement.pk}/documents/{document.pk}/"
    api_client.force_authenticate(other_traveler)
    assert api_client.delete(url).status_code == 404
    api_client.force_authenticate(settlement.mission.traveler)
    response = api_client.delete(url)
    assert response.status_code == 400
    api_client.force_authenticate(accounting_assistant)
    assert api_client.delete(url).status_code in (400, 403)
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_receipt_file_is_not_removed_as_a_document(draft):
    settlement = draft()
    traveler = settlement.mission.traveler
    services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields())
    receipt_file = settlement.documents.get(kind="receipt")
    with pytest.raises(services.DomainError) as refused:
        services.document_remove(actor=traveler, document=receipt_file)
    assert refused.value.code == "receipt_file_required"
