"""Settlement work that runs on the worker (viaticos.tasks.run_after_commit starts it): ids in,
idempotent, logged with the request id that started it."""

from __future__ import annotations

from celery import shared_task

from viaticos.logs import task_context


@shared_task(name="settlements.stamp_settlement", ignore_result=True)
def stamp_settlement(settlement_id: int, run: str) -> bool:
    """R-3.7: stamp every document of a received settlement (settlements.stamp_runs)."""
    from settlements.stamp_runs import stamping_run

    with task_context("stamp_settlement"):
        return stamping_run(settlement_id, run)


@shared_task(name="settlements.build_settlement_pdfs", ignore_result=True)
def build_settlement_pdfs(settlement_id: int) -> list[str]:
    """The stamped bundle and the report, built and stored when stale (settlements.built)."""
    from settlements.built import built_documents_build

    with task_context("build_settlement_pdfs"):
        return built_documents_build(settlement_id)


@shared_task(name="settlements.read_uploaded_receipt", ignore_result=True)
def read_uploaded_receipt(receipt_id: int) -> bool:
    """The SUNAT QR code of an uploaded draft, read on the worker (settlements.services)."""
    from settlements.services import receipt_read

    with task_context("read_uploaded_receipt"):
        return receipt_read(receipt_id=receipt_id)


@shared_task(name="settlements.resume_stamping", ignore_result=True)
def resume_stamping() -> int:
    """Beat's sweep: a run whose task never reached a worker (the broker was down when the
    settlement was received) is published again. A run that a worker is stamping right now is
    skipped by that run's lock, and a run delivered twice stamps once."""
    from settlements.models import Settlement
    from viaticos.tasks import submit

    with task_context("resume_stamping"):
        runs = list(
            Settlement.objects.filter(stamping=Settlement.Stamping.RUNNING).values_list(
                "pk", "stamping_run"
            )[:500]
        )
        for settlement_id, run in runs:
            submit(stamp_settlement, settlement_id, run)
        # Drafts whose QR code was never read for the same reason.
        from settlements.models import Receipt

        drafts = Receipt.objects.filter(draft=True, reading_pending=True).values_list("pk")
        for (receipt_id,) in drafts[:500]:
            submit(read_uploaded_receipt, receipt_id)
        return len(runs)
