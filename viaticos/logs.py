"""A request id on every log line: taken from the proxy's X-Request-ID (when it looks like
one) or made up, kept for the request, sent with every task the request starts and set again
in the worker that runs it, so that one action can be followed from server to worker."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import uuid
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
task_var: contextvars.ContextVar[str] = contextvars.ContextVar("task", default="-")

_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` and `task` to every record (used by both formatters)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.task = task_var.get()
        return True


class RequestIdMiddleware:
    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get(self.header, "")
        request_id = incoming if _VALID.match(incoming) else new_request_id()
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class _TaskContext:
    def headers(self) -> dict[str, str]:
        return {"request_id": request_id_var.get()}

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[str]:
        """Inside a task: the request id of the request that started it (from the message's
        headers), else the current one (in-process), else a new one."""
        request_id = None
        try:
            from celery import current_task

            if current_task and not current_task.request.is_eager:
                request_id = getattr(current_task.request, "request_id", None)
        except Exception:  # pragma: no cover - outside Celery
            request_id = None
        if not request_id or not isinstance(request_id, str) or not _VALID.match(request_id):
            current = request_id_var.get()
            request_id = current if current != "-" else new_request_id()
        rid_token = request_id_var.set(request_id)
        task_token = task_var.set(name)
        try:
            yield request_id
        finally:
            task_var.reset(task_token)
            request_id_var.reset(rid_token)


task_context = _TaskContext()
