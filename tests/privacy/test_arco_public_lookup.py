"""R-A1 and issue 20: the public follow-up of an ARCO request forgives how the code is typed,
answers a wrong code with a way forward, and gives the acknowledgement again later."""

import datetime as dt

import pytest

from privacy.models import ArcoAttachment, ArcoRequest
from privacy.templatetags.privacy_tags import opens_with_greeting
from tests.privacy.helpers import file_on


@pytest.fixture
def filed(db, api_client, monkeypatch):
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30)).json()["tracking_code"]
    return ArcoRequest.objects.get(tracking_code=code)


def test_r_a1_code_without_dashes_and_in_small_letters_finds_the_request(client, filed):
    typed = filed.tracking_code.replace("-", "").lower()
    lookup = client.get("/privacidad/arco/seguimiento/", {"code": typed})
    assert lookup.status_code == 302
    assert lookup["Location"] == f"/privacidad/arco/seguimiento/{filed.tracking_code}/"
    spaced = client.get(f"/privacidad/arco/seguimiento/{typed[:8]} {typed[8:]}/")
    assert spaced.status_code == 302
    assert client.get(lookup["Location"]).status_code == 200


def test_r_a1_unknown_code_answers_the_lookup_page_not_the_login(client, db):
    page = client.get(
        "/privacidad/arco/seguimiento/ABCD-EFGH-JKLM-NPQR/", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert page.status_code == 404
    text = page.content.decode()
    assert "Ninguna solicitud tiene este código de seguimiento." in text
    assert 'value="ABCD-EFGH-JKLM-NPQR"' in text  # what was typed, to correct it
    assert "/cuenta/ingresar/" not in text.split('<main id="main"')[1]


def test_r_a1_acknowledgement_again_with_code_and_document_number(client, filed):
    code = filed.tracking_code.replace("-", "")
    wrong = client.post(
        "/privacidad/arco/recibida/acuse.pdf",
        {"ack-code": code, "ack-document_number": "00000000"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert wrong.status_code == 404
    assert "no corresponden a ninguna solicitud" in wrong.content.decode()
    right = client.post(
        "/privacidad/arco/recibida/acuse.pdf",
        {"ack-code": code, "ack-document_number": filed.document_number},
    )
    assert right.status_code == 200
    assert right["Content-Type"] == "application/pdf"
    assert f"acuse-{filed.tracking_code}.pdf" in right["Content-Disposition"]


def test_acknowledgement_outside_the_filing_session_explains_how_to_get_it(client, db):
    page = client.get("/privacidad/arco/recibida/acuse.pdf", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 404
    assert "Para obtenerlo de nuevo" in page.content.decode()


def test_the_letter_greets_once():
    assert opens_with_greeting("Estimado(a) Lucía Quispe:\nLe respondemos…")
    assert opens_with_greeting("  Dear Ms Quispe,\nWe answer…")
    assert not opens_with_greeting("Tenemos su nombre y DNI.")
    assert not opens_with_greeting("")


def test_officer_downloads_files_with_names_that_say_what_they_are(filed, client, privacy_officer):
    from privacy.models import NoticeAcknowledgement, PrivacyNotice

    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    identity = filed.attachments.get(kind=ArcoAttachment.Kind.IDENTITY)
    response = client.get(f"/privacidad/solicitudes/{filed.pk}/adjunto/{identity.pk}/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "dni.png" in disposition or f"documento-identidad-{filed.tracking_code}" in disposition
