"""Per-address rate limit of the public ARCO form and API (cache-based, configurable)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from viaticos import clients

DEFAULTS = {"file": (5, 3600), "lookup": (30, 600)}


def client_address(request) -> str:
    """The one proxy-aware client address (viaticos.clients, TRUSTED_PROXY_COUNT)."""
    return clients.client_address(request)


def limit_for(scope: str) -> tuple[int, int]:
    return getattr(settings, "PRIVACY_RATE_LIMITS", {}).get(scope, DEFAULTS[scope])


def hit(request, scope: str) -> bool:
    """Count one use; True when the address has gone over the limit of `scope`."""
    limit, window = limit_for(scope)
    return clients.count_hit(f"privacy-{scope}", client_address(request), window) > limit


def message(scope: str) -> str:
    _limit, window = limit_for(scope)
    return _(
        "Too many attempts from your connection. Please wait %(minutes)s minutes and try "
        "again; if you need help, write to the Privacy Officer."
    ) % {"minutes": max(1, window // 60)}
