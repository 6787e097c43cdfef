"""Staff sessions (SPEC §5.4 security measures): an idle timeout for everyone, and a second
factor (TOTP, django-otp) for the roles that see personal data.

Idle timeout: the time of the last request is kept in the session (rewritten at most once a
minute, so pages pay no extra query); a session idle longer than VIATICOS_IDLE_TIMEOUT_MINUTES
is closed and the person signs in again. SESSION_COOKIE_AGE bounds a session however active.

Second factor: with VIATICOS_REQUIRE_SECOND_FACTOR on (the default when DEBUG is off), a
signed-in person holding one of SECOND_FACTOR_ROLES (or a superuser) reaches nothing but the
enrolment/verification page until a one-time code from their authenticator app is given
(`/cuenta/doble-factor/`). The demo and the tests run with it off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from viaticos.roles import Role, user_roles
from viaticos.types import AuthenticatedHttpRequest

LAST_SEEN = "viaticos_last_seen"
SECOND_FACTOR_ROLES = frozenset(
    {
        Role.FINANCE_DIRECTOR,
        Role.GENERAL_ADMINISTRATOR,
        Role.GENERAL_ACCOUNTANT,
        Role.ACCOUNTING_ASSISTANT,
        Role.TREASURY,
        Role.PRIVACY_OFFICER,
        Role.AUDITOR,
    }
)
# Reachable without the second factor: signing in and out, the enrolment page itself, the
# language switch, static files and the probes.
OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/readyz", "/metrics")


def _on_login(
    sender: object,
    request: HttpRequest | None = None,
    user: User | None = None,
    **kwargs: object,
) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_on_login, dispatch_uid="viaticos.sessions.last_seen")


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            last = session.get(LAST_SEEN)
            limit = settings.VIATICOS_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - int(last) > limit:
                logout(request)
                messages.info(
                    request,
                    _("Your session was closed after %(minutes)s minutes without activity.")
                    % {"minutes": settings.VIATICOS_IDLE_TIMEOUT_MINUTES},
                )
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "session_expired", "detail": _("Your session expired.")},
                        status=401,
                    )
                return redirect(f"{reverse('login')}?next={request.path}")
            if last is None or now - int(last) >= 60:
                session[LAST_SEEN] = now
        return self.get_response(request)


def needs_second_factor(user: User | AnonymousUser) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(user_roles(user) & SECOND_FACTOR_ROLES)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.VIATICOS_REQUIRE_SECOND_FACTOR and not self._open(request.path):
            user = request.user
            # is_verified() is added to request.user by django-otp's OTPMiddleware (untyped).
            if needs_second_factor(user) and not user.is_verified():  # type: ignore[union-attr]
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "second_factor_required",
                            "detail": _("Confirm your sign-in with your authenticator code."),
                        },
                        status=403,
                    )
                return redirect(f"{reverse('second-factor')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        fixed = {reverse("login"), reverse("logout"), reverse("second-factor")}
        return path in fixed or path.startswith(OPEN_PREFIXES)


TOKEN_LABEL = gettext_lazy("Six-digit code from your authenticator app")


def _qr_svg(url: str) -> str:
    import segno

    svg: str = segno.make(url, error="m").svg_inline(scale=4)
    return svg


@login_required
def second_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app (first time) or confirm this sign-in with a code."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("home")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Viáticos", confirmed=False)
    error = ""
    status = 200
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())
        if token and device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Sign-in confirmed with your second factor."))
            return redirect(target)
        error = _("That code is not valid. Check your device's clock and try the current code.")
        status = 400
    context: dict[str, Any] = {
        "enrolling": enrolling,
        "error": error,
        "next": target,
        "label": TOKEN_LABEL,
    }
    if enrolling:
        context["qr_svg"] = _qr_svg(device.config_url)
        import base64

        context["secret"] = base64.b32encode(device.bin_key).decode()
    response = render(request, "viaticos/second_factor.html", context, status=status)
    response["Cache-Control"] = "no-store, private"
    return response
