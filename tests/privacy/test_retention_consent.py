"""R-T1 consent evidence (in force plus 5 years) cycle after cycle, and the clocks of the consent
and access-log categories on the local date (the duty station's, America/Lima)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from privacy import retention
from privacy.models import AccessLogEntry, ConsentEvent, PrivacyNotice, Purpose, RetentionAction
from privacy.registry import categories

D = dt.date


def _at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))  # the local time zone (America/Lima)


@pytest.fixture
def consent(traveler):
    notice = PrivacyNotice.objects.get()
    purpose = Purpose.objects.get(code="comunicaciones")

    def record(decision: str, at: dt.datetime, ip: str = "10.0.0.1") -> ConsentEvent:
        return ConsentEvent.objects.create(
            user=traveler,
            purpose=purpose,
            decision=decision,
            notice=notice,
            notice_hash=notice.content_hash,
            at=at,
            channel="web",
            ip_address=ip,
            user_agent="UA",
        )

    return record


def _run(day: dt.date) -> None:
    call_command("apply_retention", "--date", day.isoformat(), stdout=StringIO())


def test_r_t1_consent_given_again_after_a_first_deletion_is_deleted_five_years_after_its_end(
    consent, traveler
):
    consent("given", _at(2026, 1, 10, 10))
    consent("revoked", _at(2026, 2, 10, 10))
    _run(D(2031, 2, 10))
    assert not ConsentEvent.objects.filter(user=traveler).exists()

    consent("given", _at(2031, 3, 1, 10), ip="10.0.0.2")
    consent("revoked", _at(2031, 4, 1, 10), ip="10.0.0.2")
    _run(D(2036, 3, 31))
    assert ConsentEvent.objects.filter(user=traveler).count() == 2  # in force + 5 years: kept
    _run(D(2036, 4, 1))
    assert not ConsentEvent.objects.filter(user=traveler).exists()
    keys = RetentionAction.objects.filter(
        policy__category="privacy.consent_evidence", action="delete"
    ).values_list("record_key", "run_date")
    assert sorted(d for _k, d in keys) == [D(2031, 2, 10), D(2036, 4, 1)]
    assert len({k for k, _d in keys}) == 2


def test_r_t1_consent_in_force_again_is_not_deleted(consent, traveler):
    consent("given", _at(2026, 1, 10, 10))
    consent("revoked", _at(2026, 2, 10, 10))
    _run(D(2031, 2, 10))
    consent("given", _at(2031, 3, 1, 10))
    _run(D(2040, 1, 1))
    assert ConsentEvent.objects.filter(user=traveler).count() == 1


def test_r_t1_consent_clock_starts_on_the_local_date(consent):
    # 22:00 in Lima on 10 Feb is already 11 Feb in UTC: the clock starts on 10 Feb.
    consent("given", _at(2026, 1, 10, 10))
    consent("revoked", _at(2026, 2, 10, 22))
    due = [s.key for s in retention.plan_retention(today=D(2031, 2, 10))]
    assert any(k.startswith("privacy.consent:") for k in due), due
    starts = [c.clock_start for c in categories()["privacy.consent_evidence"].candidates()]
    assert starts == [D(2026, 2, 10)]


def test_r_t1_access_log_clock_starts_on_the_local_date(privacy_officer):
    entry = AccessLogEntry.objects.create(
        actor=privacy_officer, subject_label="X", what="test", at=_at(2024, 3, 1, 22)
    )
    key = f"privacy.accesslog:{entry.pk}"
    assert key in [s.key for s in retention.plan_retention(today=D(2026, 3, 1))]
    assert key not in [s.key for s in retention.plan_retention(today=D(2026, 2, 28))]
    starts = [c.clock_start for c in categories()["privacy.access_log"].candidates()]
    assert starts == [D(2024, 3, 1)]
