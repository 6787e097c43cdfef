"""Login throttling and security headers."""

import pytest
from django.test import override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True)
def test_login_is_locked_after_five_failures_even_with_the_right_password(client, traveler):
    for _ in range(5):
        client.post("/cuenta/ingresar/", {"username": traveler.username, "password": "wrong"})
    response = client.post(
        "/cuenta/ingresar/", {"username": traveler.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Demasiados intentos fallidos" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_other_users_can_still_log_in_during_a_lockout(client, traveler, other_traveler):
    for _ in range(5):
        client.post("/cuenta/ingresar/", {"username": traveler.username, "password": "wrong"})
    response = client.post(
        "/cuenta/ingresar/", {"username": other_traveler.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_pages_carry_security_headers(client):
    response = client.get("/cuenta/ingresar/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_html_pages_have_no_inline_scripts(client, traveler):
    client.force_login(traveler)
    for url in ["/", "/cuenta/", "/cuenta/clave/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and '<script type="text/javascript">' not in html, url


@override_settings(DEBUG=False)
def test_authenticated_pages_are_not_cached_in_production(client, traveler):
    client.force_login(traveler)
    assert "no-store" in client.get("/", secure=True)["Cache-Control"]
