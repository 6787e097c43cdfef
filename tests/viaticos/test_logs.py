"""Issue 21: JSON logs with the request id on every line, carried to the tasks a request
starts (in-process here; over the broker in the message headers, tests/viaticos/test_queue.py)."""

import io
import json
import logging

from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from viaticos import health, outbox
from viaticos.logs import RequestIdFilter


def json_handler():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    spec = dict(django_settings.LOGGING["formatters"]["json"])
    formatter = import_string(spec.pop("()"))(**spec)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    return handler, stream


def test_each_line_is_json_with_the_request_id_of_the_request(client, db, monkeypatch):
    handler, stream = json_handler()
    logger = logging.getLogger("viaticos")
    logger.addHandler(handler)

    def logging_check():
        logging.getLogger("viaticos.health").warning("probe ran")

    monkeypatch.setattr(health, "_database", logging_check)
    try:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="req-0123456789ab")
        generated = client.get("/healthz")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-0123456789ab"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["message"] == "probe ran"
    assert lines[0]["level"] == "WARNING"
    assert lines[0]["request_id"] == "req-0123456789ab"
    assert lines[1]["request_id"] == generated["X-Request-ID"] != "req-0123456789ab"


def test_a_forged_request_id_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x"\n{"level": "fake"}')
    assert response["X-Request-ID"].isalnum() and len(response["X-Request-ID"]) == 32


def test_tasks_log_with_the_request_id_and_their_name(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.SmtpDownBackend"
    handler, stream = json_handler()
    logger = logging.getLogger("viaticos")
    logger.addHandler(handler)
    from viaticos.logs import request_id_var

    token = request_id_var.set("req-task-000000001")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outbox.enqueue(kind="t", subject="s", body="b", to=["a@example.org"])
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    failure = [json.loads(x) for x in stream.getvalue().splitlines() if "not sent" in x][0]
    assert failure["request_id"] == "req-task-000000001"
    assert failure["task"] == "deliver_outbox_message"
