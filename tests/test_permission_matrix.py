"""Every URL of the product, as every role and as an anonymous visitor, from one table.

A URL pattern without an entry in MATRIX fails `test_every_url_has_an_entry`: adding an endpoint
means deciding, here, who may use it. The Django admin is left to its own permission system.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory
from viaticos.roles import Role

ANON = "anonymous"
WHO = [ANON, *[role.value for role in Role]]
SIGNED_IN = [role.value for role in Role]


@dataclass(frozen=True)
class Entry:
    """`expect` maps a role value (or ANON) to a status; `default` covers the rest."""

    method: str = "GET"
    default: int = 200
    expect: dict[str, int] = field(default_factory=dict)
    kwargs: Callable[[dict], dict] | None = None
    query: dict | None = None
    data: dict | None = None

    def status_for(self, who: str) -> int:
        return self.expect.get(who, self.default)


def page(anonymous=302, **kw) -> Entry:
    """An HTML page for any signed-in user; anonymous visitors go to the login page."""
    return Entry(expect={ANON: anonymous, **kw.pop("expect", {})}, **kw)


def api(anonymous=401, **kw) -> Entry:
    return Entry(expect={ANON: anonymous, **kw.pop("expect", {})}, **kw)


def only(roles: set[Role], allowed: int = 200, denied: int = 403, anonymous: int = 302) -> dict:
    return {
        ANON: anonymous,
        **{r: (allowed if r in {x.value for x in roles} else denied) for r in SIGNED_IN},
    }


MATRIX: dict[str, Entry] = {
    "home": page(),
    "account": page(),
    "account-token": page(method="POST", default=302),
    "login": Entry(expect={r: 302 for r in SIGNED_IN}),  # signed-in users are sent home
    "logout": Entry(method="POST", default=302),
    "password_change": page(),
    "password_change_done": page(),
    "password_reset": Entry(),
    "password_reset_done": Entry(),
    "password_reset_confirm": Entry(kwargs=lambda ctx: {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": Entry(),
    "set_language": Entry(method="POST", default=302, data={"language": "en", "next": "/"}),
    "schema": Entry(),
    "api-docs": Entry(),
    "v1:calendar-add-business-days": api(query={"start": "2026-03-02", "days": 1}),
    "v1:calendar-settlement-due-date": api(query={"return_date": "2026-03-02"}),
    # Deadlines and sanctions (issue 6): ids that do not exist answer 404 to whoever may look.
    "deadlines:mine": page(),
    "deadlines:dashboard": Entry(expect=only({Role.GENERAL_ACCOUNTANT, Role.AUDITOR})),
    "deadlines:payroll": Entry(expect=only({Role.GENERAL_ACCOUNTANT})),
    "deadlines:sanction-new": Entry(expect=only({Role.GENERAL_ACCOUNTANT})),
    "deadlines:sanction": page(default=404, kwargs=lambda ctx: {"pk": 999999}),
    "deadlines:sanction-apply": Entry(
        method="POST",
        expect=only({Role.GENERAL_ACCOUNTANT}, allowed=404),
        kwargs=lambda ctx: {"pk": 999999},
    ),
    "deadlines:sanction-lift": Entry(
        method="POST",
        expect=only({Role.GENERAL_ACCOUNTANT}, allowed=404),
        kwargs=lambda ctx: {"pk": 999999},
    ),
    "deadlines:requirement-pdf": page(default=404, kwargs=lambda ctx: {"pk": 999999}),
    "deadlines:order-pdf": page(default=404, kwargs=lambda ctx: {"pk": 999999}),
    "v1:deadlines-mine": api(),
    "v1:sanction-list": api(),
    "v1:sanction-apply": api(method="POST", default=404, kwargs=lambda ctx: {"pk": 999999}),
    "v1:sanction-lift": api(method="POST", default=404, kwargs=lambda ctx: {"pk": 999999}),
}


def url_names() -> list[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                yield f"{namespace}:{name}" if namespace else name

    return sorted({n for n in walk(get_resolver().url_patterns) if not n.startswith("admin:")})


def test_every_url_has_an_entry():
    names = set(url_names())
    assert names - set(MATRIX) == set(), "add these URLs to MATRIX with their expected statuses"
    assert set(MATRIX) - names == set(), "MATRIX lists URLs that no longer exist"


@pytest.fixture
def context(db):
    """Objects that parametrised URLs point at; extended as apps add URLs with ids."""
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, context, name, who):
    entry = MATRIX[name]
    if who != ANON:
        client.force_login(UserFactory(username=f"matrix-{who}", roles=[Role(who)], profile=True))
    url = reverse(name, kwargs=entry.kwargs(context) if entry.kwargs else None)
    call = getattr(client, entry.method.lower())
    if entry.method == "GET":
        response = call(url, entry.query or {})
    else:
        response = call(url, entry.data or {})
    assert response.status_code == entry.status_for(who), (name, who, response.status_code)
