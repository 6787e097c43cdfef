"""The durable outbox: every e-mail is a row written in the transaction of the change that
causes it, and delivered after commit by a task (viaticos.tasks.deliver_outbox_message).

A delivery that fails (SMTP down, a PDF that cannot be built) is retried with exponential
backoff; after `VIATICOS_OUTBOX_MAX_ATTEMPTS` the message is marked undeliverable, kept with its
error for the administrators (admin: *Outgoing e-mails*), who can queue it again. The person
whose action caused the e-mail never sees a delivery failure.

Apps register two kinds of hooks here, so that this module imports no app:
- attachment builders (`register_builder`): a name and a function of JSON arguments returning
  `[(filename, content, mimetype)]`, called at delivery, idempotent;
- result handlers (`register_result_handler`): called with the message and whether it went
  out, in the delivery's transaction (the ARCO delivery log, R-A6).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from viaticos import crypto
from viaticos.models import OutboxMessage

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)

Builder = Callable[..., list[tuple[str, bytes, str]]]
_builders: dict[str, Builder] = {}
_result_handlers: dict[str, Callable[[OutboxMessage, bool], None]] = {}


def register_builder(name: str, builder: Builder) -> None:
    _builders[name] = builder


def register_result_handler(kind: str, handler: Callable[[OutboxMessage, bool], None]) -> None:
    _result_handlers[kind] = handler


def build(name: str, *args: Any) -> list[tuple[str, bytes, str]]:
    return _builders[name](*args)


def stored_file(storage_name: str, filename: str, mimetype: str) -> dict[str, Any]:
    return {"storage_name": storage_name, "filename": filename, "mimetype": mimetype}


def built_files(builder: str, *args: Any) -> dict[str, Any]:
    if builder not in _builders:
        raise ValueError(f"no outbox attachment builder named {builder!r}")
    return {"builder": builder, "args": list(args)}


def max_attempts() -> int:
    return getattr(settings, "VIATICOS_OUTBOX_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4, 8… minutes, at most six hours."""
    base = getattr(settings, "VIATICOS_OUTBOX_BACKOFF_SECONDS", 60)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _message(
    *,
    kind: str,
    subject: str,
    body: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    attachments: Iterable[dict[str, Any]] = (),
    from_email: str | None = None,
    ref: str = "",
) -> OutboxMessage | None:
    to = [address for address in to if address]
    cc = [address for address in cc if address]
    if not to and not cc:
        return None
    return OutboxMessage(
        kind=kind,
        ref=str(ref),
        subject=" ".join(subject.split())[:300],
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to or cc,
        cc=cc if to else [],
        attachments=list(attachments),
    )


def enqueue(**fields: Any) -> OutboxMessage | None:
    """Write the message in the current transaction; its delivery starts after commit. A
    message without any address is not written (None). Fields: kind, subject, body, to, cc,
    attachments, from_email, ref."""
    message = _message(**fields)
    if message is None:
        return None
    message.save()
    from viaticos.tasks import deliver_outbox_message, run_after_commit

    run_after_commit(deliver_outbox_message, message.pk)
    return message


def enqueue_many(messages: Iterable[dict[str, Any]]) -> list[OutboxMessage]:
    """Many messages in one insert, delivered after commit over one connection (the daily
    deadline run writes thousands)."""
    rows = [m for m in (_message(**fields) for fields in messages) if m is not None]
    if not rows:
        return []
    rows = OutboxMessage.objects.bulk_create(rows)
    from viaticos.tasks import deliver_outbox_batch, run_after_commit

    ids = [row.pk for row in rows]
    for start in range(0, len(ids), BATCH):
        run_after_commit(deliver_outbox_batch, ids[start : start + BATCH])
    return rows


BATCH = 200


def email_fields(email: EmailMessage) -> dict[str, Any]:
    """The fields of `enqueue` from an EmailMessage built by the caller (text, no files)."""
    return {
        "subject": email.subject,
        "body": email.body,
        "to": email.to,
        "cc": email.cc,
        "from_email": email.from_email,
    }


