"""Issue 21, SPEC §7: /healthz and /readyz for load balancers (no personal data), and the
guarded Prometheus /metrics."""

import pytest

from viaticos import health


def test_healthz_answers_and_reaches_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_cache_broker_and_storage(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "broker": "embedded", "storage": "ok"},
    }


def test_readyz_is_not_ready_when_the_broker_is_down(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["broker"].startswith("down")
    assert "127.0.0.1" not in response.content.decode()  # no host names, no messages


def test_readyz_is_not_ready_when_the_database_fails(client, db, monkeypatch):
    def broken():
        raise ConnectionError("db host unreachable")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down: ConnectionError"
    assert "unreachable" not in response.content.decode()


@pytest.fixture
def extra_check():
    yield health.register_check
    health._extra_checks.clear()


def test_registered_checks_warn_or_make_the_server_not_ready(client, db, extra_check):
    extra_check("exchange_rates", lambda: "stale_rates")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["warnings"] == {"exchange_rates": "stale_rates"}
    extra_check("ledger", lambda: "behind", critical=True)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["ledger"] == "behind"


def test_metrics_only_from_allowed_addresses_or_with_the_token(client, db, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 404
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer wrong"
        ).status_code
        == 404
    )
    by_token = client.get(
        "/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert by_token.status_code == 200
    assert b"django_http_requests_total_by_method" in by_token.content
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
