"""R-A1: the public form and API, acknowledgement, status page, rate limit, bad input."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from privacy.models import ArcoAttachment, ArcoDelivery, ArcoRequest
from tests.privacy.helpers import API, body, file_on, pdf, png

D = dt.date


def test_r_a1_api_files_a_request_with_an_unguessable_code(
    db, api_client, monkeypatch, media_files, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = file_on(api_client, monkeypatch, D(2026, 3, 30))
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"tracking_code", "right", "received_on", "due_date"}
    assert len(data["tracking_code"].replace("-", "")) == 16
    req = ArcoRequest.objects.get(tracking_code=data["tracking_code"])
    assert req.attachments.get().kind == ArcoAttachment.Kind.IDENTITY
    assert len(media_files()) == 1
    # R-A1: acknowledgement by e-mail, and the delivery is logged. The address is not
    # verified: the mail carries the code, the right, the dates and the confirmation link,
    # nothing the filer wrote (no name, no PDF of the request).
    assert mailoutbox[0].to == ["lucia@example.org"]
    assert data["tracking_code"] in mailoutbox[0].subject
    assert mailoutbox[0].attachments == []
    assert "Lucía" not in mailoutbox[0].body and "copia de mis datos" not in mailoutbox[0].body
    assert "/privacidad/arco/confirmar/" in mailoutbox[0].body
    assert req.deliveries.get().status == ArcoDelivery.Status.SENT


def test_r_a1_codes_differ_between_requests(db, api_client, monkeypatch):
    a = file_on(api_client, monkeypatch, D(2026, 3, 30)).json()["tracking_code"]
    b = file_on(api_client, monkeypatch, D(2026, 3, 30)).json()["tracking_code"]
    assert a != b


def test_r_a1_representative_with_power_of_attorney(db, api_client, monkeypatch):
    response = file_on(
        api_client,
        monkeypatch,
        D(2026, 3, 30),
        representative_name="Ana Quispe",
        representative_document_number="09876543",
        power_of_attorney_file=pdf(),
    )
    assert response.status_code == 201
    req = ArcoRequest.objects.get()
    assert req.by_representative
    assert req.attachments.filter(kind=ArcoAttachment.Kind.POWER_OF_ATTORNEY).exists()


def _disguised():
    return SimpleUploadedFile("dni.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")


@pytest.mark.parametrize(
    ("overrides", "code", "field", "spanish"),
    [
        ({"document_file": None}, "document_file_required", "document_file", "documento"),
        ({"document_file": "disguised"}, "file_type_not_allowed", "document_file", "PDF"),
        ({"right": "olvido"}, "unknown_right", "right", "derechos"),
        (
            {"notice_acknowledged": "false"},
            "notice_not_acknowledged",
            "notice_acknowledged",
            "aviso",
        ),
        ({"email": "lucia(at)example"}, "invalid_email", "email", "correo"),
        (
            {"representative_name": "Ana Quispe", "representative_document_number": "0987"},
            "power_of_attorney_required",
            "power_of_attorney_file",
            "poder",
        ),
    ],
)
def test_r_a1_bad_input_is_a_400_in_spanish_and_stores_nothing(
    db, api_client, monkeypatch, media_files, mailoutbox, overrides, code, field, spanish
):
    if overrides.get("document_file") == "disguised":
        overrides = {**overrides, "document_file": _disguised()}
    response = file_on(api_client, monkeypatch, D(2026, 3, 30), **overrides)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code
    assert field in data["errors"]
    assert spanish.lower() in data["detail"].lower()
    assert not ArcoRequest.objects.exists()
    assert not ArcoAttachment.objects.exists()
    assert media_files() == []
    assert mailoutbox == []


def test_r_a1_a_failure_after_storing_files_leaves_no_orphan(
    db, api_client, monkeypatch, media_files
):
    from privacy.models import ArcoAttachment as Model

    def boom(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Model.objects, "create", boom)
    api_client.raise_request_exception = False
    response = file_on(api_client, monkeypatch, D(2026, 3, 30))
    assert response.status_code == 500
    assert media_files() == []
    assert not ArcoRequest.objects.exists()


def test_r_a1_too_large_file_is_refused(db, api_client, monkeypatch, settings, media_files):
    settings.VIATICOS_MAX_UPLOAD_BYTES = 50
    response = file_on(api_client, monkeypatch, D(2026, 3, 30))
    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert media_files() == []


def test_r_a1_status_shows_status_and_dates_only(db, api_client, monkeypatch):
    code = file_on(api_client, monkeypatch, D(2026, 3, 30)).json()["tracking_code"]
    response = api_client.get(f"{API}{code}/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "received" and data["due_date"] == "2026-04-29"
    text = response.content.decode()
    for secret in ("Lucía", "45879632", "lucia@example.org", "copia de mis datos"):
        assert secret not in text


def test_r_a1_unknown_code_is_a_plain_404_like_any_other_miss(db, api_client):
    unknown = api_client.get(f"{API}AAAA-BBBB-CCCC-DDDD/")
    other = api_client.get("/api/v1/privacy/arco-requests/x/")
    assert unknown.status_code == other.status_code == 404
    assert unknown.json() == other.json()
    assert set(unknown.json()) == {"code", "detail"}


def test_r_a1_public_status_page_without_personal_data(db, client, api_client, monkeypatch):
    code = file_on(api_client, monkeypatch, D(2026, 3, 30)).json()["tracking_code"]
    page = client.get(f"/privacidad/arco/seguimiento/{code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "29/04/2026" in text
    assert "Lucía" not in text and "45879632" not in text
    assert client.get("/privacidad/arco/seguimiento/NOPE-NOPE/").status_code == 404


def test_r_a1_html_form_files_and_shows_the_acknowledgement(
    db, client, monkeypatch, media_files, django_capture_on_commit_callbacks, mailoutbox
):
    page = client.get("/privacidad/arco/")
    assert page.status_code == 200
    assert "Acceso" in page.content.decode()
    data = body(right="rectificacion")
    data["notice_acknowledged"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/privacidad/arco/", data)
    assert response.status_code == 302
    screen = client.get(response["Location"])
    req = ArcoRequest.objects.get()
    assert req.tracking_code in screen.content.decode()
    ack = client.get("/privacidad/arco/recibida/acuse.pdf")
    assert ack.status_code == 200 and ack["Content-Type"] == "application/pdf"
    assert len(mailoutbox) == 1


def test_r_a1_html_form_errors_in_spanish(db, client, media_files):
    data = body(document_file=None)
    data["notice_acknowledged"] = "on"
    response = client.post("/privacidad/arco/", data)
    assert response.status_code == 400
    assert "Adjunte una copia de su documento de identidad" in response.content.decode()
    assert not ArcoRequest.objects.exists() and media_files() == []


def test_r_a1_acknowledgement_pdf_only_for_the_session_that_filed(db, client):
    assert client.get("/privacidad/arco/recibida/acuse.pdf").status_code == 404


def test_r_a1_rate_limit_per_address_with_a_clear_message(db, api_client, monkeypatch, settings):
    settings.PRIVACY_RATE_LIMITS = {"file": (2, 3600), "lookup": (30, 600)}
    for _ in range(2):
        assert file_on(api_client, monkeypatch, D(2026, 3, 30)).status_code == 201
    response = file_on(api_client, monkeypatch, D(2026, 3, 30))
    assert response.status_code == 429
    assert "Demasiados intentos" in response.json()["detail"]
    assert ArcoRequest.objects.count() == 2
    other = api_client.post(API, body(), format="multipart", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 201


def test_r_a1_rate_limit_on_the_html_form(db, client, settings):
    settings.PRIVACY_RATE_LIMITS = {"file": (1, 3600), "lookup": (30, 600)}
    client.post("/privacidad/arco/", {})
    response = client.post("/privacidad/arco/", {})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()


@pytest.mark.real_pdf
def test_r_a1_acknowledgement_pdf_is_real(db, api_client, monkeypatch):
    from privacy import documents

    file_on(api_client, monkeypatch, D(2026, 3, 30), document_file=png())
    content = documents.acknowledgement_pdf(ArcoRequest.objects.get())
    assert content.startswith(b"%PDF")
