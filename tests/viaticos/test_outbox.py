"""Issue 21: the durable outbox (viaticos.outbox): written with the change, delivered after
commit, retried with exponential backoff, undeliverable messages shown to the administrators
and queued again by them."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tests.factories import UserFactory
from viaticos import outbox
from viaticos.models import OutboxMessage
from viaticos.roles import Role

SMTP_DOWN = "tests.mail_backends.SmtpDownBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def queue(**extra):
    fields = {"kind": "test.note", "subject": "Hola", "body": "Cuerpo", "to": ["a@example.org"]}
    return outbox.enqueue(**{**fields, **extra})


def test_a_message_is_written_with_the_change_and_delivered_after_commit(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(cc=["b@example.org"])
        assert mail.outbox == []  # nothing leaves before the commit
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.sent_at
    assert [(m.subject, m.to, m.cc) for m in mail.outbox] == [
        ("Hola", ["a@example.org"], ["b@example.org"])
    ]


def test_nothing_is_written_when_the_change_rolls_back(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_a_message_without_address_is_not_written(db):
    assert queue(to=[""]) is None
    assert not OutboxMessage.objects.exists()


def test_backoff_doubles_from_one_minute_up_to_six_hours(settings):
    settings.VIATICOS_OUTBOX_BACKOFF_SECONDS = 60
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.backoff(30) == dt.timedelta(hours=6)


def test_failures_are_retried_with_backoff_then_marked_undeliverable(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.VIATICOS_OUTBOX_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    first_wait = message.next_attempt_at
    assert message.attempts == 1 and message.status == OutboxMessage.Status.QUEUED
    # Not due: the sweep leaves it alone.
    assert outbox.deliver(message.pk) is None
    later = first_wait + dt.timedelta(seconds=1)
    assert outbox.deliver(message.pk, now=later) is False
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - later == dt.timedelta(seconds=120)
    assert outbox.deliver(message.pk, now=message.next_attempt_at) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error.startswith("ConnectionRefusedError")
    # Undeliverable: no sweep tries again by itself.
    assert outbox.deliver(message.pk, now=later + dt.timedelta(days=1)) is None


def test_a_builder_that_fails_is_an_attempt_that_failed(db, settings):
    settings.EMAIL_BACKEND = LOCMEM

    def broken(pk):
        raise ValueError("cannot render")

    outbox.register_builder("test.broken", broken)
    message = queue(attachments=[outbox.built_files("test.broken", 1)])
    assert outbox.deliver(message.pk) is False
    message.refresh_from_db()
    assert "cannot render" in message.last_error and mail.outbox == []


def test_attachments_are_built_at_delivery_or_read_from_storage(db, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.EMAIL_BACKEND = LOCMEM
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("outbox-test/carta.pdf", ContentFile(b"%PDF stored"))
    outbox.register_builder("test.built", lambda pk: [(f"n-{pk}.txt", b"built", "text/plain")])
    message = queue(
        attachments=[
            outbox.built_files("test.built", 7),
            outbox.stored_file(name, "carta.pdf", "application/pdf"),
        ]
    )
    assert outbox.deliver(message.pk) is True
    assert [tuple(a) for a in mail.outbox[0].attachments] == [
        ("n-7.txt", "built", "text/plain"),
        ("carta.pdf", b"%PDF stored", "application/pdf"),
    ]


def test_deliver_outbox_command_sends_what_is_due_and_forgets_old_sent_ones(db, settings):
    settings.EMAIL_BACKEND = LOCMEM
    due = queue()
    old = queue(subject="Antiguo")
    OutboxMessage.objects.filter(pk=old.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now() - dt.timedelta(days=40)
    )
    call_command("deliver_outbox")
    due.refresh_from_db()
    assert due.status == OutboxMessage.Status.SENT
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    assert len(mail.outbox) == 1


def test_enqueue_many_delivers_a_batch_over_one_connection(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        rows = outbox.enqueue_many(
            [
                {"kind": "test.many", "subject": f"S{i}", "body": "b", "to": [f"p{i}@e.org"]}
                for i in range(3)
            ]
        )
    assert len(rows) == 3
    assert sorted(m.subject for m in mail.outbox) == ["S0", "S1", "S2"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


@pytest.fixture
def failed_message(db, settings):
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.VIATICOS_OUTBOX_MAX_ATTEMPTS = 1
    message = queue(subject="Misión ABC autorizada")
    outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    return message


def test_administrators_see_undeliverable_messages_with_the_error_and_retry_them(
    failed_message, client, settings, django_capture_on_commit_callbacks
):
    administrator = UserFactory(username="admin1", roles=[Role.GENERAL_ADMINISTRATOR])
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    page = client.get("/admin/viaticos/outboxmessage/?status__exact=failed")
    assert page.status_code == 200
    assert "Misión ABC autorizada" in page.content.decode()
    assert "Connection refused" in page.content.decode()
    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/viaticos/outboxmessage/",
            {"action": "retry", "_selected_action": [failed_message.pk]},
        )
    assert response.status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxMessage.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Misión ABC autorizada"]


def test_the_auditor_sees_the_outbox_but_cannot_retry(failed_message, client):
    auditor = UserFactory(username="aud", roles=[Role.AUDITOR])
    auditor.is_staff = True
    auditor.save()
    client.force_login(auditor)
    page = client.get("/admin/viaticos/outboxmessage/")
    assert page.status_code == 200
    assert 'value="retry"' not in page.content.decode()
    client.post(
        "/admin/viaticos/outboxmessage/",
        {"action": "retry", "_selected_action": [failed_message.pk]},
    )
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxMessage.Status.FAILED
