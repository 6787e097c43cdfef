"""R-T3, R-A8 (issue 25): erasures survive a restore from backup.

A backup taken before a person was erased would bring them back when restored. Every erasure
of a person is therefore also appended to a log kept outside the database
(`PRIVACY_ERASURE_LOG`, one JSON line each: the user id, the scope and the date; no personal
data), and `manage.py replay_erasures`, which scripts/restore.sh runs after every restore,
erases again whoever the restored database still holds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from viaticos.rules_registry import enforces

SUBJECT = "subject"  # a cancelación: every app's data of the person (registry.anonymize_subject)
IDENTITY = "identity"  # the retention of travelers' identity data (declarations.anonymize_user)


def erasure_log_path() -> Path:
    return Path(
        getattr(settings, "PRIVACY_ERASURE_LOG", "") or settings.BASE_DIR / "var" / "erasures.jsonl"
    )


@enforces("R-T3")
def erasure_record(*, user_id: int, scope: str) -> None:
    """Append the erasure to the log once the transaction that erased commits (fsync'd: the
    log is what a restore relies on)."""

    def write():
        path = erasure_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"user": user_id, "scope": scope, "at": timezone.now().isoformat()})
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    transaction.on_commit(write)


def _logged(path: Path) -> list[dict]:
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the erasure was logged again, or is in the DB
        if isinstance(entry, dict) and isinstance(entry.get("user"), int):
            entries.append(entry)
    return entries


def _erased(user) -> bool:
    return user.username == f"anonimo-{user.pk}" and not user.first_name and not user.email


@enforces("R-T3", "R-A8")
def erasures_replay(*, path: Path | None = None, dry_run: bool = False) -> list[tuple[int, str]]:
    """Erase again everyone in the log that the (restored) database still identifies; idempotent
    (an erased person is skipped). Returns (user id, scope) of those erased again."""
    from privacy.declarations import anonymize_user
    from privacy.registry import anonymize_subject

    User = get_user_model()
    done: list[tuple[int, str]] = []
    for entry in _logged(path or erasure_log_path()):
        user = User.objects.filter(pk=entry["user"]).first()
        if user is None or _erased(user):
            continue
        scope = entry.get("scope", SUBJECT)
        done.append((user.pk, scope))
        if dry_run:
            continue
        with transaction.atomic():
            if scope == IDENTITY:
                anonymize_user(user)
            else:
                anonymize_subject(user)
    return done
