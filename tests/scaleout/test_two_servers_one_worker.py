"""Issue 21: the product as it runs on several machines, all on loopback: two gunicorn app
servers (A, B), Celery workers, Redis (broker and cache), PostgreSQL (a database of its own,
migrated), object storage (moto's S3 server) and a mail server.

- The traveler settles a mission through server A (API, token); the Accounting Assistant
  receives it through server B; the worker stamps every document and builds the bundle; server
  A serves the bundle (a session opened on server B) from storage: a PDF with the stamped pages.
- The worker is killed (SIGKILL, with its pool) in the middle of the stamping run; a new worker
  takes the unacknowledged task (acks_late) and the run completes once: one stamped copy per
  document, the copies the dead worker had stored are re-used, never duplicated.
- With the mail server stopped, a mission is submitted (A) and authorized (B): every request
  succeeds; the worker's deliveries fail and wait in the outbox; with the server back, beat's
  sweep delivers every e-mail exactly once.

In CI (CI=true) a piece that cannot start fails the test; elsewhere it skips visibly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from tests.factories import pdf_bytes
from tests.scaleout import topology
from tests.scaleout.topology import REDIS_URL, wait_for

pytestmark = pytest.mark.postgres

VISIBILITY_TIMEOUT = 6  # seconds before Redis gives a dead worker's task to another worker
STAMP_DELAY = 2.5  # seconds per document on the first worker (tests/scaleout/worker.py)


@pytest.fixture
def cluster(_require_postgres, tmp_path, moto_endpoint):
    """Everything but the app servers' and workers' scenario-specific steps; torn down (and
    the logs printed, shown when the test fails) at the end."""
    import boto3

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        topology.unavailable("PostgreSQL (DATABASE_URL=postgres://…)")
    redis = topology.redis_flushed()
    mail = topology.MailServer().start()
    bucket = f"scaleout-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=bucket)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_", "AWS_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="viaticos.settings",
        PYTHONPATH=str(topology.ROOT),
        DEBUG="1",
        LOG_FORMAT="json",
        CELERY_BROKER_URL=REDIS_URL,
        CACHE_URL=REDIS_URL,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=moto_endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail.port),
        VIATICOS_OUTBOX_BACKOFF_SECONDS="1",
        PRIVACY_CONSENT_PROMPT="0",
        PRIVACY_ERASURE_LOG=str(tmp_path / "erasures.jsonl"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    database = topology.Database(base_url)
    processes: list[topology.Process] = []
    try:
        env["DATABASE_URL"] = database.create(env)

        def stamped_keys() -> list[str]:
            listing = s3.list_objects_v2(Bucket=bucket)
            keys = [item["Key"] for item in listing.get("Contents", [])]
            return sorted(key for key in keys if "-liquidado." in key)

        yield {
            "env": env,
            "db": database,
            "mail": mail,
            "s3": s3,
            "bucket": bucket,
            "stamped_keys": stamped_keys,
            "processes": processes,
            "logs": tmp_path,
        }
    finally:
        for process in processes:
            process.stop()
        for process in processes:
            print(f"----- {process.name} (last lines) -----\n{process.output()[-4000:]}")
        mail.stop()
        database.drop()
        redis.flushdb()


def seed(env) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.scaleout.seed"],
        cwd=topology.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


class Api:
    """One person's API client on one server (token authentication)."""

    def __init__(self, base: str, token: str):
        import requests

        self.base = base
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Token {token}", "Accept-Language": "es"})

    def post(self, path: str, expect: int = 200, **kwargs) -> dict:
        response = self.session.post(f"{self.base}/api/v1/{path}", timeout=60, **kwargs)
        assert response.status_code == expect, (path, response.status_code, response.text[:500])
        return response.json()

    def get(self, path: str) -> dict:
        response = self.session.get(f"{self.base}/api/v1/{path}", timeout=60)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.json()


def sweep() -> None:
    """What beat sends every minute: the outbox sweep, run by a worker."""
    from celery import Celery

    sender = Celery("scaleout-beat", broker=REDIS_URL, set_as_current=False)
    try:
        sender.send_task("viaticos.deliver_outbox_due")
    finally:
        sender.close()


