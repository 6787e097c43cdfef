"""Security headers Django does not set by itself."""

from django.conf import settings

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
    def __init__(self, get_response):
        self.get_response = get_response
        self.docs_prefix = "/api/docs/"

    def __call__(self, request):
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
