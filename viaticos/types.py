"""Types shared by the apps' annotations (checked by mypy, `make check`)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind `login_required` (or an admin view): a signed-in user."""

    user: User
