"""Per-address rate limit of the public ARCO form and API (cache-based, configurable)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

DEFAULTS = {"file": (5, 3600), "lookup": (30, 600)}


def client_address(request) -> str:
    """REMOTE_ADDR, or the first address of the header named by PRIVACY_CLIENT_IP_HEADER
    (set it only behind a proxy you trust, e.g. HTTP_X_FORWARDED_FOR)."""
    header = getattr(settings, "PRIVACY_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def limit_for(scope: str) -> tuple[int, int]:
    return getattr(settings, "PRIVACY_RATE_LIMITS", {}).get(scope, DEFAULTS[scope])


def hit(request, scope: str) -> bool:
    """Count one use; True when the address has gone over the limit of `scope`."""
    limit, window = limit_for(scope)
    key = f"privacy-rl:{scope}:{client_address(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def message(scope: str) -> str:
    _limit, window = limit_for(scope)
    return _(
        "Too many attempts from your connection. Please wait %(minutes)s minutes and try "
        "again; if you need help, write to the Privacy Officer."
    ) % {"minutes": max(1, window // 60)}
