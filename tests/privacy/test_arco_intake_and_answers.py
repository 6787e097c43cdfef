"""R-A1, R-A2, R-A8 (issue 25, finding 10): requests received on paper or by e-mail entered by
the officer with their real date; a postal address is enough to file; the acceso export says
where the data came from, what for and who receives it; oposición for any purpose; portability
sent to a controller the person named; communications in the language of the request."""

import datetime as dt
import json

import pytest

from privacy import clock, services, subjects
from privacy.models import ArcoDelivery, ArcoRequest, NoticeAcknowledgement, PrivacyNotice
from tests.privacy.helpers import downloaded, file_on, link_verified, png

D = dt.date


@pytest.fixture
def officer_client(client, privacy_officer, monkeypatch):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    monkeypatch.setattr(clock, "today", lambda: D(2026, 4, 8))
    client.force_login(privacy_officer)
    return client


def _intake(client, **overrides):
    data = {
        "channel": "paper",
        "received_on": "2026-03-30",
        "language": "es",
        "right": "informacion",
        "full_name": "Rosa Huamán Torres",
        "document_type": "DNI",
        "document_number": "41234567",
        "document_file": png(),
        "email": "",
        "address": "Jr. Las Flores 123, Lima",
        "request_detail": "Qué datos tienen de mí.",
        "notice_acknowledged": "on",
    }
    data.update(overrides)
    return client.post("/privacidad/solicitudes/nueva/", data)


def test_r_a1_r_a2_paper_request_is_entered_with_its_real_date_and_channel(
    officer_client, privacy_officer
):
    response = _intake(officer_client)
    assert response.status_code == 302
    req = ArcoRequest.objects.get()
    assert (req.channel, req.received_on, req.counts_from) == (
        "paper",
        D(2026, 3, 30),
        D(2026, 3, 30),
    )
    assert req.due_date == D(2026, 4, 13)  # 8 business days from 30 Mar (2 and 3 Apr are holidays)
    assert req.history.first().history_user == privacy_officer
    # Only a postal address: the acknowledgement goes by post, for the officer to dispatch.
    ack = req.deliveries.get(kind=ArcoDelivery.Kind.ACKNOWLEDGEMENT)
    assert (ack.channel, ack.status) == ("post", ArcoDelivery.Status.PENDING)


def test_r_a1_intake_refuses_a_date_of_receipt_in_the_future_and_keeps_what_was_typed(
    officer_client,
):
    response = _intake(officer_client, received_on="2026-04-09")
    assert response.status_code == 400
    assert "no puede ser posterior a hoy" in response.content.decode()
    assert "Rosa Huamán Torres" in response.content.decode()
    assert not ArcoRequest.objects.exists()


def test_r_a1_intake_is_for_the_officer_only(client, traveler):
    client.force_login(traveler)
    assert client.get("/privacidad/solicitudes/nueva/").status_code == 404


def test_spec_7_a_postal_address_is_enough_to_file_through_the_api(db, api_client, monkeypatch):
    response = file_on(
        api_client, monkeypatch, D(2026, 3, 30), email="", address="Av. Arequipa 100, Lima"
    )
    assert response.status_code == 201
    nowhere = file_on(api_client, monkeypatch, D(2026, 3, 30), email="", address="")
    assert nowhere.status_code == 400
    assert nowhere.json()["code"] == "notification_address_required"


def test_r_a8_acceso_export_says_source_purposes_recipients_and_transfers(
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from privacy.models import Transfer

    Transfer.objects.create(
        recipient="Proveedor de correo",
        country="US",
        purpose="Envío de correos",
        guarantee="Cláusulas contractuales",
    )
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
    data = json.loads(downloaded(api_client, mailoutbox[-1])["mis-datos.json"][0])
    processing = data["privacy"]["processing"]
    assert processing["sources"] and processing["purposes"]
    assert {p["code"] for p in processing["purposes"]} >= {"viaticos", "comunicaciones"}
    assert processing["transfers"][0]["country"] == "US"


def test_r_a8_oposicion_to_a_purpose_not_resting_on_consent_is_weighed_in_the_letter(
    api_client, monkeypatch, privacy_officer, traveler
):
    req = ArcoRequest.objects.get(
        tracking_code=file_on(api_client, monkeypatch, D(2026, 3, 30), right="oposicion").json()[
            "tracking_code"
        ]
    )
    link_verified(req, privacy_officer, traveler)
    with pytest.raises(services.DomainError) as refused:
        subjects.subject_stop_processing(
            actor=privacy_officer,
            request_id=req.pk,
            purpose_codes=["viaticos"],
            today=D(2026, 4, 2),
        )
    assert refused.value.code == "assessment_required"
    subjects.subject_stop_processing(
        actor=privacy_officer,
        request_id=req.pk,
        purpose_codes=["viaticos"],
        assessment="El pago de viáticos es necesario para el contrato; se mantiene.",
        today=D(2026, 4, 2),
    )
    req.refresh_from_db()
    assert "se mantiene" in req.response_text and "viáticos" in req.response_text.lower()


def test_r_a1_portability_goes_to_the_controller_the_person_named_json_only(
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    req = ArcoRequest.objects.get(
        tracking_code=file_on(api_client, monkeypatch, D(2026, 3, 30), right="portabilidad").json()[
            "tracking_code"
        ]
    )
    link_verified(req, privacy_officer, traveler)
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Atendida.",
            controller_name="Otra Organización SAC",
            controller_email="datos@otra.example",
            today=D(2026, 4, 6),
        )
    to_controller = [m for m in mailoutbox if m.to == ["datos@otra.example"]]
    assert len(to_controller) == 1
    assert list(downloaded(api_client, to_controller[0])) == ["mis-datos.json"]
    delivery = req.deliveries.get(to="datos@otra.example")
    assert delivery.kind == ArcoDelivery.Kind.DATA and delivery.status == ArcoDelivery.Status.SENT
    req.refresh_from_db()
    assert "Otra Organización SAC" in req.response_text


def test_communications_are_in_the_language_of_the_request(
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Issue 25 finding 13: a request filed in English is answered in English, whatever the
    language the officer works in; one filed in Spanish in Spanish."""
    from django.utils import translation

    from tests.privacy.helpers import API, body

    monkeypatch.setattr(clock, "today", lambda: D(2026, 3, 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            API, body(right="cancelacion"), format="multipart", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 201
    req = ArcoRequest.objects.get(tracking_code=response.json()["tracking_code"])
    assert req.language == "en"
    assert "We have received" in mailoutbox[-1].body
    link_verified(req, privacy_officer, traveler)
    with translation.override("es"):  # the officer's own language
        subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1))
    req.refresh_from_db()
    assert "Your personal data has been erased" in req.response_text

    with django_capture_on_commit_callbacks(execute=True):
        spanish = api_client.post(API, body(), format="multipart", HTTP_ACCEPT_LANGUAGE="es")
    assert ArcoRequest.objects.get(tracking_code=spanish.json()["tracking_code"]).language == "es"
    assert "We have received" not in mailoutbox[-1].body
