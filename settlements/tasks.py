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
