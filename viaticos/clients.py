"""Who is asking: the client's address behind the trusted proxies, and counters per address.

One function gives the address used by every limit (the ARCO form, login throttling by
django-axes, password resets) and every record (consent evidence, access log).

TRUSTED_PROXY_COUNT is the number of reverse proxies in front of the application, each of which
appends the address it received the request from to X-Forwarded-For. With 0 (the default) the
header is ignored: whatever a client writes in it counts for nothing. With N, the header must hold
exactly N addresses (django-ipware's strict count); the client is the first. A header with more
entries was written by the client itself, and is not believed: the request counts as coming from
the proxy, so rotating forged values never opens a new allowance.

Counters live in Django's cache: per process without CACHE_URL, shared with it (see the check).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.cache import cache
from django.core.checks import CheckMessage, Warning, register
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    from ipware import get_client_ip

    address, _routable = get_client_ip(request, proxy_count=proxies - 1)
    return address or remote


def count_hit(scope: str, key: str, window: int) -> int:
    """Count one event of `scope` for `key` in a window of `window` seconds; the new count."""
    name = f"rl:{scope}:{key}"
    cache.add(name, 0, timeout=window)
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window)
        return 1


def current_count(scope: str, key: str) -> int:
    count: int = cache.get(f"rl:{scope}:{key}", 0)
    return count


@register()
def check_shared_cache(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    """Several workers with per-process counters each allow the full limit."""
    try:
        workers = int(os.environ.get("WEB_CONCURRENCY", "1") or 1)
    except ValueError:
        workers = 1
    if workers > 1 and not getattr(settings, "CACHE_URL", ""):
        return [
            Warning(
                f"WEB_CONCURRENCY is {workers} but CACHE_URL is not set: each worker counts "
                "rate limits (ARCO form, logins per address, password resets) on its own.",
                hint="Set CACHE_URL to a shared Redis, e.g. redis://127.0.0.1:6379/0.",
                id="viaticos.W002",
            )
        ]
    return []
