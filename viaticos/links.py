"""Links that leave the site (e-mails): absolute, from VIATICOS_SITE_URL."""

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register
from django.urls import reverse


def site_link(name: str, *args: object) -> str:
    """The absolute URL of a named page, for e-mails (a bare path is useless in a mail client)."""
    return settings.VIATICOS_SITE_URL + reverse(name, args=args)


@register(deploy=True)
def check_site_url(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    if settings.VIATICOS_SITE_URL:
        return []
    return [
        Warning(
            "VIATICOS_SITE_URL is not set: links in e-mails would be bare paths.",
            hint="Set it to the public address, e.g. https://viaticos.example.org",
            id="viaticos.W001",
        )
    ]
