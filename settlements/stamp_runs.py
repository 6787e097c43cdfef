"""R-3.7 on the worker: receiving a settlement starts a stamping run instead of stamping in the
request, so the Accounting Assistant goes on working while "sellando n de m" shows on the
settlement.

All or nothing per settlement. The run stamps every document into new files (names carrying
the run id, so a run never overwrites another's copies) and links them to the documents in one
transaction at the end, only if the run is still the settlement's current one. Until then the
documents keep what they had (nothing, or the copies of an earlier reception). A document that
cannot be stamped stops the run: the copies it wrote are deleted, the settlement shows the
error, and the assistant starts it again (or returns the settlement to the traveler).

The task takes ids (settlement, run) and is idempotent: a run delivered twice (a worker killed
mid-task, acks_late) re-uses the copies already written under its names and links them once;
a run that is no longer current does nothing. The image processing itself is
settlements.stamping's (wrapped here, not changed).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.core.files.storage import default_storage
from django.db import transaction

from settlements.models import Document, Settlement
from settlements.stamping import Stamp, stamp_document
from viaticos.errors import DomainError
from viaticos.files import save_file
from viaticos.locks import single_run
from viaticos.people import display_name
from viaticos.rules_registry import enforces

log = logging.getLogger(__name__)
Stamping = Settlement.Stamping


def stamping_start(settlement: Settlement, *, today: dt.date) -> str:
    """Within the caller's transaction (the settlement locked): a new run, started after
    commit. Returns its id."""
    from settlements.tasks import stamp_settlement
    from viaticos.tasks import run_after_commit

    run = uuid.uuid4().hex
    Settlement.objects.filter(pk=settlement.pk).update(
        stamping=Stamping.RUNNING,
        stamping_run=run,
        stamping_done=0,
        stamping_total=settlement.documents.count(),
        stamping_error="",
        stamp_date=today,
    )
    settlement.stamping, settlement.stamping_run = Stamping.RUNNING, run
    settlement.stamp_date = today
    run_after_commit(stamp_settlement, settlement.pk, run)
    return run


def stamping_cancel(settlement: Settlement) -> None:
    """A settlement returned to the traveler: a run in progress links nothing, and the built
    PDFs of this reception go (the next reception stamps and builds them again)."""
    from settlements.built import built_documents_discard

    if settlement.stamping == Stamping.RUNNING:
        Settlement.objects.filter(pk=settlement.pk).update(stamping="", stamping_run="")
    names = built_documents_discard([settlement.pk])
    if names:
        transaction.on_commit(lambda: _delete(names))


def _stamped_name(document: Document, run: str, extension: str) -> str:
    base = document.file.rsplit(".", 1)[0]
    return f"{base}-{run[:12]}-liquidado.{extension}"


def _current(settlement_id: int, run: str) -> Settlement | None:
    return (
        Settlement.objects.filter(pk=settlement_id, stamping_run=run, stamping=Stamping.RUNNING)
        .select_related("received_by")
        .first()
    )


@enforces("R-3.7")
def stamping_run(settlement_id: int, run: str) -> bool:
    """Stamp every document of the settlement for run `run`; True when the copies are linked.
    Nothing is linked unless every document is stamped (see the module docstring)."""
    with single_run(f"stamp-settlement:{settlement_id}") as held:
        if not held:
            return False  # another worker is stamping this settlement now
        return _stamp(settlement_id, run)


def _stamp(settlement_id: int, run: str) -> bool:
    settlement = _current(settlement_id, run)
    if settlement is None:
        return False  # done already, superseded, or cancelled by a return
    # _current() answers only a received settlement: both are set by its reception.
    assert settlement.stamp_date is not None and settlement.received_by is not None
    stamp = Stamp(settlement.stamp_date, display_name(settlement.received_by))
    documents = list(Document.objects.filter(settlement_id=settlement_id).order_by("pk"))
    written: dict[int, tuple[str, str]] = {}
    mine: list[str] = []  # written by this delivery
    document = None
    try:
        for done, document in enumerate(documents, start=1):
            with default_storage.open(document.file, "rb") as handle:
                stamped = stamp_document(handle.read(), document.content_type, stamp)
            name = _stamped_name(document, run, stamped.extension)
            if not default_storage.exists(name):  # a second delivery re-uses the first's copy
                name = save_file(name, stamped.content)
                mine.append(name)
            written[document.pk] = (name, stamped.content_type)
            Settlement.objects.filter(pk=settlement_id, stamping_run=run).update(stamping_done=done)
    except Exception as exc:
        _fail(settlement_id, run, documents, document, exc)
        return False
    return _link(settlement_id, run, written)


def _fail(settlement_id: int, run: str, documents, document, exc: Exception) -> None:
    if isinstance(exc, DomainError):
        error = exc.message
    else:
        log.exception("stamping run %s of settlement %s failed", run, settlement_id)
        error = f"{type(exc).__name__}: {exc}"
    if document is not None:
        error = f"{document.original_name}: {error}"
    Settlement.objects.filter(pk=settlement_id, stamping_run=run).update(
        stamping=Stamping.FAILED, stamping_error=error[:300]
    )
    # Nothing half-stamped: every copy of this run goes, whichever delivery wrote it.
    _delete(
        name
        for d in documents
        for name in (_stamped_name(d, run, ext) for ext in ("pdf", "jpg", "png"))
        if default_storage.exists(name)
    )


def _link(settlement_id: int, run: str, written) -> bool:
    previous: list[str] = []
    with transaction.atomic():
        current = Settlement.objects.select_for_update().filter(pk=settlement_id).first()
        if current is not None and current.stamping_run == run:
            if current.stamping == Stamping.DONE:
                return True  # another delivery of this run linked the same copies
            for document in Document.objects.select_for_update().filter(
                settlement_id=settlement_id, pk__in=list(written)
            ):
                name, content_type = written[document.pk]
                if document.stamped_file and document.stamped_file != name:
                    # Received again after a return: the earlier copy is linked to nothing any
                    # more, and anonymization (R-T4) would never find it.
                    previous.append(document.stamped_file)
                document.stamped_file, document.stamped_content_type = name, content_type
                document.save(update_fields=["stamped_file", "stamped_content_type"])
            Settlement.objects.filter(pk=settlement_id).update(
                stamping=Stamping.DONE, stamping_done=len(written), stamping_error=""
            )
            from settlements.built import built_documents_refresh_later

            built_documents_refresh_later(settlement_id)
            transaction.on_commit(lambda: _delete(previous))
            return True
    # Returned (or received again) while this run stamped: its copies are linked to nothing.
    _delete(name for name, _type in written.values())
    return False


def _delete(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the orphan sweep (viaticos.files) finds it later
            log.warning("could not delete %s", name, exc_info=True)
