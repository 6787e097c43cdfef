"""One run at a time of a periodic job, whatever the number of schedulers, servers or
operators starting it by hand (celery beat, cron, `manage.py`)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import uuid
from collections.abc import Iterator

from django.core.cache import cache
from django.db import connection

log = logging.getLogger(__name__)


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"viaticos:{name}".encode()).digest()[:8], "big") >> 1


@contextlib.contextmanager
def single_run(name: str, *, ttl: int = 6 * 3600) -> Iterator[bool]:
    """Yield True when this process holds the lock named `name`, False when another holds it.

    On PostgreSQL an advisory session lock: released when the job ends or its connection dies
    (a killed worker does not leave it held). Elsewhere (SQLite, one machine) a cache key with
    a time to live. PostgreSQL's advisory locks are re-entrant within one session, so the
    names held by this process are also kept here: a nested run is refused as well."""
    if name in _held_here:
        yield False
        return
    _held_here.add(name)
    try:
        with _acquire(name, ttl) as held:
            yield held
    finally:
        _held_here.discard(name)


_held_here: set[str] = set()


@contextlib.contextmanager
def _acquire(name: str, ttl: int) -> Iterator[bool]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return
    token = uuid.uuid4().hex
    key = f"lock:{name}"
    held = cache.add(key, token, ttl)
    try:
        yield held
    finally:
        if held and cache.get(key) == token:
            cache.delete(key)
