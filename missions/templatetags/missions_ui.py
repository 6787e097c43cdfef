from django import template

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
