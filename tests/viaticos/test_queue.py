"""Issue 21, SPEC §7: background work on Celery (CELERY_BROKER_URL) or in-process without it;
a broker that is down loses nothing; the daily jobs run one at a time."""

import json
import os
import socket
from urllib.parse import urlparse

import pytest
from django.core import mail

from viaticos import outbox, tasks
from viaticos.locks import single_run
from viaticos.models import OutboxMessage

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15").rsplit("/", 1)[0]
BROKER_URL = f"{REDIS_URL}/14"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def queue_one():
    return outbox.enqueue(kind="test.q", subject="Aviso", body="b", to=["x@example.org"])


def test_without_a_broker_tasks_run_in_process_after_commit(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = LOCMEM
    assert not settings.CELERY_BROKER_URL
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_one()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and len(mail.outbox) == 1


def test_broker_down_the_change_is_saved_and_the_outbox_keeps_the_work(
    db, settings, broker, client, django_capture_on_commit_callbacks
):
    """The request that saved the change answers; /readyz says not ready; when the broker is
    back the periodic sweep delivers what waited."""
    settings.EMAIL_BACKEND = LOCMEM
    broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_one()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED and message.attempts == 0
    assert mail.outbox == []
    assert client.get("/readyz").status_code == 503
    # The broker is back: beat's sweep (the same task, run here) delivers it.
    assert tasks.deliver_outbox_due.apply().get() == {"sent": 1, "failed": 0}
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and len(mail.outbox) == 1


def _redis_reachable() -> bool:
    parsed = urlparse(BROKER_URL)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2).close()
    except OSError:
        return False
    return True


def test_with_redis_the_task_is_published_with_its_id_and_the_request_id(
    db, settings, broker, client, django_capture_on_commit_callbacks
):
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"This test needs Redis at {BROKER_URL} and CI must run it.")
        pytest.skip(f"needs Redis at {BROKER_URL} (set REDIS_TEST_URL)")
    import redis

    r = redis.Redis.from_url(BROKER_URL)
    r.flushdb()
    broker(BROKER_URL)
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "media"
    assert client.get("/readyz").json()["checks"]["broker"] == "ok"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_one()
    raw = r.lpop("celery")
    assert raw, "the task was not published"
    envelope = json.loads(raw)
    assert envelope["headers"]["task"] == "viaticos.deliver_outbox_message"
    assert envelope["headers"]["argsrepr"] == f"({message.pk},)"  # an id, not an object
    assert "request_id" in envelope["headers"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED  # the worker will deliver it
    r.flushdb()


def test_daily_jobs_run_one_at_a_time(db, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "call_command", lambda name: calls.append(name))
    with single_run("apply_retention") as held:
        assert held
        with single_run("apply_retention") as second:
            assert not second
        assert tasks.run_daily_job.apply(args=["apply_retention"]).get() is False
    assert calls == []
    assert tasks.run_daily_job.apply(args=["apply_retention"]).get() is True
    assert calls == ["apply_retention"]


def test_daily_jobs_are_scheduled_by_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["enforce-deadlines"]["args"] == ["enforce_deadlines"]
    assert schedule["apply-retention"]["args"] == ["apply_retention"]
    assert schedule["fetch-exchange-rates"]["args"] == ["fetch_exchange_rates"]
    assert schedule["deliver-outbox"]["task"] == "viaticos.deliver_outbox_due"
    assert schedule["incident-alerts"]["args"] == ["incident_alerts"]  # R-S4, every hour
    assert set(tasks.DAILY_JOBS) == {
        "enforce_deadlines",
        "apply_retention",
        "fetch_exchange_rates",
        "incident_alerts",
    }


def test_every_daily_job_on_beat_is_a_command_run_under_the_lock(db, monkeypatch, settings):
    """The names beat sends are real management commands, each refused while it runs."""
    from django.core.management import get_commands

    daily = [e["args"][0] for e in settings.CELERY_BEAT_SCHEDULE.values() if e.get("args")]
    assert set(daily) == set(tasks.DAILY_JOBS)
    assert set(daily) <= set(get_commands())
    calls = []
    monkeypatch.setattr(tasks, "call_command", lambda name: calls.append(name))
    for name in daily:
        with single_run(name):
            assert tasks.run_daily_job.apply(args=[name]).get() is False
        assert tasks.run_daily_job.apply(args=[name]).get() is True
    assert calls == daily
