"""R-A1 (issue 18): a person's data reaches only an address known for them or confirmed by a
link; identity matching never rests on the document number alone; the acknowledgement cannot
be turned into a phishing letter."""

import datetime as dt

import pytest

from privacy import services
from privacy.models import ArcoDelivery, ArcoRequest, NoticeAcknowledgement, PrivacyNotice
from privacy.selectors import subject_candidates
from tests.privacy.helpers import body, confirm_email, downloaded, file_on, verify_identity

D = dt.date
OUTSIDE = "atacante@evil.example"


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


def _file(api_client, monkeypatch, **kw):
    response = file_on(api_client, monkeypatch, D(2026, 3, 30), **kw)
    assert response.status_code == 201, response.json()
    return ArcoRequest.objects.get(tracking_code=response.json()["tracking_code"])


def _full_name(user) -> str:
    return f"{user.first_name} {user.last_name}"


def test_the_document_number_alone_proposes_no_account(db, api_client, monkeypatch, traveler):
    req = _file(
        api_client,
        monkeypatch,
        full_name="Persona Cualquiera",
        document_number=traveler.traveler_profile.document_number,
        email=OUTSIDE,
    )
    assert subject_candidates(req) == []


def test_a_proposed_account_says_why(db, api_client, monkeypatch, traveler, officer_client):
    req = _file(
        api_client,
        monkeypatch,
        full_name=_full_name(traveler).upper() + " Mamani",  # case and a second surname
        document_number=traveler.traveler_profile.document_number,
        email=OUTSIDE,
    )
    [candidate] = subject_candidates(req)
    assert candidate.user == traveler and len(candidate.reasons) == 2
    page = officer_client.get(f"/privacidad/solicitudes/{req.pk}/").content.decode()
    assert "mismo documento de identidad" in page and "mismo nombre" in page


def test_acceso_data_goes_to_the_account_address_never_to_the_typed_one(
    db,
    api_client,
    monkeypatch,
    traveler,
    privacy_officer,
    officer_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Attack 1 of issue 18: a traveler's DNI and name with an outside e-mail address."""
    req = _file(
        api_client,
        monkeypatch,
        full_name=_full_name(traveler),
        document_number=traveler.traveler_profile.document_number,
        email=OUTSIDE,
    )
    confirm_email(api_client, req)  # even the attacker's own confirmed address is not enough
    officer_client.post(f"/privacidad/solicitudes/{req.pk}/link/", {"subject": traveler.pk})
    req.refresh_from_db()
    assert req.subject == traveler and req.email_differs_from_account
    page = officer_client.get(f"/privacidad/solicitudes/{req.pk}/").content.decode()
    assert "distinto del de la cuenta vinculada" in page
    verify_identity(req, privacy_officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Adjuntamos sus datos.",
            today=D(2026, 4, 6),
        )
    assert all(OUTSIDE not in message.to for message in mailoutbox)
    data_mail = mailoutbox[-1]
    assert data_mail.to == [traveler.email]
    assert "mis-datos.json" in downloaded(api_client, data_mail)
    assert set(req.deliveries.filter(kind="response").values_list("to", flat=True)) == {
        traveler.email
    }


def test_an_account_without_e_mail_gets_no_data_by_mail(
    db, api_client, monkeypatch, traveler, privacy_officer
):
    type(traveler).objects.filter(pk=traveler.pk).update(email="")
    req = _file(
        api_client,
        monkeypatch,
        full_name=_full_name(traveler),
        document_number=traveler.traveler_profile.document_number,
    )
    services.arco_request_link_subject(
        actor=privacy_officer, request_id=req.pk, subject_id=traveler.pk
    )
    verify_identity(req, privacy_officer)
    with pytest.raises(services.DomainError) as refused:
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Adjuntamos sus datos.",
            today=D(2026, 4, 6),
        )
    assert refused.value.code == "account_without_email"
    req.refresh_from_db()
    assert req.is_open and not req.attachments.exclude(kind="identity").exists()


def test_a_letter_to_an_unconfirmed_address_is_held_until_the_link_is_opened(
    db, api_client, monkeypatch, privacy_officer, mailoutbox, django_capture_on_commit_callbacks
):
    req = _file(api_client, monkeypatch, right="informacion", email=OUTSIDE)
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Tratamos su nombre.",
            today=D(2026, 4, 6),
        )
    held = req.deliveries.get(kind="response", channel="email")
    assert held.status == ArcoDelivery.Status.HELD and mailoutbox == []
    # A GET (a mail scanner opening the link) confirms nothing.
    url = f"/privacidad/arco/confirmar/{services.email_confirmation_token(req)}/"
    assert api_client.get(url).status_code == 200
    req.refresh_from_db()
    assert req.email_confirmed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post(url).status_code == 200
    held.refresh_from_db()
    assert held.status == ArcoDelivery.Status.SENT and held.to == OUTSIDE
    assert mailoutbox[-1].to == [OUTSIDE]
    assert list(downloaded(api_client, mailoutbox[-1])) == [f"respuesta-{req.tracking_code}.pdf"]


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "eyJyIjoxLCJlIjoieEB5LnoifQ:1abcde:forged"],
)
def test_an_altered_confirmation_link_confirms_nothing(db, api_client, monkeypatch, token):
    req = _file(api_client, monkeypatch)
    response = api_client.post(f"/privacidad/arco/confirmar/{token}/")
    assert response.status_code == 400
    assert "no es válido" in response.content.decode()
    req.refresh_from_db()
    assert req.email_confirmed_at is None


def test_a_link_for_another_address_confirms_nothing(db, api_client, monkeypatch):
    req = _file(api_client, monkeypatch)
    token = services.email_confirmation_token(req)
    ArcoRequest.objects.filter(pk=req.pk).update(email=OUTSIDE)
    assert api_client.post(f"/privacidad/arco/confirmar/{token}/").status_code == 400
    req.refresh_from_db()
    assert req.email_confirmed_at is None


PHISHING = (
    "Lucía\nURGENTE: su cuenta de planilla fue bloqueada. Valide sus datos bancarios en "
    "https://evil.example/"
)


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("full_name", PHISHING, "not_single_line"),
        ("full_name", "Lucía\u202eQuispe", "not_single_line"),
        ("representative_name", "Ana\r\nQuispe", "not_single_line"),
        ("address", "Jr. Lampa 123\nURGENTE", "not_single_line"),
        ("request_detail", "Copia de mis datos\x07", "request_detail_invalid"),
        ("request_detail", "x" * 4001, "request_detail_invalid"),
    ],
)
def test_single_line_fields_refuse_line_breaks_and_control_characters(
    db, api_client, monkeypatch, field, value, code, mailoutbox
):
    """Attack 2 of issue 18: the name turned into a phishing letter."""
    response = file_on(api_client, monkeypatch, D(2026, 3, 30), **{field: value})
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not ArcoRequest.objects.exists() and mailoutbox == []


def test_the_html_form_keeps_what_was_typed_and_says_why(db, client):
    data = body(full_name=PHISHING)
    response = client.post("/privacidad/arco/", data)
    assert response.status_code == 400
    assert "una sola línea" in response.content.decode()
    assert not ArcoRequest.objects.exists()
