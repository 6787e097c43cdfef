"""R-T1: every table of personal data has a retention rule: the acknowledgements of the privacy
notice (with their IP address and user agent) and django-axes' login log; and anonymizing a
person clears the network traces of the acknowledgements (R-T4)."""

import datetime as dt
from io import StringIO

import pytest
from axes.models import AccessLog
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from privacy import services, subjects
from privacy.models import (
    ArcoRequest,
    NoticeAcknowledgement,
    PrivacyNotice,
    RetentionAction,
    RetentionPolicy,
)
from tests.privacy.helpers import file_on, link_verified

D = dt.date


def _at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _run(day: dt.date) -> str:
    out = StringIO()
    call_command("apply_retention", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_r_t1_shipped_policies_for_notice_acknowledgements_login_log_and_cancelaciones():
    policies = {p.category: p for p in RetentionPolicy.objects.all()}
    acks = policies["privacy.notice_acknowledgements"]
    assert (acks.period_years, acks.start_event, acks.action) == (5, "notice_superseded", "delete")
    logins = policies["viaticos.login_log"]
    assert (logins.period_years, logins.start_event, logins.action) == (2, "recorded", "delete")
    blocked = policies["privacy.blocked_cancellations"]
    assert (blocked.period_years, blocked.start_event, blocked.action) == (
        0,
        "blocked",
        "anonymize",
    )
    assert all(p.legal_basis for p in (acks, logins, blocked))


@pytest.fixture
def notices(privacy_officer):
    first = PrivacyNotice.objects.get()  # 1.0, in force since 1 Jan 2026
    second = services.notice_publish(
        actor=privacy_officer,
        version="2.0",
        effective_on=D(2027, 3, 1),
        title_es="Aviso 2",
        text_es="Texto 2",
        title_en="Notice 2",
        text_en="Text 2",
    )
    return first, second


def _ack(user, notice, at):
    return NoticeAcknowledgement.objects.create(
        user=user,
        notice=notice,
        notice_hash=notice.content_hash,
        at=at,
        ip_address="10.9.9.9",
        user_agent="Mozilla/5.0 secreto",
    )


def test_r_t1_notice_acknowledgement_is_deleted_five_years_after_the_notice_is_replaced(
    traveler, notices
):
    first, second = notices
    old = _ack(traveler, first, _at(2026, 2, 1, 9))
    current = _ack(traveler, second, _at(2027, 3, 5, 9))
    _run(D(2032, 2, 29))
    assert NoticeAcknowledgement.objects.filter(pk=old.pk).exists()
    _run(D(2032, 3, 1))
    assert not NoticeAcknowledgement.objects.filter(pk=old.pk).exists()
    assert NoticeAcknowledgement.objects.filter(pk=current.pk).exists()  # in force: kept
    action = RetentionAction.objects.get(record_key=f"privacy.noticeack:{old.pk}")
    assert action.action == "delete" and action.policy.category == "privacy.notice_acknowledgements"
    assert "0 action(s)" in _run(D(2040, 1, 1))  # the current notice's is never due


def test_r_t1_notice_acknowledgement_of_a_person_under_a_hold_is_blocked(
    traveler, notices, privacy_officer
):
    from privacy.models import BlockedRecord, LegalHold

    first, _second = notices
    old = _ack(traveler, first, _at(2026, 2, 1, 9))
    LegalHold.objects.create(
        subject=traveler, reason="litigation", description="Juicio", started_on=D(2030, 1, 1)
    )
    _run(D(2032, 3, 1))
    assert NoticeAcknowledgement.objects.filter(pk=old.pk).exists()
    assert BlockedRecord.objects.filter(key=f"privacy.noticeack:{old.pk}").exists()


def test_r_a8_cancelacion_clears_ip_and_user_agent_of_notice_acknowledgements(
    db, api_client, monkeypatch, privacy_officer, traveler
):
    ack = _ack(traveler, PrivacyNotice.objects.get(), _at(2026, 2, 1, 9))
    code = file_on(api_client, monkeypatch, D(2026, 3, 30), right="cancelacion").json()[
        "tracking_code"
    ]
    request = ArcoRequest.objects.get(tracking_code=code)
    link_verified(request, privacy_officer, traveler)
    result = subjects.subject_cancel(
        actor=privacy_officer, request_id=request.pk, today=D(2026, 4, 1)
    )
    assert result["anonymized"] is True
    ack.refresh_from_db()
    assert ack.ip_address is None and ack.user_agent == ""
    assert ack.notice_hash  # the evidence that the notice was shown stays


def _login(username: str, at: dt.datetime) -> AccessLog:
    row = AccessLog.objects.create(
        username=username, ip_address="10.1.2.3", user_agent="Mozilla/5.0", path_info="/login/"
    )
    AccessLog.objects.filter(pk=row.pk).update(attempt_time=at)  # auto_now_add
    return row


@pytest.mark.django_db
def test_r_t1_login_log_is_deleted_two_years_after_on_the_local_date():
    # 22:00 in Lima on 1 Mar 2024 is 2 Mar in UTC: the local date starts the clock.
    old = _login("lucia", _at(2024, 3, 1, 22))
    recent = _login("rosa", _at(2025, 3, 1, 9))
    _run(D(2026, 2, 28))
    assert AccessLog.objects.filter(pk=old.pk).exists()
    _run(D(2026, 3, 1))
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=recent.pk).exists()
    assert RetentionAction.objects.filter(
        record_key=f"axes.accesslog:{old.pk}", action="delete"
    ).exists()


def test_failed_login_attempts_are_short_lived_by_axes_itself():
    """django-axes deletes its AccessAttempt rows (username, IP, user agent) after the cool-off
    and on a successful login; its failure log is off. Only the login log needs a rule."""
    assert settings.AXES_COOLOFF_TIME and settings.AXES_RESET_ON_SUCCESS
    assert not getattr(settings, "AXES_ENABLE_ACCESS_FAILURE_LOG", False)
