"""Role-aware navigation and home panels.

Apps register what they contribute in their AppConfig.ready(); `viaticos` itself never imports
an app. A panel registered again under the same key replaces the earlier one, so an app can take
over the empty state the foundation ships for a role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse

from viaticos.roles import Role, user_roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrPromise  # a gettext_lazy string


@dataclass(frozen=True)
class NavItem:
    label: str | StrPromise
    url_name: str
    roles: frozenset[Role] | None = None  # None: every signed-in user
    order: int = 100
    # URL name of a fragment with a number beside the label (what waits for the user), loaded
    # after the page so that no page pays for counting it.
    badge: str | None = None


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page: what a person holding one of `roles` has to do."""

    key: str
    title: str | StrPromise
    template: str
    roles: frozenset[Role] | None = None
    order: int = 100
    context: Callable[..., dict[str, Any]] | None = field(default=None, compare=False)
    # Shown also to users without those roles for whom this answers True (a delegate).
    also_for: Callable[..., bool] | None = field(default=None, compare=False)


_nav: dict[str, NavItem] = {}
_panels: dict[str, HomePanel] = {}
_account_sections: dict[str, HomePanel] = {}


def register_nav(*items: NavItem) -> None:
    for item in items:
        _nav[item.url_name] = item


def register_panel(*panels: HomePanel) -> None:
    for panel in panels:
        _panels[panel.key] = panel


def register_account_section(*sections: HomePanel) -> None:
    """A block of *Mi cuenta* contributed by an app (e.g. delegating one's approvals)."""
    for section in sections:
        _account_sections[section.key] = section


def _applies(roles: frozenset[Role] | None, held: set[Role]) -> bool:
    return roles is None or bool(roles & held)


def navigation_for(user: User | AnonymousUser) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    held = user_roles(user)
    items = []
    for item in sorted(_nav.values(), key=lambda i: (i.order, str(i.label))):
        if not _applies(item.roles, held):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        badge_url = reverse(item.badge) if item.badge else ""
        items.append({"label": item.label, "url": url, "badge_url": badge_url})
    return items


def _blocks(
    registry: dict[str, HomePanel], user: User | AnonymousUser
) -> list[tuple[HomePanel, dict[str, Any]]]:
    held = user_roles(user)
    result = []
    for panel in sorted(registry.values(), key=lambda p: (p.order, p.key)):
        if _applies(panel.roles, held) or (panel.also_for and panel.also_for(user)):
            result.append((panel, panel.context(user) if panel.context else {}))
    return result


def panels_for(user: User | AnonymousUser) -> list[tuple[HomePanel, dict[str, Any]]]:
    return _blocks(_panels, user)


def account_sections_for(user: User | AnonymousUser) -> list[tuple[HomePanel, dict[str, Any]]]:
    return _blocks(_account_sections, user)
