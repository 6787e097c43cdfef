"""Fixtures for the concurrency tests: the mission and settlement builders of their own apps,
plus `race`, which runs one action from many threads, each on its own database connection."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connections

from tests.missions.conftest import (  # noqa: F401  (shared builders)
    authorized_mission,
    disbursed_advance,
    make_mission,
    organization,
    project,
    signed_advance,
)
from tests.settlements.conftest import (  # noqa: F401
    _media,
    draft,
    returned_mission,
    submitted,
)


@pytest.fixture
def race():
    """`race(n, action)` calls `action(i)` from n threads released together by a barrier and
    returns a Counter of outcomes: "ok", the DomainError code, or the repr of anything else
    (so a crash shows up in the assertion instead of vanishing in a thread)."""

    def run(n: int, action: Callable[[int], object]) -> Counter:
        barrier = threading.Barrier(n)
        outcomes: list[str] = []
        lock = threading.Lock()

        def worker(i: int) -> None:
            try:
                barrier.wait(timeout=30)
                action(i)
                outcome = "ok"
            except Exception as exc:  # noqa: BLE001
                from viaticos.errors import DomainError

                outcome = exc.code if isinstance(exc, DomainError) else repr(exc)
            finally:
                connections.close_all()
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert len(outcomes) == n, "a thread hung"
        return Counter(outcomes)

    return run
