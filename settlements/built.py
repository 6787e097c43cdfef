"""The stamped bundle and the settlement report, built once and kept in storage.

Each stored PDF (BuiltDocument) carries the fingerprint of what it was built from: the stamped
copies and the lines for the bundle; the settlement, its lines, per-diem decisions and stamped
copies for the report. A download serves the stored file while its fingerprint is current and
builds (and stores) it again only when a stamp or a line changed. A task builds both ahead of
time, after a stamping run and after a line changes, so that a download rarely waits; if it
has not run yet (no worker, or the broker down) the download builds it itself.

The building itself is settlements.documents' (wrapped here, not changed). PDFs are in the
organization's language (settings.LANGUAGE_CODE, SPEC §6) and served only through the
access-checked views (no public or presigned links, R-S3).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import translation

from settlements import documents
from settlements.errors import SettlementsError
from settlements.models import BuiltDocument, Settlement
from viaticos.files import save_file

log = logging.getLogger(__name__)
Kind = BuiltDocument.Kind

# Looked up at call time: settlements.documents is the one place that renders them.
_BUILDERS: dict[str, Callable[[Settlement], bytes]] = {
    Kind.BUNDLE: lambda settlement: documents.render_bundle(settlement),
    Kind.REPORT: lambda settlement: documents.render_report(settlement),
}
_NOT_IN_FINGERPRINT = {
    "stamping",
    "stamping_run",
    "stamping_done",
    "stamping_total",
    "stamping_error",
    "updated_at",
}


def _digest(parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def fingerprint(settlement: Settlement, kind: str) -> str:
    """What the PDF shows, condensed: a new stamp or a changed line gives a new value."""
    docs = list(
        settlement.documents.order_by("pk").values_list(
            "pk", "kind", "original_name", "stamped_file", "stamped_content_type", "receipt_id"
        )
    )
    # The bundle's cover lists each receipt by these; the report shows every field of a line.
    receipts = settlement.receipts.order_by("pk")
    receipt_rows: list[Any] = (
        list(receipts.values_list("pk", "issuer_name", "number", "date", "currency", "amount"))
        if kind == Kind.BUNDLE
        else list(receipts.values())
    )
    parts = [kind, settlement.pk, settlement.received_by_id, docs, receipt_rows]
    if kind == Kind.REPORT:
        row: Mapping[str, Any] = Settlement.objects.filter(pk=settlement.pk).values().first() or {}
        parts += [
            {k: v for k, v in row.items() if k not in _NOT_IN_FINGERPRINT},
            list(settlement.perdiem_decisions.order_by("pk").values()),
            settlement.mission.updated_at,
        ]
    return _digest(parts)


def _language() -> str:
    return settings.LANGUAGE_CODE


def _check_stamped(settlement: Settlement) -> None:
    """The bundle shows this reception's stamps: none while a run stamps or after it failed."""
    from django.utils.translation import gettext as _

    from viaticos.errors import DomainError

    if settlement.stamping == Settlement.Stamping.RUNNING:
        raise DomainError(
            SettlementsError.STAMPING,
            _(
                "The documents are being stamped (%(done)s of %(total)s); the stamped bundle "
                "is ready when they all are."
            )
            % {"done": settlement.stamping_done, "total": settlement.stamping_total},
        )
    if settlement.stamping == Settlement.Stamping.FAILED:
        raise DomainError(
            SettlementsError.STAMPING_FAILED,
            _("The documents could not be stamped: %(error)s")
            % {"error": settlement.stamping_error},
        )


def built_pdf(settlement: Settlement, kind: str) -> bytes:
    """The PDF of `kind` for the settlement: the stored copy when it is current, else built
    now and stored for the next download. Raises what the builder raises (DomainError
    `not_stamped` for a bundle before the stamps exist)."""
    if kind == Kind.BUNDLE:
        _check_stamped(settlement)
    language = _language()
    current = fingerprint(settlement, kind)
    stored = BuiltDocument.objects.filter(
        settlement=settlement, kind=kind, language=language, fingerprint=current
    ).first()
    if stored is not None:
        try:
            with default_storage.open(stored.file, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            log.warning("built %s of settlement %s is missing: built again", kind, settlement.pk)
    with translation.override(language):
        content = _BUILDERS[kind](settlement)
    _store(settlement, kind, language, current, content)
    return content


def _store(settlement: Settlement, kind: str, language: str, current: str, content: bytes):
    """Keep `content` as the built PDF unless another process stored the same one meanwhile.
    A storage that fails here does not fail the download: the next one builds again."""
    try:
        name = save_file(f"settlements/{settlement.pk}/built/{kind}-{current[:16]}.pdf", content)
    except Exception:
        log.warning("could not store the built %s of %s", kind, settlement.pk, exc_info=True)
        return
    old = None
    try:
        with transaction.atomic():
            row = (
                BuiltDocument.objects.select_for_update()
                .filter(settlement=settlement, kind=kind, language=language)
                .first()
            )
            if row is None:
                BuiltDocument.objects.create(
                    settlement=settlement,
                    kind=kind,
                    language=language,
                    file=name,
                    fingerprint=current,
                )
            elif row.fingerprint == current and row.file != name:
                old = name  # a parallel build got there first: keep its file
            else:
                old = row.file
                row.file, row.fingerprint = name, current
                row.save(update_fields=["file", "fingerprint", "built_at"])
    except IntegrityError:  # a parallel build inserted the row first
        old = name
    if old:
        transaction.on_commit(lambda: _delete(old))


def _delete(name: str | None) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except Exception:
        log.warning("could not delete %s", name, exc_info=True)


def built_documents_build(settlement_id: int) -> list[str]:
    """The task's work: build what is stale (the bundle once the documents are stamped)."""
    from viaticos.errors import DomainError

    settlement = (
        Settlement.objects.select_related("mission__traveler", "received_by", "settled_by")
        .filter(pk=settlement_id)
        .first()
    )
    if settlement is None or settlement.status in Settlement.EDITABLE:
        return []
    built: list[str] = []
    for kind in (Kind.BUNDLE, Kind.REPORT):
        try:
            built_pdf(settlement, kind)
        except DomainError:  # not stamped yet, or a file that cannot be read: shown on download
            continue
        built.append(kind)
    return built


def built_documents_refresh_later(settlement_id: int) -> None:
    """After commit, build the stored PDFs again (a stamp or a line changed)."""
    from settlements.tasks import build_settlement_pdfs
    from viaticos.tasks import run_after_commit

    run_after_commit(build_settlement_pdfs, settlement_id)


def built_documents_discard(settlement_ids) -> list[str]:
    """Forget the stored PDFs of these settlements (anonymization, R-T4); the names of their
    files, deleted by the caller after commit."""
    rows = BuiltDocument.objects.filter(settlement_id__in=list(settlement_ids))
    names = list(rows.values_list("file", flat=True))
    rows.delete()
    return names
