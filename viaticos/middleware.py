"""Security headers Django does not set by itself."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

# No inline scripts anywhere in the product; inline styles are allowed for the admin's sake.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# Swagger UI boots from a small inline script it ships with.
CSP_API_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.docs_prefix = "/api/docs/"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = CSP_API_DOCS if request.path.startswith(self.docs_prefix) else CSP
        if response.get("X-Frame-Options") == "SAMEORIGIN":
            # A view that may be framed by our own pages (@xframe_options_sameorigin, e.g. the
            # document preview beside the settlement review): CSP must allow it too, or
            # `frame-ancestors 'none'` overrides X-Frame-Options and the preview stays blank.
            policy = policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not settings.DEBUG:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds VIATICOS_MAX_REQUEST_BYTES with 413, before
    anything reads it: a 200 MB anonymous body is never spooled to disk. Bodies without a
    declared length are bounded per file by `viaticos.uploads.LimitedUploadHandler`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.VIATICOS_MAX_REQUEST_BYTES
        if length > limit:
            return _too_large_response(request, limit)
        return self.get_response(request)


def _too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    from django.http import JsonResponse
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext as _

    # LocaleMiddleware has not run yet: choose the language the way it would.
    with translation.override(translation.get_language_from_request(request)):
        detail = _(
            "The request is larger than %(mb)s MB and was not received. Send smaller files."
        ) % {"mb": max(1, limit // (1024 * 1024))}
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "request_too_large", "detail": detail}, status=413)
    else:
        response = HttpResponse(
            f"<!doctype html><title>413</title><p>{escape(detail)}</p>",
            status=413,
            content_type="text/html; charset=utf-8",
        )
    # The body was not read: close the connection rather than let the server parse it as the
    # next request.
    response["Connection"] = "close"
    return response
