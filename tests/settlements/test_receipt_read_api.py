"""`POST /api/v1/receipts/read/` (SPEC §7): reads a receipt's SUNAT QR, saves nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from settlements.models import Document, Receipt
from tests.factories import UserFactory
from tests.settlements import receipt_samples as samples
from tests.settlements.conftest import png_upload

URL = "/api/v1/receipts/read/"
KEYS = {
    "found",
    "issuer_tax_id",
    "issuer_tax_id_valid",
    "document_type",
    "series",
    "number",
    "igv",
    "total",
    "date",
    "buyer_document_type",
    "buyer_document_number",
    "buyer_is_organization",
}


@pytest.fixture
def api(organization):
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader"))
    return client


def _post(api, name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return api.post(URL, {"file": upload}, format="multipart")


@pytest.mark.django_db
def test_a_photo_of_a_peruvian_e_receipt_is_read_as_spec_7_says(api, tmp_path):
    p = samples.PAYLOADS[0]
    response = _post(api, "foto.jpg", samples.phone_photo(p, **samples.MODERATE), "image/jpeg")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == KEYS
    assert body["found"] is True
    assert body == {
        **samples.expected_dict(p),
        "found": True,
        "issuer_tax_id_valid": True,
        "buyer_is_organization": True,
    }
    # Reads, saves nothing: no receipt, no document, no file.
    assert Receipt.objects.count() == 0 and Document.objects.count() == 0


@pytest.mark.django_db
def test_r_3_12_a_receipt_issued_to_someone_else_answers_buyer_is_not_the_organization(api):
    p = samples.payload(kind="03", series="B001", buyer_type="1", buyer="45678912")
    response = _post(api, "boleta.pdf", samples.vector_pdf(p), "application/pdf")
    assert response.status_code == 200
    body = response.json()
    assert body["found"] is True and body["document_type"] == "03"
    assert body["buyer_is_organization"] is False
    assert body["buyer_document_number"] == "45678912"


@pytest.mark.django_db
def test_a_document_without_a_qr_answers_found_false_and_nulls(api):
    response = api.post(URL, {"file": png_upload()}, format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS and body["found"] is False
    assert all(body[key] is None for key in KEYS - {"found"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 not a document", {"file_type_not_allowed"}),
        (b"", {"invalid", "file_empty"}),  # DRF refuses an empty file before the check
        (b"\x89PNG\r\n\x1a\n truncated", {"file_corrupt"}),
    ],
)
def test_a_file_that_is_not_an_acceptable_document_is_400(api, content, code):
    response = _post(api, "x.png", content, "image/png")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] in code and body["detail"]


@pytest.mark.django_db
def test_without_a_file_is_400_and_anonymous_is_401(api):
    response = api.post(URL, {}, format="multipart")
    assert response.status_code == 400 and set(response.json()) >= {"code", "detail"}
    assert APIClient().post(URL, {}, format="multipart").status_code == 401


@pytest.mark.django_db
def test_the_read_endpoint_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", {"format": "json"})
    assert "/api/v1/receipts/read/" in schema.json()["paths"]
