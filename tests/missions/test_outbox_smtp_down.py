"""Issue 21: with the mail server down, the traveler's and the approvers' actions succeed; the
e-mails wait in the outbox and are delivered once when it is back."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from missions.models import Mission
from viaticos.models import OutboxMessage

SMTP_DOWN = "tests.mail_backends.SmtpDownBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def api_as(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def test_submitting_with_smtp_down_answers_success_and_the_email_waits_in_the_outbox(
    make_mission, traveler, coordinator, api_as, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = SMTP_DOWN
    mission = make_mission()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(traveler).post(f"/api/v1/missions/{mission.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    mission.refresh_from_db()
    assert mission.status == Mission.Status.SUBMITTED
    queued = OutboxMessage.objects.get(to=[coordinator.email])
    assert queued.kind == "missions.mission_submitted"
    assert queued.status == OutboxMessage.Status.QUEUED
    assert queued.attempts == 1
    assert "Connection refused" in queued.last_error
    assert queued.next_attempt_at > timezone.now()

    # The server is back: the sweep after the backoff delivers each message exactly once.
    settings.EMAIL_BACKEND = LOCMEM
    call_command("deliver_outbox")  # not due yet: nothing sent
    assert mail.outbox == []
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("deliver_outbox")
    call_command("deliver_outbox")
    assert [m.to for m in mail.outbox].count([coordinator.email]) == 1
    queued.refresh_from_db()
    assert queued.status == OutboxMessage.Status.SENT
    assert queued.attempts == 2 and queued.last_error == ""


def test_final_authorization_in_the_browser_with_smtp_down_redirects(
    make_mission,
    traveler,
    coordinator,
    executive_secretary,
    client,
    settings,
    django_capture_on_commit_callbacks,
):
    from missions import services

    mission = make_mission()
    services.mission_submit(actor=traveler, mission=mission)
    settings.EMAIL_BACKEND = SMTP_DOWN
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/misiones/{mission.pk}/authorize/", {"comment": ""})
    assert response.status_code == 302
    client.force_login(executive_secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/misiones/{mission.pk}/authorize/", {"comment": ""})
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AUTHORIZED
    authorized = OutboxMessage.objects.get(kind="missions.mission_authorized")
    assert authorized.to == [traveler.email]
    assert authorized.status == OutboxMessage.Status.QUEUED and authorized.attempts == 1


def test_no_email_is_queued_when_the_action_is_refused(make_mission, traveler, api_as):
    mission = make_mission()
    api = api_as(traveler)
    assert api.post(f"/api/v1/missions/{mission.pk}/submit/").status_code == 200
    count = OutboxMessage.objects.count()
    response = api.post(f"/api/v1/missions/{mission.pk}/submit/")
    assert response.status_code == 400
    assert OutboxMessage.objects.count() == count


def test_broker_down_submitting_is_saved_and_the_email_runs_when_it_is_back(
    make_mission,
    traveler,
    coordinator,
    api_as,
    settings,
    broker,
    django_capture_on_commit_callbacks,
):
    from viaticos import tasks

    settings.EMAIL_BACKEND = LOCMEM
    broker("redis://127.0.0.1:1/0")  # nothing listens there
    mission = make_mission()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(traveler).post(f"/api/v1/missions/{mission.pk}/submit/")
    assert response.status_code == 200
    mission.refresh_from_db()
    assert mission.status == Mission.Status.SUBMITTED
    waiting = OutboxMessage.objects.get(to=[coordinator.email])
    assert waiting.status == OutboxMessage.Status.QUEUED and waiting.attempts == 0
    assert mail.outbox == []
    tasks.deliver_outbox_due.apply()  # the broker is back: beat's sweep
    waiting.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox].count([coordinator.email]) == 1
