"""Personal API tokens (SPEC §7): stored only as a hash (django-rest-knox, SHA-512), expiring
after VIATICOS_API_TOKEN_DAYS, one per person, shown once in the page that creates it and
revocable from *Mi cuenta*. A database dump or backup therefore holds no usable token."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from knox.models import AuthToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def api_tokens_of(user: User) -> Any:  # a QuerySet of django-rest-knox's tokens (untyped)
    return AuthToken.objects.filter(user=user).order_by("-created")


@transaction.atomic
def api_token_create(*, actor: User) -> str:
    """A new token for `actor`, replacing any previous one; the clear value is returned once."""
    AuthToken.objects.filter(user=actor).delete()
    _instance, token = AuthToken.objects.create(
        user=actor, expiry=dt.timedelta(days=settings.VIATICOS_API_TOKEN_DAYS)
    )
    clear: str = token
    return clear


@transaction.atomic
def api_token_revoke(*, actor: User) -> int:
    deleted: int
    deleted, _by_model = AuthToken.objects.filter(user=actor).delete()
    return deleted
