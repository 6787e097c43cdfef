"""Sign-in and password-reset throttles that django-axes does not give.

Axes locks one user name from one address (AXES_LOCKOUT_PARAMETERS). Password spraying tries
one password over many names from one address, and every try is one failure of a different
name: a second limit counts failures per address, whatever the name. Password-reset e-mails are
counted per address and per e-mail address typed, so the form cannot be used to flood an inbox.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from viaticos import clients
from viaticos.people import is_blocked_person
from viaticos.rules_registry import enforces

HOUR = 3600


def _on_login_failed(
    sender: object,
    credentials: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    if request is not None:
        clients.count_hit("login-failed", clients.client_address(request), HOUR)


def connect_signals() -> None:
    user_login_failed.connect(_on_login_failed, dispatch_uid="viaticos.login_failed_per_address")


def login_paused(request: HttpRequest) -> bool:
    limit = settings.VIATICOS_LOGIN_FAILURES_PER_ADDRESS
    return clients.current_count("login-failed", clients.client_address(request)) >= limit


class SignInForm(AuthenticationForm):
    """Django's sign-in form, which says so when the account is blocked (R-T2)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "blocked": _(
            "Your personal data is blocked after your cancellation request: it is kept only "
            "while a legal obligation lasts, and this account can no longer sign in. Write to "
            "the Personal Data Officer if you need anything."
        ),
    }

    @enforces("R-T2")
    def clean(self) -> dict[str, Any]:
        """R-T2: a blocked person cannot sign in. Told only to whoever knows the password
        (anyone else gets the usual message, so the form reveals nothing)."""
        try:
            return super().clean()
        except ValidationError:
            username, password = self.cleaned_data.get("username"), self.data.get("password")
            user = get_user_model()._default_manager.filter(username=username).first()
            known = user is not None and password and user.check_password(password)
            if known and is_blocked_person(user):
                raise ValidationError(self.error_messages["blocked"], code="blocked") from None
            raise

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if is_blocked_person(user):
            raise ValidationError(self.error_messages["blocked"], code="blocked")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if login_paused(request):
            return render(
                request,
                "registration/locked_out.html",
                {"cooloff_time": _("one hour"), "per_address": True},
                status=429,
            )
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address = clients.client_address(self.request)
        email = form.cleaned_data["email"].strip().lower()
        by_email = hashlib.sha256(email.encode()).hexdigest()
        over_address = (
            clients.count_hit("password-reset", address, HOUR)
            > settings.VIATICOS_PASSWORD_RESETS_PER_ADDRESS
        )
        over_email = (
            clients.count_hit("password-reset-email", by_email, HOUR)
            > settings.VIATICOS_PASSWORD_RESETS_PER_EMAIL
        )
        if over_address or over_email:
            form.add_error(
                None,
                _(
                    "Too many password-reset requests. Please wait an hour and try again, or "
                    "ask the administrator."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
