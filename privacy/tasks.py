"""Background work of the privacy app (viaticos.tasks.run_after_commit starts it)."""

from celery import shared_task

from viaticos import outbox
from viaticos.logs import task_context


@shared_task(name="privacy.arco_build_files", ignore_result=True)
def arco_build_files(builder: str, request_id: int, *args) -> None:
    """The letter or data of a request answered by post only: rendered and kept in the
    request's file (idempotent: a second run finds them kept)."""
    with task_context(builder):
        outbox.build(builder, request_id, *args)
