"""SPEC §5.4 security measures: staff sessions close when idle, and the roles that see
personal data confirm their sign-in with a TOTP second factor (django-otp)."""

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from viaticos import sessions


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.django_db
def test_an_idle_session_is_closed(client, traveler, settings):
    settings.VIATICOS_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(traveler)
    assert client.get("/cuenta/").status_code == 200
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/cuenta/")
    assert response.status_code == 302 and response["Location"].startswith("/cuenta/ingresar/")
    assert "_auth_user_id" not in client.session
    assert client.get("/cuenta/").status_code == 302  # signed out for good


@pytest.mark.django_db
def test_an_active_session_stays_open(client, traveler, settings):
    settings.VIATICOS_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(traveler)
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/cuenta/").status_code == 200
    assert client.session[sessions.LAST_SEEN] >= int(time.time()) - 5


def test_sessions_are_hours_long_not_weeks(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


@pytest.mark.django_db
def test_a_role_that_sees_personal_data_must_enrol_and_confirm_a_second_factor(
    client, privacy_officer, settings
):
    settings.VIATICOS_REQUIRE_SECOND_FACTOR = True
    settings.PRIVACY_CONSENT_PROMPT = False
    assert (
        client.post(
            "/cuenta/ingresar/", {"username": privacy_officer.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    blocked = client.get("/privacidad/solicitudes/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/cuenta/doble-factor/")
    assert client.get("/api/v1/privacy/arco-requests/").status_code in {403, 405}
    enrol = client.get("/cuenta/doble-factor/")
    assert enrol.status_code == 200 and b"<svg" in enrol.content
    device = TOTPDevice.objects.get(user=privacy_officer, confirmed=False)
    wrong = client.post("/cuenta/doble-factor/", {"token": "000000", "next": "/privacidad/"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a wrong code slows the next try down
    device.throttle_reset()  # the test does not wait for the throttle
    ok = client.post("/cuenta/doble-factor/", {"token": _code(device), "next": "/"})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/privacidad/solicitudes/").status_code == 200


@pytest.mark.django_db
def test_next_sign_in_asks_for_the_code_of_the_enrolled_device(client, privacy_officer, settings):
    settings.VIATICOS_REQUIRE_SECOND_FACTOR = True
    settings.PRIVACY_CONSENT_PROMPT = False
    device = TOTPDevice.objects.create(user=privacy_officer, name="x", confirmed=True)
    client.force_login(privacy_officer)
    page = client.get("/cuenta/doble-factor/")
    assert page.status_code == 200 and b"<svg" not in page.content
    assert TOTPDevice.objects.filter(user=privacy_officer).count() == 1
    assert client.post("/cuenta/doble-factor/", {"token": _code(device)}).status_code == 302
    assert client.get("/privacidad/solicitudes/").status_code == 200


@pytest.mark.django_db
def test_a_traveler_needs_no_second_factor(client, traveler, settings):
    settings.VIATICOS_REQUIRE_SECOND_FACTOR = True
    client.force_login(traveler)
    assert client.get("/cuenta/").status_code == 200


@pytest.mark.django_db
def test_the_setting_lets_the_demo_run_without_it(client, privacy_officer, settings):
    settings.VIATICOS_REQUIRE_SECOND_FACTOR = False
    settings.PRIVACY_CONSENT_PROMPT = False
    client.force_login(privacy_officer)
    assert client.get("/privacidad/solicitudes/").status_code == 200
