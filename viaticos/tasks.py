"""Background work (SPEC §7). Tasks take ids, never objects, and are idempotent: a task
delivered twice (a worker killed mid-task is replaced and the broker delivers it again,
acks_late) does its work once.

`run_after_commit` is the one way to start a task: with CELERY_BROKER_URL it is published to the
broker after commit; without it, it runs in this process after commit. If the broker cannot be
reached the change is already saved and the work is not lost: the outbox keeps its messages and
the periodic sweep (`deliver_outbox_due`, or `manage.py deliver_outbox`) delivers them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from viaticos import outbox
from viaticos.locks import single_run
from viaticos.logs import task_context

log = logging.getLogger(__name__)

DAILY_JOBS = ("enforce_deadlines", "apply_retention", "fetch_exchange_rates", "incident_alerts")


def broker_configured() -> bool:
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _task(name: str) -> Callable[[Callable[_P, _R]], Any]:
    """Celery's `shared_task`; Celery ships no types, so the task object it makes is Any."""
    decorator: Callable[[Callable[_P, _R]], Any] = shared_task(name=name, ignore_result=True)
    return decorator


def submit(task: Any, *args: object) -> None:
    """Start `task` now: on the broker, or in this process without one. Never raises."""
    if not broker_configured():
        try:
            task.apply(args=args, throw=True)
        except Exception:
            log.exception("task %s%r failed in-process", task.name, args)
        return
    try:
        task.apply_async(args=args, headers=task_context.headers())
    except Exception:
        log.exception("broker unreachable: %s%r waits for the next sweep", task.name, args)


def run_after_commit(task: Any, *args: object) -> None:
    transaction.on_commit(lambda: submit(task, *args))


@_task("viaticos.deliver_outbox_message")
def deliver_outbox_message(message_id: int) -> bool | None:
    with task_context("deliver_outbox_message"):
        return outbox.deliver(message_id)


@_task("viaticos.deliver_outbox_batch")
def deliver_outbox_batch(message_ids: list[int]) -> dict[str, int]:
    with task_context("deliver_outbox_batch"):
        return outbox.deliver_batch(message_ids)


@_task("viaticos.deliver_outbox_due")
def deliver_outbox_due() -> dict[str, int]:
    with task_context("deliver_outbox_due"), single_run("deliver_outbox") as held:
        if not held:
            return {"skipped": 1}
        return outbox.deliver_due()


@_task("viaticos.run_daily_job")
def run_daily_job(name: str) -> bool:
    """`enforce_deadlines`, `apply_retention` or `fetch_exchange_rates` (all idempotent), one
    run at a time whatever the number of schedulers (viaticos.locks)."""
    if name not in DAILY_JOBS:
        raise ValueError(f"unknown daily job {name!r}")
    with task_context(name), single_run(name) as held:
        if not held:
            log.info("%s is already running elsewhere: skipped", name)
            return False
        call_command(name)
        return True
