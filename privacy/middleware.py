"""R-P2: at first login and whenever the notice changes, show the notice before anything else."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

EXEMPT_PREFIXES = ("/privacidad/", "/cuenta/salir/", "/i18n/", "/jsi18n/", "/static/", "/api/")


class ConsentPromptMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            getattr(settings, "PRIVACY_CONSENT_PROMPT", True)
            and request.method == "GET"
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            from privacy.selectors import consent_prompt_needed

            if consent_prompt_needed(request.user):
                target = reverse("privacy:consent-prompt")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
