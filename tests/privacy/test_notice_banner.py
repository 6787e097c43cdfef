"""R-P2: the informative notice is a dismissable banner, never a page in the way of work.

Paying a traveler rests on the contract, not on consent, but the duty to inform remains: the
notice in force shows as a banner on every page until the person dismisses it, which records the
notice as given (NoticeAcknowledgement, per person and version, with IP address and browser).
Consent is asked only for the optional purposes, on a page the banner links to.
"""

import datetime as dt

from privacy import services
from privacy.models import ConsentEvent, NoticeAcknowledgement, PrivacyNotice, Purpose

BANNER = 'id="notice-banner"'


def test_r_p2_first_sign_in_shows_the_work_with_the_notice_banner(db, client, traveler):
    client.force_login(traveler)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200  # the home page itself, not a redirect
    html = response.content.decode()
    notice = PrivacyNotice.objects.get()
    assert BANNER in html and f'name="notice" value="{notice.pk}"' in html
    assert "Aviso de privacidad (versión 1.0)" in html and 'href="/privacidad/"' in html
    # The optional purposes are offered, not imposed.
    assert "/privacidad/consentimiento/?next=%2F" in html and "son opcionales" in html
    # Every page, not only the home page.
    for path in ("/misiones/", "/privacidad/mis-datos/", "/cuenta/"):
        page = client.get(path)
        assert page.status_code == 200 and BANNER in page.content.decode(), path
    assert not NoticeAcknowledgement.objects.filter(user=traveler).exists()


def test_r_p2_understood_records_the_notice_as_given_once_per_version(db, client, traveler):
    client.force_login(traveler)
    notice = PrivacyNotice.objects.get()
    response = client.post(
        "/privacidad/aviso-leido/",
        {"notice": notice.pk, "next": "/misiones/"},
        HTTP_USER_AGENT="pytest-browser",
    )
    assert response.status_code == 302 and response["Location"] == "/misiones/"
    ack = NoticeAcknowledgement.objects.get(user=traveler)
    assert (ack.notice, ack.notice_hash, ack.channel) == (notice, notice.content_hash, "web")
    assert ack.ip_address == "127.0.0.1" and ack.user_agent == "pytest-browser"
    assert BANNER not in client.get("/").content.decode()  # remembered
    # Dismissing again changes nothing; no consent was recorded by dismissing.
    client.post("/privacidad/aviso-leido/", {"notice": notice.pk, "next": "/"})
    assert NoticeAcknowledgement.objects.filter(user=traveler).count() == 1
    assert not ConsentEvent.objects.filter(user=traveler).exists()
    # A new version: the banner is back, for that version.
    services.notice_publish(
        actor=None,
        version="2.0",
        effective_on=dt.date.today(),
        title_es="Aviso v2",
        text_es="## 1. Nuevo",
        title_en="Notice v2",
        text_en="## 1. New",
    )
    newer = PrivacyNotice.objects.get(version="2.0")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert BANNER in html and "versión 2.0" in html
    # A stale banner (the old version, from another tab) does not count as giving the new one.
    client.post("/privacidad/aviso-leido/", {"notice": notice.pk, "next": "/"})
    assert not NoticeAcknowledgement.objects.filter(user=traveler, notice=newer).exists()
    client.post("/privacidad/aviso-leido/", {"notice": newer.pk, "next": "/"})
    assert NoticeAcknowledgement.objects.filter(user=traveler, notice=newer).exists()


def test_r_p2_the_banner_goes_away_without_reloading_the_page(db, client, traveler):
    client.force_login(traveler)
    response = client.post(
        "/privacidad/aviso-leido/",
        {"notice": PrivacyNotice.objects.get().pk, "next": "/"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response.content == b""
    assert NoticeAcknowledgement.objects.filter(user=traveler).exists()


def test_r_p2_dismissing_needs_a_signed_in_post_and_a_safe_next(db, client, traveler):
    notice = PrivacyNotice.objects.get()
    assert client.post("/privacidad/aviso-leido/", {"notice": notice.pk}).status_code == 302
    assert not NoticeAcknowledgement.objects.exists()  # anonymous: sent to sign in
    client.force_login(traveler)
    assert client.get("/privacidad/aviso-leido/").status_code == 405
    response = client.post(
        "/privacidad/aviso-leido/", {"notice": notice.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_r_p2_the_consent_page_asks_only_optional_purposes_and_can_wait(db, client, traveler):
    client.force_login(traveler)
    html = client.get(
        "/privacidad/consentimiento/?next=/misiones/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    for purpose in Purpose.objects.filter(is_active=True):
        asked = f'name="purpose-{purpose.pk}"' in html
        assert asked == (purpose.legal_basis == Purpose.LegalBasis.CONSENT), purpose.code
    assert 'href="/misiones/">Decidir más tarde' in html
    assert BANNER not in html  # the page shows the notice itself
    assert "<details" in html and '<details class="card notice" open' not in html
    unsafe = client.get("/privacidad/consentimiento/?next=javascript:alert(1)").content.decode()
    assert "javascript:" not in unsafe.split("Decidir más tarde")[0].rsplit("<a", 1)[-1]


def test_r_p2_no_optional_purpose_left_undecided_no_consent_link(db, client, traveler):
    notice = PrivacyNotice.objects.get()
    for purpose in Purpose.objects.filter(legal_basis=Purpose.LegalBasis.CONSENT):
        services.consent_decide(
            user=traveler, purpose=purpose, give=False, notice=notice, as_guardian=False
        )
    client.force_login(traveler)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert BANNER in html and "/privacidad/consentimiento/" not in html


def test_r_p2_banner_switched_off_and_never_for_visitors(db, client, traveler, settings):
    assert BANNER not in client.get("/privacidad/").content.decode()
    settings.PRIVACY_CONSENT_PROMPT = False
    client.force_login(traveler)
    assert BANNER not in client.get("/").content.decode()
