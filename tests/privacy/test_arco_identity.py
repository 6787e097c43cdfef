"""R-A1 (issue 25): identity is verified before anything is disclosed or changed. Someone
posing as a traveler (their DNI and name, an address of their own) gets nothing and changes
nothing, whatever way they come in; the officer records how identity was verified."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from privacy import clock
from privacy.models import (
    ArcoAttachment,
    ArcoRequest,
    BlockedRecord,
    NoticeAcknowledgement,
    PrivacyNotice,
)
from tests.privacy.helpers import confirm_email, file_on

D = dt.date
OUTSIDE = "atacante@evil.example"


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


@pytest.fixture
def impostor(api_client, monkeypatch, traveler):
    """Files in the traveler's name (their DNI and full name) with an address of their own,
    and confirms that address through the link: all an impostor can do."""

    def make(right, **kw):
        response = file_on(
            api_client,
            monkeypatch,
            D(2026, 3, 30),
            right=right,
            full_name=f"{traveler.first_name} {traveler.last_name}",
            document_number=traveler.traveler_profile.document_number,
            email=OUTSIDE,
            **kw,
        )
        assert response.status_code == 201
        req = ArcoRequest.objects.get(tracking_code=response.json()["tracking_code"])
        confirm_email(api_client, req)
        monkeypatch.setattr(clock, "today", lambda: D(2026, 4, 6))
        return req

    return make


def _act(client, req, action, data=None):
    return client.post(f"/privacidad/solicitudes/{req.pk}/{action}/", data or {})


def test_r_a1_impersonated_acceso_discloses_nothing_until_identity_is_verified(
    impostor, officer_client, traveler, mailoutbox, django_capture_on_commit_callbacks
):
    req = impostor("acceso")
    assert _act(officer_client, req, "link", {"subject": traveler.pk}).status_code == 302
    sent_before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(
            officer_client, req, "answer", {"outcome": "granted", "response_text": "Sus datos."}
        )
    assert response.status_code == 400
    assert "verificó la identidad" in response.content.decode()
    req.refresh_from_db()
    assert req.is_open and req.identity_verified_at is None
    assert len(mailoutbox) == sent_before  # nothing sent, to anybody
    assert not req.attachments.exclude(kind=ArcoAttachment.Kind.IDENTITY).exists()


def test_r_a1_impersonated_rectificacion_changes_nothing(impostor, officer_client, traveler):
    req = impostor("rectificacion")
    _act(officer_client, req, "link", {"subject": traveler.pk})
    before = (traveler.email, traveler.traveler_profile.document_number)
    response = _act(officer_client, req, "rectify", {"email": OUTSIDE})
    assert response.status_code == 400
    traveler.refresh_from_db()
    assert (traveler.email, traveler.traveler_profile.document_number) == before


def test_r_a1_impersonated_cancelacion_blocks_and_erases_nothing(
    impostor, officer_client, traveler
):
    req = impostor("cancelacion")
    _act(officer_client, req, "link", {"subject": traveler.pk})
    assert _act(officer_client, req, "cancel").status_code == 302  # refused, message shown
    traveler.refresh_from_db()
    assert traveler.is_active and traveler.first_name
    assert not BlockedRecord.objects.filter(subject=traveler).exists()


def test_r_a1_the_document_number_alone_links_no_account(
    api_client, monkeypatch, officer_client, traveler
):
    response = file_on(
        api_client,
        monkeypatch,
        D(2026, 3, 30),
        full_name="Persona Cualquiera",
        document_number=traveler.traveler_profile.document_number,
        email=OUTSIDE,
    )
    req = ArcoRequest.objects.get(tracking_code=response.json()["tracking_code"])
    _act(officer_client, req, "link", {"subject": traveler.pk})
    req.refresh_from_db()
    assert req.subject is None


def test_r_a1_bank_data_is_never_changed_through_arco_even_after_verification(
    impostor, officer_client, traveler
):
    profile = traveler.traveler_profile
    profile.bank_name, profile.bank_account = "BCP", "191-000-999"
    profile.save()
    req = impostor("rectificacion")
    _act(officer_client, req, "verify", {"method": "in_person", "note": "DNI original"})
    _act(officer_client, req, "link", {"subject": traveler.pk})
    response = _act(
        officer_client, req, "rectify", {"bank_account": "999-EVIL-1", "bank_name": "Otro"}
    )
    assert response.status_code == 400
    assert "Los datos bancarios nunca se cambian" in response.content.decode()
    profile.refresh_from_db()
    assert (profile.bank_name, profile.bank_account) == ("BCP", "191-000-999")


def test_r_a1_the_officer_records_how_identity_was_verified_and_the_copy_is_purged(
    impostor, officer_client, privacy_officer, django_capture_on_commit_callbacks
):
    req = impostor("acceso")
    copy = req.attachments.get(kind=ArcoAttachment.Kind.IDENTITY)
    assert default_storage.exists(copy.storage_name)
    refused = _act(officer_client, req, "verify", {"method": "in_person", "note": ""})
    assert refused.status_code == 400 and "qué se comprobó" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = _act(
            officer_client, req, "verify", {"method": "video_call", "note": "DNI por video"}
        )
    assert done.status_code == 302
    req.refresh_from_db()
    assert req.identity_method == "video_call" and req.identity_verified_by == privacy_officer
    assert req.identity_verified_at is not None and req.identity_note == "DNI por video"
    # R-T1: the copy has served its purpose once identity is verified.
    assert not req.attachments.filter(kind=ArcoAttachment.Kind.IDENTITY).exists()
    assert not default_storage.exists(copy.storage_name)
    page = officer_client.get(f"/privacidad/solicitudes/{req.pk}/").content.decode()
    assert "Videollamada" in page and "DNI por video" in page


def test_r_a1_a_known_email_verification_needs_the_account_address_confirmed(
    impostor, officer_client, traveler
):
    req = impostor("acceso")
    _act(officer_client, req, "link", {"subject": traveler.pk})
    response = _act(officer_client, req, "verify", {"method": "known_email", "note": "correo"})
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.identity_verified_at is None


def test_r_a1_the_data_goes_by_an_expiring_link_to_the_known_address_only(
    api_client,
    monkeypatch,
    officer_client,
    privacy_officer,
    traveler,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from privacy import services
    from tests.privacy.helpers import downloaded, link_verified

    req = ArcoRequest.objects.get(
        tracking_code=file_on(api_client, monkeypatch, D(2026, 3, 30)).json()["tracking_code"]
    )
    link_verified(req, privacy_officer, traveler)
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Sus datos.",
            today=D(2026, 4, 6),
        )
    message = mailoutbox[-1]
    assert message.to == [traveler.email] and not message.attachments
    files = downloaded(api_client, message)
    assert {"mis-datos.pdf", "mis-datos.json"} <= set(files)
    number = traveler.traveler_profile.document_number
    assert number.encode() not in files["mis-datos.json"][0]
    # After 7 days the link answers 400 and serves nothing.
    import re

    link = re.search(r"/privacidad/arco/descarga/[^/\s]+/", message.body).group(0)
    later = dt.datetime.now() + dt.timedelta(days=8)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    assert api_client.get(link).status_code == 400
