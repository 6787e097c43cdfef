"""R-P1…R-P4: notices, the consent page, per-purpose consent, evidence, revocation."""

import datetime as dt

import pytest

from privacy import services
from privacy.models import ConsentEvent, NoticeAcknowledgement, PrivacyNotice, Purpose
from privacy.selectors import has_consent


def test_r_p1_current_notice_is_public_in_spanish_and_english(db, client):
    page = client.get("/privacidad/")
    assert page.status_code == 200
    text = page.content.decode()
    notice = PrivacyNotice.objects.get()
    assert notice.content_hash in text
    for item in (
        "Finalidad",
        "Transferencias",
        "Cuánto tiempo",
        "Decisiones automatizadas",
        "Reclamo ante la Autoridad",
        "Encargados",
    ):
        assert item.lower() in text.lower()
    english = client.get("/privacidad/", HTTP_ACCEPT_LANGUAGE="en")
    client.post("/i18n/setlang/", {"language": "en", "next": "/privacidad/"})
    english = client.get("/privacidad/")
    assert "Automated decisions" in english.content.decode()


def test_r_p1_hash_matches_content_and_older_versions_stay_readable(db, client, privacy_officer):
    first = PrivacyNotice.objects.get()
    assert first.content_hash == PrivacyNotice.compute_hash(
        first.title_es, first.text_es, first.title_en, first.text_en
    )
    services.notice_publish(
        actor=privacy_officer,
        version="2.0",
        effective_on=dt.date(2026, 2, 1),
        title_es="Aviso v2",
        text_es="## 1. Nuevo",
        title_en="Notice v2",
        text_en="## 1. New",
    )
    assert "Aviso v2" in client.get("/privacidad/").content.decode()
    old = client.get("/privacidad/version/1.0/")
    assert old.status_code == 200 and "versión anterior" in old.content.decode()


def test_r_p2_the_consent_page_records_choices_per_optional_purpose(db, client, traveler):
    client.force_login(traveler)
    page = client.get("/privacidad/consentimiento/?next=/")
    optional = Purpose.objects.filter(legal_basis="consent")
    for p in optional:
        assert f'name="purpose-{p.pk}"' in page.content.decode()  # one choice per purpose
    for p in Purpose.objects.exclude(legal_basis="consent"):  # informed, never asked
        assert f'name="purpose-{p.pk}"' not in page.content.decode()
    comms, deps = (
        Purpose.objects.get(code="comunicaciones"),
        Purpose.objects.get(code="dependientes"),
    )
    # Answering only one purpose is refused: each must be decided separately.
    assert (
        client.post("/privacidad/consentimiento/", {f"purpose-{comms.pk}": "yes"}).status_code
        == 400
    )
    response = client.post(
        "/privacidad/consentimiento/",
        {f"purpose-{comms.pk}": "yes", f"purpose-{deps.pk}": "no", "next": "/"},
        HTTP_USER_AGENT="pytest-browser",
    )
    assert response.status_code == 302
    assert 'id="notice-banner"' not in client.get("/").content.decode()
    ack = NoticeAcknowledgement.objects.get(user=traveler)
    assert ack.notice_hash == PrivacyNotice.objects.get().content_hash
    assert has_consent(traveler, "comunicaciones") and not has_consent(traveler, "dependientes")
    # R-P3: evidence of each event.
    event = ConsentEvent.objects.get(user=traveler, purpose=comms)
    assert event.ip_address == "127.0.0.1" and event.user_agent == "pytest-browser"
    assert event.notice_hash == ack.notice_hash and event.channel == "web"
    # The notice changes: the banner comes back.
    services.notice_publish(
        actor=None,
        version="2.0",
        effective_on=dt.date.today(),
        title_es="v2",
        text_es="x",
        title_en="v2",
        text_en="x",
    )
    assert 'id="notice-banner"' in client.get("/").content.decode()


def test_r_p4_a_refused_answer_in_the_prompt_records_nothing_and_the_prompt_stays(
    db, client, traveler
):
    """Consent about children without the guardian's box is refused: none of the choices is
    kept (not even the valid one), the page says so in Spanish beside that purpose, keeps the
    answers given, and the banner stays until the notice is given."""
    client.force_login(traveler)
    comms, deps = (
        Purpose.objects.get(code="comunicaciones"),
        Purpose.objects.get(code="dependientes"),
    )
    answers = {f"purpose-{comms.pk}": "yes", f"purpose-{deps.pk}": "yes", "next": "/"}

    page = client.post("/privacidad/consentimiento/", answers, HTTP_ACCEPT_LANGUAGE="es")

    assert page.status_code == 400
    html = page.content.decode()
    assert "padre, madre o tutor" in html and "Gracias" not in html
    assert f'name="purpose-{comms.pk}" value="yes" checked' in html
    assert not ConsentEvent.objects.filter(user=traveler).exists()
    assert not NoticeAcknowledgement.objects.filter(user=traveler).exists()
    assert 'id="notice-banner"' in client.get("/").content.decode()

    answers[f"guardian-{deps.pk}"] = "1"
    assert client.post("/privacidad/consentimiento/", answers).status_code == 302
    assert has_consent(traveler, "comunicaciones") and has_consent(traveler, "dependientes")
    assert ConsentEvent.objects.get(user=traveler, purpose=deps).as_guardian


def test_r_p2_contract_purposes_are_not_asked(db, traveler):
    with pytest.raises(services.DomainError):
        services.consent_give(
            user=traveler, purpose=Purpose.objects.get(code="viaticos"), notice=None
        )


def test_r_p3_revocation_is_one_click_immediate_and_recorded(db, client, traveler):
    NoticeAcknowledgement.objects.create(
        user=traveler, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    comms = Purpose.objects.get(code="comunicaciones")
    services.consent_give(user=traveler, purpose=comms, notice=PrivacyNotice.objects.get())
    client.force_login(traveler)
    page = client.get("/privacidad/mis-datos/")
    assert page.status_code == 200 and "Revocar" in page.content.decode()
    client.post(f"/privacidad/mis-datos/consentimiento/{comms.pk}/", {"action": "revoke"})
    assert not has_consent(traveler, "comunicaciones")
    assert list(
        ConsentEvent.objects.filter(user=traveler)
        .order_by("at", "pk")
        .values_list("decision", flat=True)
    ) == ["given", "revoked"]


def test_r_p4_minors_consent_only_as_parent_or_guardian(db, traveler):
    deps = Purpose.objects.get(code="dependientes")
    with pytest.raises(services.DomainError) as exc:
        services.consent_give(user=traveler, purpose=deps, notice=None)
    assert exc.value.code == "guardian_required"
    event = services.consent_give(user=traveler, purpose=deps, notice=None, as_guardian=True)
    assert event.as_guardian and deps.sensitive


def test_my_data_export_is_json_of_everything(db, client, traveler):
    NoticeAcknowledgement.objects.create(
        user=traveler, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(traveler)
    data = client.get("/privacidad/mis-datos/exportar.json").json()
    assert data["viaticos"]["account"]["username"] == traveler.username


def test_anonymous_sees_no_my_data(db, client):
    assert client.get("/privacidad/mis-datos/").status_code == 302
