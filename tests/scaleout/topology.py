"""The pieces of the scale-out test, each on loopback: a PostgreSQL database of its own
(migrated), a Redis database number of its own (broker and cache), gunicorn app servers, Celery
workers and a mail server that records what it receives and can be stopped and started again.

A piece that cannot start makes the test fail in CI (CI=true) and skip visibly elsewhere
(`unavailable`)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/13")


def unavailable(what: str) -> None:
    """CI must run the scale-out test: a piece missing fails it there, and skips it elsewhere
    with the reason shown (-ra)."""
    if os.environ.get("CI"):
        pytest.fail(f"The scale-out test needs {what} and CI must run it.")
    pytest.skip(f"needs {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str, step=0.3):
    """Poll until `predicate()` is truthy (returned), or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


# --- Redis ----------------------------------------------------------------------------------


def redis_flushed(url: str = REDIS_URL):
    """The dedicated Redis database, emptied (no task left over from an earlier run)."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except Exception as exc:
        unavailable(f"Redis at {url} ({type(exc).__name__}: {exc})")
    return client


# --- PostgreSQL ------------------------------------------------------------------------------


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Database:
    """A PostgreSQL database of the test's own, copied from a migrated template that is kept
    between runs (named by a digest of the migrations: migrating takes most of a minute)."""

    base_url: str
    name: str = ""
    url: str = ""

    def _admin(self):
        import dj_database_url
        import psycopg2

        params = dj_database_url.parse(self.base_url)
        connection = psycopg2.connect(
            dbname="postgres",
            user=params.get("USER") or "postgres",
            password=params.get("PASSWORD") or None,
            host=params.get("HOST") or "127.0.0.1",
            port=params.get("PORT") or 5432,
            connect_timeout=5,
        )
        connection.autocommit = True
        return connection

    def url_of(self, name: str) -> str:
        return self.base_url.rsplit("/", 1)[0] + "/" + name

    def create(self, env: dict[str, str]) -> str:
        template = f"viaticos_scaleout_tpl_{_migrations_digest()}"
        self.name = f"viaticos_scaleout_{os.getpid()}"
        self.url = self.url_of(self.name)
        admin = self._admin()
        try:
            with admin.cursor() as cursor:
                # One run at a time builds the template.
                cursor.execute("SELECT pg_advisory_lock(hashtext('viaticos_scaleout_tpl'))")
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
                if cursor.fetchone() is None:
                    self._build_template(cursor, template, env)
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')
                cursor.execute("SELECT pg_advisory_unlock(hashtext('viaticos_scaleout_tpl'))")
        finally:
            admin.close()
        return self.url

    def _build_template(self, cursor, template: str, env: dict[str, str]) -> None:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'viaticos_scaleout_tpl_%'"
        )
        for (stale,) in cursor.fetchall():  # templates of earlier migrations
            cursor.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        building = f"{template}_building"
        cursor.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{building}"')
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": self.url_of(building)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise AssertionError(f"migrate failed:\n{result.stdout}\n{result.stderr}")
        cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')

    def drop(self) -> None:
        if not self.name:
            return
        admin = self._admin()
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            admin.close()

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg2

        with contextlib.closing(psycopg2.connect(self.url, connect_timeout=5)) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []


# --- processes -------------------------------------------------------------------------------


@dataclass
class Process:
    """A child process in a session of its own (killed with its children), output in a file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: pathlib.Path
    popen: subprocess.Popen | None = None

    def start(self) -> Process:
        handle = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        handle.close()
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def check_alive(self) -> None:
        if not self.alive():
            raise AssertionError(f"{self.name} stopped:\n{self.output()[-3000:]}")

    def kill(self, sig=signal.SIGKILL) -> None:
        """The process and every child of it (the prefork pool's), at once."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=20)

    def stop(self) -> None:
        if self.alive():
            self.kill(signal.SIGTERM)
        self.kill(signal.SIGKILL)


def gunicorn(name: str, port: int, env: dict[str, str], log: pathlib.Path) -> Process:
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "viaticos.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
    ]
    return Process(name, args, env, log).start()


def celery_worker(name: str, env: dict[str, str], log: pathlib.Path) -> Process:
    args = [sys.executable, "-m", "tests.scaleout.worker", "--hostname", f"{name}@scaleout"]
    return Process(name, args, env, log).start()


def wait_ready(process: Process, base_url: str, *, timeout: float = 120) -> None:
    import requests

    def ready():
        process.check_alive()
        try:
            return requests.get(f"{base_url}/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_for(ready, timeout=timeout, what=f"{process.name} to answer /readyz")


def wait_worker_ready(process: Process, *, timeout: float = 120) -> None:
    def ready():
        process.check_alive()
        return " ready." in process.output()

    wait_for(ready, timeout=timeout, what=f"{process.name} to be ready")


# --- mail ----------------------------------------------------------------------------------


@dataclass
class Received:
    message_id: str
    recipients: tuple[str, ...]
    subject: str


@dataclass
class MailServer:
    """An SMTP server (aiosmtpd) on a fixed loopback port, stopped and started again by the
    test; every message it accepts is recorded with its Message-ID, recipients and subject."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    _controller: object = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append(
                Received(
                    message_id=str(message["Message-ID"]),
                    recipients=tuple(sorted(envelope.rcpt_tos)),
                    subject=str(message["Subject"]),
                )
            )
        return "250 Message accepted for delivery"

    def start(self) -> MailServer:
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            unavailable("aiosmtpd (pip install -e '.[dev]')")
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuses(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return True
        return False

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)
