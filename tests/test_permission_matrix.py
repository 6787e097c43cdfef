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


def MISSION(ctx):
    return {"pk": ctx["mission"].pk}


def ADVANCE(ctx):
    return {"pk": ctx["advance"].pk}


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
    # Per diem (issue 3)
    "per-diem-calculator": page(),
    "quote-list": page(),
    "quote-decide": Entry(
        method="POST",
        kwargs=lambda ctx: {"pk": ctx["quote"].pk},
        data={"decision": "approve"},
        default=404,  # travelers only see their own quotes
        expect={
            ANON: 302,
            Role.FINANCE_DIRECTOR.value: 302,  # decided
            Role.GENERAL_ACCOUNTANT.value: 302,  # sees it; the service refuses with a message
            Role.AUDITOR.value: 302,
        },
    ),
    "v1:per-diem-quote": api(
        method="POST",
        data={
            "destination": "GT",
            "departure_at": "2026-03-02T10:00",
            "return_at": "2026-03-02T15:00",
        },
    ),
    # Missions and advances (issue 4): the context mission is authorized, its advance disbursed,
    # on a project nobody in the matrix coordinates.
    "missions:action": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["mission"].pk, "name": "suspend"},
        data={"reason": "x", "amount_spent": "0"},
        default=302,
        expect={
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:advance-action": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["advance"].pk, "name": "record_return"},
        data={},
        default=302,
        expect={
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:advance-pdf": Entry(
        kwargs=ADVANCE,
        default=200,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:detail": Entry(
        kwargs=MISSION,
        default=200,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:disbursements": Entry(default=403, expect={ANON: 302, Role.TREASURY.value: 200}),
    "missions:edit": Entry(
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:inbox": Entry(
        default=403,
        expect={
            ANON: 302,
            Role.EXECUTIVE_SECRETARY.value: 200,
            Role.FINANCE_DIRECTOR.value: 200,
            Role.PROJECT_COORDINATOR.value: 200,
        },
    ),
    "missions:invitation": Entry(kwargs=MISSION, default=404, expect={ANON: 302}),
    "missions:list": Entry(default=200, expect={ANON: 302}),
    "missions:new": Entry(default=200, expect={ANON: 302}),
    "missions:order-pdf": Entry(
        kwargs=MISSION,
        default=200,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-approve": Entry(
        method="POST",
        kwargs=ADVANCE,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-detail": Entry(
        kwargs=ADVANCE,
        default=200,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-disburse": Entry(
        method="POST",
        kwargs=ADVANCE,
        data={"disbursed_on": "2026-02-27", "method": "transfer", "reference": "X"},
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
            Role.TREASURY.value: 400,
        },
    ),
    "v1:advance-list": Entry(default=200, expect={ANON: 401}),
    "v1:advance-record-return": Entry(
        method="POST",
        kwargs=ADVANCE,
        data={"returned_on": "2026-03-10"},
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
            Role.TREASURY.value: 400,
        },
    ),
    "v1:advance-reject": Entry(
        method="POST",
        kwargs=ADVANCE,
        data={"reason": "x"},
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-sign": Entry(
        method="POST",
        kwargs=ADVANCE,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-authorize": Entry(
        method="POST",
        kwargs=MISSION,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-cancel": Entry(
        method="POST",
        kwargs=MISSION,
        data={"reason": "x"},
        default=403,
        expect={
            ANON: 401,
            Role.EXECUTIVE_SECRETARY.value: 200,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-detail": Entry(
        kwargs=MISSION,
        default=200,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-invitation": Entry(
        method="POST",
        kwargs=MISSION,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-list": Entry(default=200, expect={ANON: 401}),
    "v1:mission-reject": Entry(
        method="POST",
        kwargs=MISSION,
        data={"reason": "x"},
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-return": Entry(
        method="POST",
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-start": Entry(
        method="POST",
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-submit": Entry(
        method="POST",
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-suspend": Entry(
        method="POST",
        kwargs=MISSION,
        data={"reason": "x"},
        default=403,
        expect={
            ANON: 401,
            Role.EXECUTIVE_SECRETARY.value: 200,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
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
def context(db, seed_rates):
    """Objects that parametrised URLs point at; extended as apps add URLs with ids."""
    import datetime as dt
    from decimal import Decimal

    from missions.models import Destination
    from missions.services import quote_record

    requester = UserFactory(username="matrix-owner", roles=[Role.TRAVELER], profile=True)
    miami = Destination.objects.create(
        code="US-MIA", name="Miami", country="US", in_table_region=False
    )
    quote = quote_record(
        by=requester,
        destination=miami,
        lodging=Decimal("150.00"),
        meals=Decimal("60.00"),
        source="Hotel quote",
        valid_from=dt.date(2026, 5, 1),
        valid_to=dt.date(2026, 5, 10),
    )
    mission = _matrix_mission(requester)
    return {"quote": quote, "mission": mission, "advance": mission.advances.first()}


def _matrix_mission(traveler):
    """A mission of a project nobody in the matrix coordinates, with an advance disbursed."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from missions import services
    from missions.models import Destination
    from missions.rules import LegInput
    from tests.factories import OrganizationFactory, ProjectFactory

    def local(*args):
        return timezone.make_aware(dt.datetime(*args))

    OrganizationFactory()
    coordinator = UserFactory(username="matrix-pc", roles=[Role.PROJECT_COORDINATOR])
    secretary = UserFactory(username="matrix-es", roles=[Role.EXECUTIVE_SECRETARY])
    finance = UserFactory(username="matrix-fd", roles=[Role.FINANCE_DIRECTOR])
    treasurer = UserFactory(username="matrix-tr", roles=[Role.TREASURY])
    mission = services.mission_create(
        actor=traveler,
        project=ProjectFactory(coordinator=coordinator),
        kind="ordinary",
        purpose="Taller",
        expected_results="Plan",
        budget_line="2.1",
        departure_at=local(2026, 3, 2, 7, 30),
        return_at=local(2026, 3, 5, 19, 0),
        legs=[
            LegInput(
                Destination.objects.get(code="SV-SAL"),
                local(2026, 3, 2, 11, 0),
                local(2026, 3, 5, 15, 0),
            )
        ],
    )
    services.mission_submit(actor=traveler, mission=mission)
    services.mission_authorize(actor=coordinator, mission=mission)
    services.mission_authorize(actor=secretary, mission=mission)
    advance = services.advance_request(
        actor=traveler, mission=mission, terminal_estimate=Decimal("50.00")
    )
    services.advance_approve(actor=coordinator, advance=advance)
    services.advance_approve(actor=finance, advance=advance)
    services.advance_sign(actor=traveler, advance=advance)
    services.advance_disburse(
        actor=treasurer,
        advance=advance,
        disbursed_on=dt.date(2026, 2, 27),
        method="transfer",
        reference="OP-1",
    )
    mission.refresh_from_db()
    return mission


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
