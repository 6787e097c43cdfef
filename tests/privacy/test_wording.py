"""Issue 20, words: the privacy pages say what happened, in sentences, with who did it."""

import datetime as dt

import pytest

from privacy import clock
from privacy.models import ArcoRequest, NoticeAcknowledgement, PrivacyNotice
from privacy.templatetags.privacy_tags import history_event
from tests.factories import OrganizationFactory
from tests.privacy.helpers import confirm_email, file_on


@pytest.fixture
def officer_client(client, privacy_officer):
    privacy_officer.first_name, privacy_officer.last_name = "Ana", "Flores"
    privacy_officer.save(update_fields=["first_name", "last_name"])
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


def test_arco_history_reads_as_sentences_with_full_names(
    db, api_client, officer_client, monkeypatch
):
    filed = file_on(api_client, monkeypatch, dt.date(2026, 3, 30), right="informacion")
    code = filed.json()["tracking_code"]
    req = ArcoRequest.objects.get(tracking_code=code)
    confirm_email(api_client, req)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 4, 6))
    answer = officer_client.post(
        f"/privacidad/solicitudes/{req.pk}/answer/",
        {"outcome": "granted", "response_text": "Tenemos su nombre y DNI."},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    page = answer.content.decode()
    assert "Respuesta registrada y enviada al solicitante." in page  # not a bare "Hecho."
    assert "Hecho." not in page
    history = page[page.index("Histórico") :]
    assert "Respondida: Atendida" in history
    assert "Solicitud presentada" in history
    assert "answered: granted" not in history and ">filed<" not in history
    assert "Ana Flores" in history


def test_history_event_labels_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert history_event("answered: partial") == "Answered: Granted in part"
        assert history_event("refused: repeated") == (
            "Request refused: The same request is already pending"
        )
        assert history_event("filed") == "Request filed"
        assert history_event("") == ""


def test_consent_notice_shows_the_organization_it_refers_to(client, traveler, settings):
    settings.PRIVACY_CONSENT_PROMPT = True
    organization = OrganizationFactory()
    client.force_login(traveler)
    page = client.get("/privacidad/consentimiento/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "con el RUC y el domicilio que se muestran" in page  # the notice's own words…
    for shown in (organization.name, organization.tax_id, organization.address):  # …and them
        assert str(shown) in page
