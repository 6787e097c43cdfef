"""SPEC §5.4 (R-S2): a warning when the configuration sends personal data to a provider (mail
host, object storage, cache, broker) that no processor in the register covers: a processor
abroad is a cross-border transfer the notice and the Authority must know about."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


def _local(host: str) -> bool:
    """Loopback, private addresses and bare names (a container "redis"): inside the
    deployment, not a provider."""
    if not host or host == "localhost" or "." not in host or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def configured_providers() -> list[tuple[str, str]]:
    """(what, host) of every outside service the settings name."""
    found = []
    if "smtp" in settings.EMAIL_BACKEND:
        found.append(("EMAIL_HOST", settings.EMAIL_HOST))
    if getattr(settings, "AWS_STORAGE_BUCKET_NAME", ""):
        options = settings.STORAGES["default"].get("OPTIONS", {})
        endpoint = options.get("endpoint_url") or "https://s3.amazonaws.com"
        found.append(("AWS_S3_ENDPOINT_URL", urlparse(endpoint).hostname or ""))
    for name in ("CACHE_URL", "CELERY_BROKER_URL"):
        url = getattr(settings, name, "")
        if url:
            found.append((name, urlparse(url).hostname or ""))
    return [(what, host.lower()) for what, host in found if not _local(host.lower())]


def _covered(host: str, registered: list[str]) -> bool:
    return any(host == h or host.endswith("." + h) for h in registered)


@register(Tags.security, deploy=True)
def check_providers_in_register(app_configs, **kwargs):
    providers = configured_providers()
    if not providers:
        return []
    from privacy.models import Processor

    try:
        registered = [
            h.strip().lower().lstrip(".")
            for hosts in Processor.objects.values_list("hosts", flat=True)
            for h in (hosts or "").split(",")
            if h.strip()
        ]
    except DatabaseError:  # not migrated yet: nothing to compare with
        return []
    return [
        Warning(
            f"{what} points at {host}, which no processor in the register covers.",
            hint=(
                "Record the provider as a processor (with its country and this host name) and, "
                "if it is abroad, the cross-border transfer; then publish a new notice."
            ),
            id="privacy.W001",
        )
        for what, host in providers
        if not _covered(host, registered)
    ]
