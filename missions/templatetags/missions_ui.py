from django import template
from django_stubs_ext import StrPromise

register = template.Library()

OK = {"authorized", "in_progress", "closed", "settled"}
BAD = {"rejected", "suspended", "cancelled", "return_due"}


@register.filter
def status_chip(status: str) -> str:
    """The chip class for a mission or advance status."""
    if status in OK:
        return "chip chip-ok"
    if status in BAD:
        return "chip chip-bad"
    return "chip chip-warn"


@register.filter
def change_reason(reason: str) -> str | StrPromise:
    """A history row's reason in words: the timeline's label for that action code."""
    from missions.models import MissionEvent

    if not reason:
        return ""
    try:
        return MissionEvent.Action(reason).label
    except ValueError:
        return reason
