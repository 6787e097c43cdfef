"""`/healthz` and `/readyz` for load balancers (SPEC §7) and the guarded `/metrics`.

Neither probe shows personal data or error messages (which may name hosts): each check is
"ok", "down" (with the exception's class), or for the broker "embedded" when there is none.

Other apps add checks with `register_check(name, check, critical=...)`: `check()` returns None
when all is well, else a short problem code. A critical check that fails makes the server not
ready; a non-critical one is listed under "warnings" (for example the exchange-rate fetch,
`rates_fetch_problem()`: stale rates must not take every server out of the load balancer).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], str | None]
    critical: bool


_extra_checks: dict[str, Check] = {}


def register_check(name: str, check: Callable[[], str | None], *, critical: bool = False) -> None:
    _extra_checks[name] = Check(name, check, critical)


def _database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def _cache() -> str | None:
    cache.set("readyz", "1", 10)
    return None if cache.get("readyz") == "1" else "no_roundtrip"


def _broker() -> str | None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def _storage() -> str | None:
    # The file system or an S3-compatible bucket (django-storages, which has no types).
    storage: Any = default_storage
    bucket = getattr(storage, "bucket_name", None)
    if bucket:  # S3-compatible: the bucket answers and these credentials may use it
        storage.connection.meta.client.head_bucket(Bucket=bucket)
        return None
    location = storage.location
    os.makedirs(location, exist_ok=True)
    return None if os.access(location, os.W_OK) else "not_writable"


def _run(check: Callable[[], str | None]) -> str:
    try:
        problem = check()
    except Exception as exc:
        log.warning("readiness check failed: %s", type(exc).__name__)
        return f"down: {type(exc).__name__}"
    return "ok" if problem is None else problem


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers and reaches the database."""
    database = _run(_database)
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "down", "checks": {"database": database}},
        status=status,
    )


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Database, cache, broker and file storage; 503 when any of them fails."""
    checks = {
        "database": _run(_database),
        "cache": _run(_cache),
        "broker": _run(_broker) if settings.CELERY_BROKER_URL else "embedded",
        "storage": _run(_storage),
    }
    ready = all(value in ("ok", "embedded") for value in checks.values())
    warnings: dict[str, str] = {}
    for check in _extra_checks.values():
        result = _run(check.run)
        if check.critical:
            checks[check.name] = result
            ready = ready and result == "ok"
        elif result != "ok":
            warnings[check.name] = result
    body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": checks}
    if warnings:
        body["warnings"] = warnings
    return JsonResponse(body, status=200 if ready else 503)


def _address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, only for the configured addresses or with the bearer token
    (`METRICS_ALLOWED_IPS`, `METRICS_TOKEN`); 404 for anyone else, as if it did not exist."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    by_token = bool(token) and hmac.compare_digest(header, f"Bearer {token}")
    if not (by_token or _address_allowed(request.META.get("REMOTE_ADDR", ""))):
        return HttpResponse(status=404)
    import prometheus_client
    from prometheus_client import multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn: every worker writes its own files; one registry reads them all.
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated in prometheus_client
    else:
        registry = prometheus_client.REGISTRY
    return HttpResponse(
        prometheus_client.generate_latest(registry),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
