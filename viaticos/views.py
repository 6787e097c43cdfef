from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound

from viaticos import rules_registry, tokens
from viaticos.navigation import account_sections_for, panels_for
from viaticos.roles import user_roles
from viaticos.types import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "viaticos/home.html", {"panels": panels_for(request.user)})


def _account_page(
    request: AuthenticatedHttpRequest, *, new_token: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    response = render(
        request,
        "viaticos/account.html",
        {
            "profile": getattr(user, "traveler_profile", None),
            "roles": sorted(user_roles(user), key=lambda r: r.label),
            "tokens": list(tokens.api_tokens_of(user)),
            "new_token": new_token,
            "token_days": settings.VIATICOS_API_TOKEN_DAYS,
            "sections": account_sections_for(user),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def account_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create (or replace) the user's API token. It is shown once, in the body of this page,
    never in a cookie (the messages framework would carry it in one); only its hash is kept."""
    return _account_page(request, new_token=tokens.api_token_create(actor=request.user))


@login_required
@require_POST
def account_token_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    tokens.api_token_revoke(actor=request.user)
    messages.success(request, _("Your API token was revoked."))
    return redirect("account")


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """Rule traceability for auditors and accountants: each SPEC rule, where the code enforces
    it and which tests prove it (read-only, any signed-in user)."""
    enforcers = rules_registry.load_enforcers()
    tests = rules_registry.tests_by_rule()
    language = get_language() or "es"
    rows = [
        {
            "rule": rule,
            "summary": rule.summary(language),
            "enforced_in": enforcers.get(rule.id, []),
            "tests": None if tests is None else tests.get(rule.id, []),
        }
        for rule in rules_registry.RULES.values()
    ]
    return render(
        request,
        "viaticos/rules.html",
        {
            "rows": rows,
            "tests_available": tests is not None,
            "enforced_count": sum(1 for row in rows if row["enforced_in"]),
            "tested_count": sum(1 for row in rows if row["tests"]),
            "keep_rule_ids": True,  # the catalogue itself: its identifiers are the content
        },
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    """An unknown URL under /api/ answers in the API's error shape; pages keep the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "detail": str(NotFound.default_detail)}, status=404
        )
    return defaults.page_not_found(request, exception)
