"""The one client address behind trusted proxies, and the throttles keyed on it (issue 18)."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.checks import run_checks
from django.test import RequestFactory, override_settings

from tests.factories import PASSWORD, UserFactory
from viaticos.clients import client_address

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _request(forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, None, PROXY),
        (0, "1.2.3.4", PROXY),  # no trusted proxy: the header is whatever the client wrote
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "9.9.9.9, 1.2.3.4", PROXY),  # a forged entry before the proxy's: not believed
        (1, None, PROXY),
        (2, "1.2.3.4, 172.16.0.9", "1.2.3.4"),
        (2, "9.9.9.9, 1.2.3.4, 172.16.0.9", PROXY),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(_request(forwarded)) == expected


@override_settings(AXES_ENABLED=True, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_a_lockout_is_per_real_client_not_for_everyone(client, traveler):
    for _ in range(5):
        client.post(
            "/cuenta/ingresar/",
            {"username": traveler.username, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    locked = client.post(
        "/cuenta/ingresar/",
        {"username": traveler.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/cuenta/ingresar/",
        {"username": traveler.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert elsewhere.status_code == 302


@override_settings(AXES_ENABLED=True, VIATICOS_LOGIN_FAILURES_PER_ADDRESS=10)
def test_password_spraying_over_many_names_is_paused_per_address(client):
    victim = UserFactory(username="victima")
    for number in range(10):
        response = client.post("/cuenta/ingresar/", {"username": f"u{number}", "password": "x"})
        assert response.status_code == 200
    response = client.post("/cuenta/ingresar/", {"username": victim.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "desde esta dirección" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = client.post(
        "/cuenta/ingresar/",
        {"username": victim.username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert other.status_code == 302


@override_settings(
    VIATICOS_PASSWORD_RESETS_PER_ADDRESS=3,
    VIATICOS_PASSWORD_RESETS_PER_EMAIL=2,
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
def test_password_reset_e_mails_are_throttled(client, traveler):
    statuses = [
        client.post("/cuenta/recuperar/", {"email": traveler.email}).status_code for _ in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert len(mail.outbox) == 2
    # Other e-mail addresses from the same client: the per-address limit.
    response = client.post("/cuenta/recuperar/", {"email": "nadie@example.org"})
    assert response.status_code == 429
    assert "Demasiadas solicitudes" in response.content.decode()


def test_several_workers_without_a_shared_cache_are_warned_about(settings, monkeypatch):
    settings.CACHE_URL = ""
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert "viaticos.W002" in [message.id for message in run_checks()]
    settings.CACHE_URL = "redis://127.0.0.1:6379/0"
    assert "viaticos.W002" not in [message.id for message in run_checks()]
