from __future__ import annotations

from django import template
from django.contrib.auth.models import User

from viaticos.people import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user: User | None) -> str:
    """`{{ user|display_name }}`: as viaticos.people.display_name; empty for no one."""
    return _display_name(user) if user else ""
