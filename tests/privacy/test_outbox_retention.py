"""Issue 21: the outbox holds names, addresses and texts of e-mails, so it is declared to
privacy with its retention (R-T1): a message that went out, or could not be delivered, is
deleted VIATICOS_OUTBOX_KEEP_DAYS days later by apply_retention; one still waiting never."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from privacy.registry import categories
from viaticos.models import OutboxMessage

S = OutboxMessage.Status


def _message(status, *, days_ago, **fields):
    at = timezone.now() - dt.timedelta(days=days_ago)
    return OutboxMessage.objects.create(
        kind="test.retention",
        subject="Aviso",
        body="Hola Lucía",
        from_email="no-reply@example.org",
        to=["lucia@example.org"],
        status=status,
        created_at=at,
        sent_at=at if status == S.SENT else None,
        **fields,
    )


def test_the_outbox_is_declared_to_privacy_with_its_retention(db):
    outbox = categories()["viaticos.outbox"]
    assert outbox.action == "delete" and outbox.period_years == 0
    assert "VIATICOS_OUTBOX_KEEP_DAYS" in str(outbox.label)


def test_apply_retention_deletes_old_sent_and_undeliverable_messages_only(db, settings):
    settings.VIATICOS_OUTBOX_KEEP_DAYS = 30
    old_sent = _message(S.SENT, days_ago=40)
    old_failed = _message(S.FAILED, days_ago=40, last_error="SMTP down")
    recent_sent = _message(S.SENT, days_ago=5)
    waiting = _message(S.QUEUED, days_ago=40)  # still to be delivered: never deleted

    call_command("apply_retention", "--date", timezone.localdate().isoformat(), verbosity=0)

    left = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert left == {recent_sent.pk, waiting.pk}
    assert old_sent.pk not in left and old_failed.pk not in left
