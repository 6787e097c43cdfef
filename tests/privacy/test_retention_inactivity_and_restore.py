"""R-T1, R-T3 (issue 25, finding 11): identity data of people nobody recorded the end of the
relationship for is not kept for ever (inactivity); an erasure survives a restore from backup
(the erasure log that `replay_erasures`, run by scripts/restore.sh, reads)."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from privacy.erasures import erasures_replay
from privacy.registry import anonymize_subject
from tests.factories import UserFactory
from viaticos.models import TravelerProfile
from viaticos.roles import Role


def _person(username, kind, last_login):
    user = UserFactory(username=username, roles=[Role.TRAVELER], profile=True)
    TravelerProfile.objects.filter(user=user).update(kind=kind)
    at = timezone.make_aware(dt.datetime.combine(last_login, dt.time(10)))
    get_user_model().objects.filter(pk=user.pk).update(date_joined=at, last_login=at)
    return user


def test_r_t1_an_inactive_consultant_without_end_of_relationship_is_anonymized(db):
    consultant = _person("consultora", TravelerProfile.Kind.CONSULTANT, dt.date(2019, 5, 2))
    recent = _person("reciente", TravelerProfile.Kind.EVENT_SUPPORT, dt.date(2024, 5, 2))
    staff = _person("planilla", TravelerProfile.Kind.STAFF, dt.date(2019, 5, 2))
    call_command("apply_retention", "--date", "2026-01-05", stdout=StringIO())
    consultant.refresh_from_db()
    assert consultant.username == f"anonimo-{consultant.pk}" and not consultant.first_name
    assert consultant.traveler_profile.document_number == "—"
    recent.refresh_from_db()
    staff.refresh_from_db()
    assert recent.first_name and staff.first_name  # 6 years not run; staff has its end recorded


def test_r_t1_inactivity_dry_run_changes_nothing(db):
    consultant = _person("consultora", TravelerProfile.Kind.CONSULTANT, dt.date(2019, 5, 2))
    out = StringIO()
    call_command("apply_retention", "--date", "2026-01-05", "--dry-run", stdout=out)
    consultant.refresh_from_db()
    assert consultant.first_name and f"auth.user:{consultant.pk}" in out.getvalue()


def test_r_t3_an_erasure_is_logged_outside_the_database_and_replayed_after_a_restore(
    db, traveler, django_capture_on_commit_callbacks
):
    name = traveler.first_name
    with django_capture_on_commit_callbacks(execute=True):
        anonymize_subject(traveler)
    log = Path(settings.PRIVACY_ERASURE_LOG)
    [entry] = [json.loads(line) for line in log.read_text().splitlines()]
    assert entry["user"] == traveler.pk and name not in log.read_text()
    # The backup was taken before the erasure: the restore brings the person back…
    User = get_user_model()
    User.objects.filter(pk=traveler.pk).update(
        username="lucia", first_name=name, email="lucia@example.org", is_active=True
    )
    TravelerProfile.objects.filter(user=traveler).update(document_number="40000001")
    out = StringIO()
    call_command("replay_erasures", stdout=out)  # what scripts/restore.sh runs
    traveler.refresh_from_db()
    assert traveler.first_name == "" and traveler.username == f"anonimo-{traveler.pk}"
    assert traveler.traveler_profile.document_number == "—"
    assert "1 erasure(s) replayed" in out.getvalue()
    # …and replaying again changes nothing (idempotent).
    assert erasures_replay() == []


def test_r_t3_restore_script_replays_the_erasures():
    script = (Path(settings.BASE_DIR) / "scripts" / "restore.sh").read_text()
    assert script.index("pg_restore") < script.index("replay_erasures")
