"""R-T3, R-A8 (issue 25): erasures survive a restore from backup.

A backup taken before data was erased would bring it back when restored. Every erasure is
therefore also appended to a log kept outside the database (`PRIVACY_ERASURE_LOG`, one JSON line
each: ids, keys, scope and date; no personal data), and `manage.py replay_erasures`, which
scripts/restore.sh runs after every restore, erases again what the restored database still
holds. What is logged:

- `subject`: a whole person (a cancelación, registry.anonymize_subject);
- `identity`: a traveler's identity data (older logs; now written as `records`);
- `records`: the final action of a retention category on one record (a person's consent
  evidence, their dependants, an ARCO file, their identity data...), replayed through the
  category's own `apply`, and recorded again in the retention log;
- `identity_copies`: the copies of the identity document of an ARCO requester, purged once the
  identity was verified;
- `deleted`: one record removed at the person's request (a dependant removed by the traveler).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from viaticos.rules_registry import enforces

SUBJECT = "subject"  # a cancelación: every app's data of the person (registry.anonymize_subject)
IDENTITY = "identity"  # the retention of travelers' identity data (declarations.anonymize_user)
RECORDS = "records"  # a retention category's final action on one record
IDENTITY_COPIES = "identity_copies"  # an ARCO requester's identity copies, once verified
DELETED = "deleted"  # one record deleted at the person's request

# While the log is replayed, the erasures it repeats are not logged a second time.
_replaying: contextvars.ContextVar[bool] = contextvars.ContextVar("replaying", default=False)


def erasure_log_path() -> Path:
    return Path(
        getattr(settings, "PRIVACY_ERASURE_LOG", "") or settings.BASE_DIR / "var" / "erasures.jsonl"
    )


@enforces("R-T3")
def erasure_record_many(entries: list[dict]) -> None:
    """Append the erasures to the log once the transaction that erased commits (one write,
    fsync'd: the log is what a restore relies on)."""
    if not entries or _replaying.get():
        return
    at = timezone.now().isoformat()
    lines = "".join(json.dumps({**entry, "at": at}) + "\n" for entry in entries)

    def write():
        path = erasure_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())

    transaction.on_commit(write)


def erasure_record(*, scope: str, user_id: int | None = None, **details) -> None:
    """Log one erasure: of a person (`user_id`, SUBJECT) or of some of their data (details)."""
    entry = {"scope": scope, **details}
    if user_id is not None:
        entry = {"user": user_id, **entry}
    erasure_record_many([entry])


def retention_entry(category: str, action: str, candidate) -> dict:
    """The `records` line of a retention category's final action on one record."""
    return {
        "scope": RECORDS,
        "category": category,
        "action": action,
        "key": candidate.key,
        "subject": candidate.subject_id,
        "clock_start": candidate.clock_start.isoformat(),
        "blocked_key": candidate.blocked_key,
    }


def _logged(path: Path) -> list[dict]:
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the erasure was logged again, or is in the DB
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("user"), int) or entry.get("scope") in _PARTIAL:
            entries.append(entry)
    return entries


def _erased(user) -> bool:
    return user.username == f"anonimo-{user.pk}" and not user.first_name and not user.email


def _replay_person(entry: dict, dry_run: bool) -> str | None:
    from privacy.declarations import anonymize_user
    from privacy.registry import anonymize_subject

    user = get_user_model().objects.filter(pk=entry["user"]).first()
    if user is None or _erased(user):
        return None
    if not dry_run:
        if entry.get("scope", SUBJECT) == IDENTITY:
            anonymize_user(user)
        else:
            anonymize_subject(user)
    return f"user {user.pk}"


def _replay_records(entry: dict, dry_run: bool) -> str | None:
    """A retention category's final action, again, unless the restored database's own retention
    log shows it done (the backup was taken after it)."""
    from privacy.models import RetentionAction, RetentionPolicy
    from privacy.registry import Candidate, category

    declared = category(entry.get("category", ""))
    policy = RetentionPolicy.objects.filter(category=entry.get("category", "")).first()
    if declared is None or declared.apply is None or policy is None:
        return None
    key, action = entry["key"], entry["action"]
    if RetentionAction.objects.filter(policy=policy, record_key=key, action=action).exists():
        return None
    if not dry_run:
        candidate = Candidate(
            key=key,
            subject_id=entry.get("subject"),
            clock_start=dt.date.fromisoformat(entry["clock_start"]),
            blocked_key=entry.get("blocked_key", ""),
        )
        detail = declared.apply(candidate, action)
        RetentionAction.objects.create(
            policy=policy,
            record_key=key,
            action=action,
            run_date=timezone.localdate(),
            detail=f"replayed after a restore: {detail}"[:300],
        )
    return key


def _replay_identity_copies(entry: dict, dry_run: bool) -> str | None:
    from privacy.models import ArcoAttachment
    from privacy.services import _delete_files

    copies = ArcoAttachment.objects.filter(
        request_id=entry.get("request"), kind=ArcoAttachment.Kind.IDENTITY
    )
    names = list(copies.values_list("storage_name", flat=True))
    if not names:
        return None
    if not dry_run:
        copies.delete()
        transaction.on_commit(lambda: _delete_files(names))
    return f"privacy.arcorequest:{entry['request']}"


def _replay_deleted(entry: dict, dry_run: bool) -> str | None:
    try:
        model = apps.get_model(entry.get("model", ""))
    except (LookupError, ValueError):
        return None
    if not model.objects.filter(pk=entry.get("pk")).exists():
        return None
    if not dry_run:
        model.objects.filter(pk=entry["pk"]).delete()
        history = getattr(model, "history", None)
        if history is not None:  # django-simple-history: the versions go too (after)
            history.filter(**{model._meta.pk.attname: entry["pk"]}).delete()
    return f"{model._meta.label_lower}:{entry['pk']}"


_PARTIAL = {
    RECORDS: _replay_records,
    IDENTITY_COPIES: _replay_identity_copies,
    DELETED: _replay_deleted,
}


@enforces("R-T3", "R-A8")
def erasures_replay(*, path: Path | None = None, dry_run: bool = False) -> list[tuple[str, str]]:
    """Erase again everything in the log that the (restored) database still holds; idempotent
    (what is already erased is skipped). Returns (what, scope) of what was erased again."""
    done: list[tuple[str, str]] = []
    token = _replaying.set(True)
    try:
        for entry in _logged(path or erasure_log_path()):
            scope = entry.get("scope", SUBJECT)
            replay = _PARTIAL.get(scope, _replay_person) if "user" not in entry else _replay_person
            with transaction.atomic():
                what = replay(entry, dry_run)
            if what is not None:
                done.append((what, scope))
    finally:
        _replaying.reset(token)
    return done
