"""Personal API tokens (SPEC §7): stored only as a hash (django-rest-knox, SHA-512), expiring
after VIATICOS_API_TOKEN_DAYS, one per person, shown once in the page that creates it and
revocable from *Mi cuenta*. A database dump or backup therefore holds no usable token."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from knox.models import AuthToken


def api_tokens_of(user):
    return AuthToken.objects.filter(user=user).order_by("-created")


@transaction.atomic
def api_token_create(*, actor) -> str:
    """A new token for `actor`, replacing any previous one; the clear value is returned once."""
    AuthToken.objects.filter(user=actor).delete()
    _instance, token = AuthToken.objects.create(
        user=actor, expiry=dt.timedelta(days=settings.VIATICOS_API_TOKEN_DAYS)
    )
    return token


@transaction.atomic
def api_token_revoke(*, actor) -> int:
    deleted, _by_model = AuthToken.objects.filter(user=actor).delete()
    return deleted
