"""Stored files and the rows that reference them.

Writing: `save_file` removes what it wrote if the write fails half-way (a full disk leaves no
truncated receipt behind); services write their files before their rows inside a transaction
and delete them again if the transaction fails (settlements._files, privacy arco_request_file).

Sweeping: each app registers the columns that hold storage names (`register_file_field`, from
its AppConfig.ready); `sweep_orphans`, run by `apply_retention`, deletes the files that no row
references, e.g. copies left by a worker killed between writing a file and committing its row,
which retention and anonymization would otherwise never find. Files younger than
VIATICOS_ORPHAN_GRACE_HOURS are left alone: their row may not be committed yet.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from viaticos.errors import CommonError

if TYPE_CHECKING:
    from viaticos.errors import ServiceUnavailable


log = logging.getLogger(__name__)

FILE_FIELDS: set[tuple[str, str]] = set()
PREFIXES: set[str] = set()


def register_file_field(model_label: str, field: str, *, prefix: str) -> None:
    """Declare that `model_label.field` holds storage names, all under the folder `prefix`
    (e.g. "settlements.Document", "file", prefix="settlements"). The sweep looks only in
    registered folders: a file of anything else under MEDIA_ROOT is never touched."""
    FILE_FIELDS.add((model_label, field))
    PREFIXES.add(prefix.strip("/"))


def save_file(name: str, content: bytes) -> str:
    """Write `content` under `name` (or the free name storage picks); nothing is left if the
    write fails. A storage that does not answer (disk full or read-only, the object store down
    or its bucket gone) raises `ServiceUnavailable` with a message for the user, so that the
    upload is refused cleanly (the caller's transaction rolls back) instead of a server error."""
    try:
        return default_storage.save(name, ContentFile(content))
    except Exception as exc:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except Exception:  # pragma: no cover - best effort on a failing storage
            log.warning("could not remove the partial file %s", name)
        log.error("file storage refused %s: %s: %s", name, type(exc).__name__, exc)
        raise storage_unavailable() from exc
    except BaseException:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except Exception:  # pragma: no cover - best effort on a failing disk
            log.warning("could not remove the partial file %s", name)
        raise


def storage_unavailable() -> ServiceUnavailable:
    from django.utils.translation import gettext as _

    from viaticos.errors import ServiceUnavailable

    return ServiceUnavailable(
        CommonError.STORAGE_UNAVAILABLE,
        _(
            "The file could not be saved: the file storage is not answering. Nothing was "
            "saved; try again in a few minutes."
        ),
    )


def referenced_names() -> set[str]:
    """Every registered column's names, in one query (a UNION of the columns)."""
    queries = []
    for label, field in sorted(FILE_FIELDS):
        model = apps.get_model(label)
        queries.append(
            model._base_manager.exclude(**{field: ""}).values_list(field, flat=True).order_by()
        )
    if not queries:
        return set()
    first, *rest = queries
    return set(first.union(*rest, all=True)) if rest else set(first)


def _walk(directory: str = "") -> Iterator[str]:
    folders, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from _walk(f"{directory}/{folder}" if directory else folder)


def orphan_files(*, now: dt.datetime) -> list[str]:
    """Stored files no registered column references, older than the grace period."""
    stored: list[str] = []
    for prefix in sorted(PREFIXES):
        try:
            stored.extend(_walk(prefix))
        except FileNotFoundError:  # nothing stored there yet
            continue
    if not stored:
        return []
    keep = referenced_names()
    cutoff = now - dt.timedelta(hours=settings.VIATICOS_ORPHAN_GRACE_HOURS)
    orphans = []
    for name in stored:
        if name in keep:
            continue
        try:
            if default_storage.get_modified_time(name) > cutoff:
                continue
        except (OSError, NotImplementedError):
            continue
        orphans.append(name)
    return sorted(orphans)


def sweep_orphans(*, now: dt.datetime, dry_run: bool = False) -> list[str]:
    """Delete (or, dry run, only list) the orphan files; each one is logged."""
    orphans = orphan_files(now=now)
    for name in orphans:
        if dry_run:
            log.info("orphan file (dry run, kept): %s", name)
            continue
        default_storage.delete(name)
        log.warning("orphan file removed (no row referenced it): %s", name)
    return orphans
