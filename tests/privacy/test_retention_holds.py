"""R-T2: a legal hold recorded for one data category holds that category only; one without a
category holds all the person's data."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from privacy.models import (
    ArcoRequest,
    BlockedRecord,
    LegalHold,
    RelationshipEnd,
    RetentionAction,
)

D = dt.date


@pytest.fixture
def due_in_2025(traveler):
    """The traveler's identity (relationship ended in 2019) and an ARCO request of theirs closed
    in 2019: both due on 1 Mar 2025."""
    RelationshipEnd.objects.create(user=traveler, ended_on=D(2019, 3, 1))
    request = ArcoRequest.objects.create(
        tracking_code="ARCO-HOLD-0001",
        right="acceso",
        status="answered",
        full_name="Lucía Quispe",
        document_type="DNI",
        document_number="45879632",
        email="lucia@example.org",
        request_detail="Copia de mis datos",
        received_at=timezone.make_aware(dt.datetime(2019, 2, 1, 10)),
        received_on=D(2019, 2, 1),
        counts_from=D(2019, 2, 1),
        original_due_date=D(2019, 3, 1),
        due_date=D(2019, 3, 1),
        closed_on=D(2019, 2, 20),
        subject=traveler,
    )
    return request


def _hold(person, category=""):
    return LegalHold.objects.create(
        subject=person,
        reason="litigation",
        description="Juicio laboral 123",
        category=category,
        started_on=D(2024, 1, 1),
    )


def _actions():
    return dict(RetentionAction.objects.values_list("record_key", "action"))


def test_r_t2_legal_hold_with_a_category_holds_only_that_category(traveler, due_in_2025):
    _hold(traveler, category="privacy.arco_requests")
    call_command("apply_retention", "--date", "2025-03-01", stdout=StringIO())
    actions = _actions()
    assert actions[f"privacy.arcorequest:{due_in_2025.pk}"] == "block"
    assert actions[f"auth.user:{traveler.pk}"] == "anonymize"
    due_in_2025.refresh_from_db()
    traveler.refresh_from_db()
    assert due_in_2025.full_name == "Lucía Quispe" and not due_in_2025.anonymized
    assert traveler.first_name == ""
    assert BlockedRecord.objects.filter(key=f"privacy.arcorequest:{due_in_2025.pk}").exists()


def test_r_t2_legal_hold_without_a_category_holds_everything(traveler, due_in_2025):
    _hold(traveler)
    call_command("apply_retention", "--date", "2025-03-01", stdout=StringIO())
    actions = _actions()
    assert actions[f"privacy.arcorequest:{due_in_2025.pk}"] == "block"
    assert actions[f"auth.user:{traveler.pk}"] == "block"
    traveler.refresh_from_db()
    assert traveler.first_name


def test_r_t2_record_blocked_by_a_hold_is_carried_out_and_unblocked_when_it_ends(
    traveler, due_in_2025
):
    hold = _hold(traveler, category="privacy.arco_requests")
    call_command("apply_retention", "--date", "2025-03-01", stdout=StringIO())
    LegalHold.objects.filter(pk=hold.pk).update(ended_on=D(2025, 6, 30))
    call_command("apply_retention", "--date", "2025-07-01", stdout=StringIO())
    due_in_2025.refresh_from_db()
    assert due_in_2025.anonymized and due_in_2025.full_name == "—"
    assert not BlockedRecord.objects.filter(key=f"privacy.arcorequest:{due_in_2025.pk}").exists()


def test_r_t2_legal_hold_for_a_category_no_app_declares_holds_everything(traveler, due_in_2025):
    _hold(traveler, category="contabilidad")  # not a data category: kept on the safe side
    call_command("apply_retention", "--date", "2025-03-01", stdout=StringIO())
    actions = _actions()
    assert actions[f"privacy.arcorequest:{due_in_2025.pk}"] == "block"
    assert actions[f"auth.user:{traveler.pk}"] == "block"
