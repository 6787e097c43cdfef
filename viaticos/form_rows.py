"""One unbound form repeated on every row of a list (decide, pay, review...), rendered once.

Django renders every widget and option through a template, about 0.6 ms a form: 30 ms of a
50-row page. The form is rendered once with a placeholder in its ids, and each row gets a copy
with its own ids (`<prefix><key>_<field>`), so that labels point at their own row."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

SLOT = "row__key__"

_K = TypeVar("_K", bound=Hashable)


def form_per_row(
    template: str,
    form_class: type[forms.Form],
    keys: Iterable[_K],
    *,
    prefix: str,
    initial: dict[str, object] | None = None,
) -> dict[_K, SafeString]:
    """`template` rendered with `form` (unbound) once, by row key."""
    html = render_to_string(template, {"form": form_class(auto_id=f"{SLOT}_%s", initial=initial)})
    return {key: mark_safe(html.replace(SLOT, f"{prefix}{key}")) for key in keys}