def receipt(number: str) -> dict:
    return {
        "receipt_type": "invoice",
        "category": "taxi",
        "issuer_name": "Taxis Seguros S.A.",
        "issuer_tax_id": "0614-010101-101-1",
        "number": number,
        "customer_name": "Secretaría Ejecutiva Regional",
        "customer_tax_id": "20512345678",
        "date": "2026-03-03",
        "currency": "USD",
        "amount": "35.00",
    }


def test_two_app_servers_one_worker_redis_postgres_and_object_storage(cluster):
    import requests
    from pypdf import PdfReader

    env, db, mail = cluster["env"], cluster["db"], cluster["mail"]
    started = time.monotonic()
    people = seed(env)
    tokens, missions = people["tokens"], people["missions"]
    seeded_mail = db.query("SELECT coalesce(max(id), 0) FROM viaticos_outboxmessage")[0][0]

    port_a, port_b = topology.free_port(), topology.free_port()
    a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    logs = cluster["logs"]
    server_a = topology.gunicorn("server A", port_a, {**env, "VIATICOS_SITE_URL": a}, logs / "a")
    server_b = topology.gunicorn("server B", port_b, {**env, "VIATICOS_SITE_URL": a}, logs / "b")
    worker = topology.celery_worker(
        "worker 1", {**env, "SCALEOUT_STAMP_DELAY": str(STAMP_DELAY)}, logs / "worker1"
    )
    cluster["processes"].extend([server_a, server_b, worker])
    topology.wait_ready(server_a, a)
    topology.wait_ready(server_b, b)
    topology.wait_worker_ready(worker)

    # --- The mail server is down: the actions that send e-mail still succeed. ---------------
    mail.stop()
    assert mail.refuses()
    draft = missions["draft"]
    submitted = Api(a, tokens["traveler"]).post(
        f"missions/{draft}/submit/", json={"overlap_reason": "Dos misiones del mismo taller"}
    )
    assert submitted["status"] == "submitted"
    Api(b, tokens["coordinator"]).post(f"missions/{draft}/authorize/", json={"comment": ""})
    authorized = Api(b, tokens["secretary"]).post(
        f"missions/{draft}/authorize/", json={"comment": ""}
    )
    assert authorized["status"] == "authorized"

    def new_mail():
        return db.query(
            'SELECT id, kind, subject, "to", cc, status, attempts, last_error '
            "FROM viaticos_outboxmessage WHERE id > %s ORDER BY id",
            [seeded_mail],
        )

    # The worker tried each one at once, and each waits in the outbox with its error.
    tried = wait_for(
        lambda: (rows := new_mail()) and all(r[6] >= 1 for r in rows) and rows,
        timeout=60,
        what="the worker's first delivery attempts",
    )
    kinds = Counter(row[1] for row in tried)
    assert kinds["missions.mission_submitted"] >= 1 and kinds["missions.mission_authorized"] == 1
    assert all(row[5] == "queued" and "refused" in row[7].lower() for row in tried), tried
    assert mail.messages() == []

    # --- Settling: the traveler on server A, the assistant on server B. ---------------------
    traveler = Api(a, tokens["traveler"])
    settlement = traveler.post("settlements/", expect=201, json={"mission": missions["settle"]})
    pk = settlement["id"]
    for kind in ("proof_of_travel", "mission_report"):
        traveler.post(
            f"settlements/{pk}/documents/",
            expect=201,
            data={"kind": kind},
            files={"file": (f"{kind}.pdf", pdf_bytes(title=kind), "application/pdf")},
        )
    for number in ("F001-00101", "F001-00102"):
        traveler.post(
            f"settlements/{pk}/receipts/",
            expect=201,
            data=receipt(number),
            files={"file": (f"{number}.pdf", pdf_bytes(title=number), "application/pdf")},
        )
    assert traveler.post(f"settlements/{pk}/submit/")["status"] == "submitted"
    received = Api(b, tokens["assistant"]).post(f"settlements/{pk}/receive/")
    assert received["status"] == "received"
    assert received["stamping"]["state"] == "running" and received["stamping"]["total"] == 4

    def stamping():
        return db.query(
            "SELECT stamping, stamping_done, stamping_total, stamping_run "
            "FROM settlements_settlement WHERE id = %s",
            [pk],
        )[0]

    # --- The worker dies in the middle of the run. ------------------------------------------
    wait_for(lambda: stamping()[1] >= 1, timeout=90, what="the first stamped document")
    taken_by = time.monotonic()  # the task was delivered to worker 1 before this
    worker.kill()
    state, done, total, run = stamping()
    assert (state, total) == ("running", 4) and 1 <= done < total
    left_behind = cluster["stamped_keys"]()
    assert left_behind and len(left_behind) < total  # copies stored before it died

    # A new worker once Redis considers the task lost (acks_late: it was never acknowledged).
    time.sleep(max(0.0, taken_by + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    replacement = topology.celery_worker("worker 2", env, logs / "worker2")
    cluster["processes"].append(replacement)
    assistant_b = Api(b, tokens["assistant"])
    final = wait_for(
        lambda: (s := assistant_b.get(f"settlements/{pk}/")["stamping"])["state"] != "running"
        and s,
        timeout=120,
        what="the new worker to finish the stamping run",
    )
    assert final == {"state": "done", "done": 4, "total": 4, "error": ""}
    assert "settlements.stamp_settlement" in replacement.output()  # delivered to it again

    # Stamped once: one copy per document, all of this run, the dead worker's ones re-used.
    keys = cluster["stamped_keys"]()
    linked = sorted(
        name
        for (name,) in db.query(
            "SELECT stamped_file FROM settlements_document WHERE settlement_id = %s", [pk]
        )
    )
    assert keys == linked and len(keys) == 4
    assert all(f"-{run[:12]}-liquidado." in key for key in keys)
    assert set(left_behind) <= set(keys)
    assert stamping()[3] == run
    receptions = db.query(
        "SELECT count(*) FROM settlements_settlementevent "
        "WHERE settlement_id = %s AND action = 'received'",
        [pk],
    )
    assert receptions == [(1,)]

    # --- The worker built the bundle; server A serves it from storage. ----------------------
    def built():
        return db.query(
            "SELECT file FROM settlements_builtdocument WHERE settlement_id = %s "
            "AND kind = 'bundle'",
            [pk],
        )

    [(bundle_name,)] = wait_for(built, timeout=120, what="the worker to build the bundle")
    browser = requests.Session()
    login = browser.get(f"{b}/cuenta/ingresar/", timeout=30)
    assert login.status_code == 200
    signed_in = browser.post(
        f"{b}/cuenta/ingresar/",
        data={
            "username": people["usernames"]["traveler"],
            "password": people["password"],
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        timeout=30,
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    # The session opened on server B is valid on server A (sessions live in PostgreSQL).
    bundle = browser.get(f"{a}/liquidaciones/{pk}/liquidado.pdf", timeout=60)
    assert bundle.status_code == 200, bundle.text[:500]
    assert bundle.headers["Content-Type"] == "application/pdf"
    assert bundle.content.startswith(b"%PDF")
    stored = cluster["s3"].get_object(Bucket=cluster["bucket"], Key=bundle_name)["Body"].read()
    assert bundle.content == stored  # built by the worker, not rendered in the request
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(bundle.content)).pages]
    stamped_pages = [text for text in pages if "Liquidado, Fecha:" in text]
    assert len(pages) == 5 and len(stamped_pages) == 4  # a cover sheet and the 4 documents
    assert built() == [(bundle_name,)]

    # --- The mail server is back: every e-mail is delivered exactly once. -------------------
    mail.start()
    sweep()
    sweep()  # two sweeps at once (beat and a manual run): the row lock sends each once
    wait_for(
        lambda: all(row[5] == "sent" for row in new_mail()),
        timeout=90,
        what="the outbox to be delivered",
    )
    sweep()
    time.sleep(2)  # nothing more arrives
    rows = new_mail()
    expected = Counter((tuple(sorted(row[3] + row[4])), row[2]) for row in rows)
    received_mail = mail.messages()
    assert Counter((m.recipients, m.subject) for m in received_mail) == expected
    assert len({m.message_id for m in received_mail}) == len(received_mail) == len(rows)
    assert all(row[6] >= 2 for row in rows)  # failed while the server was down, then sent
    print(f"scale-out scenario: {time.monotonic() - started:.0f} s")