def _files(message: OutboxMessage) -> list[tuple[str, bytes, str]]:
    files = []
    for spec in message.attachments:
        if "builder" in spec:
            files.extend(_builders[spec["builder"]](*spec.get("args", [])))
        else:
            # Files written encrypted (identity copies, viaticos.crypto) go out decrypted.
            content = crypto.read_bytes(spec["storage_name"])
            files.append((spec["filename"], content, spec["mimetype"]))
    return files


def deliver(
    message_id: int, *, now: dt.datetime | None = None, connection: BaseEmailBackend | None = None
) -> bool | None:
    """Try to send one message that is due. True when sent, False when the attempt failed,
    None when there was nothing to do (already sent, undeliverable, not yet due, or being
    delivered by another worker: the row lock is skipped, so it is never sent twice at once)."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                status=OutboxMessage.Status.QUEUED,
                next_attempt_at__lte=now,
            )
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            # Builders may store what they render (the ARCO letter): kept, even if SMTP then
            # fails, so that the next attempt reuses it; a builder that fails leaves nothing.
            with transaction.atomic():
                files = _files(message)
            email = EmailMessage(
                message.subject,
                message.body,
                message.from_email,
                message.to,
                cc=message.cc,
                connection=connection,
            )
            for name, content, mimetype in files:
                email.attach(name, content, mimetype)
            email.send()
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= max_attempts():
                message.status = OutboxMessage.Status.FAILED
                log.error("outbox message %s undeliverable: %s", message.pk, message.last_error)
            else:
                message.next_attempt_at = now + backoff(message.attempts)
                log.warning(
                    "outbox message %s not sent (attempt %s): %s",
                    message.pk,
                    message.attempts,
                    message.last_error,
                )
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            if message.status == OutboxMessage.Status.FAILED:
                _report(message, sent=False)
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        _report(message, sent=True)
        return True


def _report(message: OutboxMessage, *, sent: bool) -> None:
    handler = _result_handlers.get(message.kind)
    if handler:
        handler(message, sent)


def deliver_batch(message_ids: Sequence[int]) -> dict[str, int]:
    """Deliver several messages over one SMTP connection."""
    counts = {"sent": 0, "failed": 0}
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        log.warning("mail server unreachable: each message tries on its own", exc_info=True)
        connection = None
    try:
        for pk in message_ids:
            result = deliver(pk, connection=connection)
            if result is True:
                counts["sent"] += 1
            elif result is False:
                counts["failed"] += 1
    finally:
        if connection is not None:
            connection.close()
    return counts


def due_ids(
    *, now: dt.datetime | None = None, limit: int = 500, kinds: Sequence[str] = ()
) -> list[int]:
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
    )
    if kinds:
        due = due.filter(kind__in=kinds)
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def deliver_due(
    *, now: dt.datetime | None = None, limit: int = 500, kinds: Sequence[str] = ()
) -> dict[str, int]:
    """Deliver every message that is due (the periodic sweep and `manage.py deliver_outbox`)."""
    return deliver_batch(due_ids(now=now, limit=limit, kinds=kinds))


@transaction.atomic
def outbox_retry(*, actor: User, message_ids: Sequence[int]) -> int:
    """Queue undeliverable messages again, with a fresh set of attempts (admin action)."""
    messages = list(
        OutboxMessage.objects.select_for_update().filter(
            pk__in=message_ids, status=OutboxMessage.Status.FAILED
        )
    )
    from viaticos.tasks import deliver_outbox_message, run_after_commit

    for message in messages:
        message.status = OutboxMessage.Status.QUEUED
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        _report_requeued(message)
        run_after_commit(deliver_outbox_message, message.pk)
    log.info("%s requeued %s outbox messages", getattr(actor, "pk", None), len(messages))
    return len(messages)


_requeue_handlers: dict[str, Callable[[OutboxMessage], None]] = {}


def register_requeue_handler(kind: str, handler: Callable[[OutboxMessage], None]) -> None:
    _requeue_handlers[kind] = handler


def _report_requeued(message: OutboxMessage) -> None:
    handler = _requeue_handlers.get(message.kind)
    if handler:
        handler(message)


def purge_sent(*, before: dt.datetime) -> int:
    """Sent messages hold names and addresses: they are kept only as long as needed to show
    that they went out (VIATICOS_OUTBOX_KEEP_DAYS)."""
    deleted, _ = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=before
    ).delete()
    return deleted
