from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.inclusion_tag("privacy/_notice_banner.html", takes_context=True)
def notice_banner(context):
    """R-P2: the informative notice as a dismissable banner (base.html), until the person
    dismisses this version; PRIVACY_CONSENT_PROMPT=0 turns it off."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        request is None
        or not getattr(settings, "PRIVACY_CONSENT_PROMPT", True)
        or request.resolver_match is None
        or request.resolver_match.view_name in NO_BANNER_ON
    ):
        return {"banner": None}
    from privacy.selectors import notice_banner as banner_for

    return {
        "banner": banner_for(user),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
        "consent_url": reverse("privacy:consent-prompt")
        + "?"
        + urlencode({"next": request.get_full_path()}),
    }


# The consent page shows the whole notice and records it as given when answered.
NO_BANNER_ON = {"privacy:consent-prompt"}


@register.filter
def notice_html(text: str) -> str:
    """The notice is plain text: "## " lines are headings, "- " lines list items."""
    out: list[str] = []
    items: list[str] = []

    def flush():
        if items:
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith("- "):
            items.append(line[2:])
            continue
        flush()
        if line.startswith("## "):
            out.append(f"<h2>{escape(line[3:])}</h2>")
        elif line:
            out.append(f"<p>{escape(line)}</p>")
    flush()
    return mark_safe("\n".join(out))  # noqa: S308 - every piece is escaped above


@register.filter
def urgency_chip(urgency: str) -> str:
    return {"late": "chip-bad", "soon": "chip-warn", "ok": "chip-ok"}.get(urgency, "")


@register.filter
def as_rows(value):
    """Flatten an export dict into (label, value) rows for the readable PDF."""
    rows = []

    def walk(prefix, item):
        if isinstance(item, dict):
            for key, sub in item.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(item, list):
            if not item:
                rows.append((prefix, "—"))
            for index, sub in enumerate(item, 1):
                walk(f"{prefix}[{index}]", sub)
        else:
            rows.append((prefix, "—" if item in (None, "") else item))

    walk("", value)
    return rows


# The history of an ARCO request stores short English reasons ("filed", "answered: granted");
# the page reads them as sentences (issue 20).
HISTORY_EVENTS = {
    "filed": _("Request filed"),
    "e-mail confirmed": _("E-mail address confirmed"),
    "observed": _("Observations sent to the requester"),
    "corrected": _("Corrected by the requester"),
    "closed as not filed": _("Closed as not filed"),
    "extended": _("Deadline extended"),
    "refused": _("Request refused"),
    "answered": _("Answered"),
    "subject linked": _("Data subject linked"),
    "data delivered": _("Copy of the data delivered"),
    "rectified": _("Data corrected"),
    "cancellation carried out": _("Cancellation carried out"),
    "processing stopped": _("Processing stopped"),
    "decision reviewed by a person": _("Automated decision reviewed by a person"),
    "published": _("Published"),
}


@register.filter
def history_event(reason: str | None) -> str:
    """`{{ h.history_change_reason|history_event }}`: "answered: granted" → "Answered: Granted"."""
    if not reason:
        return ""
    from privacy.models import ArcoRequest

    head, _sep, detail = reason.partition(": ")
    label = HISTORY_EVENTS.get(head)
    if label is None:
        return reason
    choices = dict(ArcoRequest.Outcome.choices) | dict(ArcoRequest.RefusalGround.choices)
    return f"{label}: {choices.get(detail, detail)}" if detail else str(label)


GREETINGS = (
    "estimad",
    "señor",
    "senor",
    "sr.",
    "sra.",
    "srta.",
    "dear",
    "hola",
    "de mi consideración",
)


@register.filter
def opens_with_greeting(text: str | None) -> bool:
    """Whether the officer's answer already greets the requester (then the letter does not
    greet twice)."""
    first = (text or "").strip().splitlines()[0].strip().lower() if (text or "").strip() else ""
    return first.startswith(GREETINGS)
