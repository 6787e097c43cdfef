"""Sign-in and password-reset throttles that django-axes does not give.

Axes locks one user name from one address (AXES_LOCKOUT_PARAMETERS). Password spraying tries
one password over many names from one address, and every try is one failure of a different
name: a second limit counts failures per address, whatever the name. Password-reset e-mails are
counted per address and per e-mail address typed, so the form cannot be used to flood an inbox.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.utils.translation import gettext as _

from viaticos import clients

HOUR = 3600


def _on_login_failed(sender, credentials=None, request=None, **kwargs):
    if request is not None:
        clients.count_hit("login-failed", clients.client_address(request), HOUR)


def connect_signals() -> None:
    user_login_failed.connect(_on_login_failed, dispatch_uid="viaticos.login_failed_per_address")


def login_paused(request) -> bool:
    limit = settings.VIATICOS_LOGIN_FAILURES_PER_ADDRESS
    return clients.current_count("login-failed", clients.client_address(request)) >= limit


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if login_paused(request):
            return render(
                request,
                "registration/locked_out.html",
                {"cooloff_time": _("one hour"), "per_address": True},
                status=429,
            )
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
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
