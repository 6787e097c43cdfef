"""Role-aware navigation and home panels.

Apps register what they contribute in their AppConfig.ready(); `viaticos` itself never imports
an app. A panel registered again under the same key replaces the earlier one, so an app can take
over the empty state the foundation ships for a role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from viaticos.roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role] | None = None  # None: every signed-in user
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page: what a person holding one of `roles` has to do."""

    key: str
    title: str
    template: str
    roles: frozenset[Role] | None = None
    order: int = 100
    context: Callable[..., dict] | None = field(default=None, compare=False)


_nav: dict[str, NavItem] = {}
_panels: dict[str, HomePanel] = {}


def register_nav(*items: NavItem) -> None:
    for item in items:
        _nav[item.url_name] = item


def register_panel(*panels: HomePanel) -> None:
    for panel in panels:
        _panels[panel.key] = panel


def _applies(roles: frozenset[Role] | None, held: set[Role]) -> bool:
    return roles is None or bool(roles & held)


def navigation_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    held = user_roles(user)
    items = []
    for item in sorted(_nav.values(), key=lambda i: (i.order, str(i.label))):
        if not _applies(item.roles, held):
            continue
        try:
            items.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return items


def panels_for(user) -> list[tuple[HomePanel, dict]]:
    held = user_roles(user)
    result = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if _applies(panel.roles, held):
            result.append((panel, panel.context(user) if panel.context else {}))
    return result
