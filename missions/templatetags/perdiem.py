from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

register = template.Library()

BASIS_LABELS = {
    "night": _("night"),
    "departure_day": _("departure day"),
    "return_day": _("return day"),
    "full_day": _("full day"),
    "same_day": _("same-day mission"),
    "sponsor_complement": _("sponsor pays"),
}
CONCEPT_LABELS = {"lodging": _("Lodging"), "meals": _("Meals"), "sponsor": _("Sponsor")}


@register.filter
def percent(value: Decimal) -> str:
    """0.6666 → 66.66 %, 0.33 → 33 %, 1 → 100 %."""
    number = (Decimal(value) * 100).normalize()
    text = f"{number:f}"
    return f"{text} %"


@register.filter
def basis_label(value: str) -> str | StrPromise:
    return BASIS_LABELS.get(value, value)


@register.filter
def concept_label(value: str) -> str | StrPromise:
    return CONCEPT_LABELS.get(value, value)
