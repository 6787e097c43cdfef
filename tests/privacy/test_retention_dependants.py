"""R-T1, R-P4 (issue 25): the travelers' dependants have a retention category of their own:
held for repatriation during the traveler's missions (R-3.16), they are deleted (with their
history) when the traveler's relationship ends, or, with none recorded, a year after the
traveler's last activity; a legal hold keeps them blocked instead."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from privacy.models import LegalHold, RelationshipEnd, RetentionAction, RetentionPolicy
from privacy.registry import categories
from tests.factories import UserFactory
from viaticos.models import Dependant, TravelerProfile
from viaticos.roles import Role

pytestmark = pytest.mark.django_db


def _add_child(client, user, name="Ana Quispe"):
    client.force_login(user)
    data = {
        "relationship": "child",
        "full_name": name,
        "birth_date": "2020-05-01",
        "guardian_consent": "on",
    }
    assert client.post("/cuenta/dependientes/", data).status_code == 302
    return Dependant.objects.get(traveler=user, full_name=name)


def _run(day: str, *extra) -> str:
    out = StringIO()
    call_command("apply_retention", "--date", day, *extra, stdout=out)
    return out.getvalue()


def test_the_dependants_category_is_declared_with_its_policy():
    category = categories()["viaticos.dependants"]
    policy = RetentionPolicy.objects.get(category="viaticos.dependants")
    assert (policy.period_years, policy.start_event, policy.action) == (
        0,
        "end_of_relationship",
        "delete",
    )
    assert category.apply is not None and "repatri" in str(category.label).lower()


def test_dependants_go_when_the_travelers_relationship_ends(client, traveler, other_traveler):
    child = _add_child(client, traveler)
    kept = _add_child(client, other_traveler, "Pedro Huamán")
    RelationshipEnd.objects.create(user=traveler, ended_on=dt.date(2026, 3, 31))
    assert str(child.pk) not in _run("2026-03-30", "--dry-run")
    assert f"viaticos.dependant:{child.pk}" in _run("2026-04-01", "--dry-run")
    assert Dependant.objects.filter(pk=child.pk).exists()  # a dry run changes nothing
    _run("2026-04-01")
    assert not Dependant.objects.filter(pk=child.pk).exists()
    assert not Dependant.history.filter(id=child.pk).exists()
    assert Dependant.objects.filter(pk=kept.pk).exists()  # staff, still working
    traveler.refresh_from_db()
    assert traveler.first_name  # the identity data keeps its own period (6 years)
    action = RetentionAction.objects.get(record_key=f"viaticos.dependant:{child.pk}")
    assert (action.action, action.policy.category) == ("delete", "viaticos.dependants")
    _run("2026-04-01")  # idempotent
    assert RetentionAction.objects.filter(record_key=action.record_key).count() == 1


def test_an_inactive_consultants_dependants_go_a_year_after_their_last_activity(client):
    consultant = UserFactory(username="consultora", roles=[Role.TRAVELER], profile=True)
    TravelerProfile.objects.filter(user=consultant).update(kind=TravelerProfile.Kind.CONSULTANT)
    child = _add_child(client, consultant)
    at = timezone.make_aware(dt.datetime(2025, 2, 3, 10))
    get_user_model().objects.filter(pk=consultant.pk).update(date_joined=at, last_login=at)
    _run("2026-02-02")
    assert Dependant.objects.filter(pk=child.pk).exists()
    _run("2026-02-04")
    assert not Dependant.objects.filter(pk=child.pk).exists()
    consultant.refresh_from_db()
    assert consultant.first_name  # their own identity data waits 6 years


def test_a_legal_hold_blocks_the_dependants_instead_of_deleting_them(client, traveler):
    child = _add_child(client, traveler)
    RelationshipEnd.objects.create(user=traveler, ended_on=dt.date(2026, 3, 31))
    LegalHold.objects.create(
        subject=traveler,
        reason=LegalHold.Reason.LITIGATION,
        started_on=dt.date(2026, 1, 1),
        description="juicio",
    )
    _run("2026-04-01")
    assert Dependant.objects.filter(pk=child.pk).exists()
    action = RetentionAction.objects.get(record_key=f"viaticos.dependant:{child.pk}")
    assert action.action == "block" and action.held
