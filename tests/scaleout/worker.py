"""A Celery worker for the scale-out test (tests/scaleout), started as
`python -m tests.scaleout.worker --hostname NAME`: the product's worker (`make worker`), with one
test-only hook. With SCALEOUT_STAMP_DELAY=<seconds> each document of a stamping run takes that
much longer once stamped (before its copy is stored), so that the test can kill the worker in
the middle of a run. Nothing of this is in the product."""

from __future__ import annotations

import os
import sys
import time


def _slow_stamping(delay: float) -> None:
    from settlements import stamp_runs

    real = stamp_runs.stamp_document

    def slow(*args, **kwargs):
        stamped = real(*args, **kwargs)
        time.sleep(delay)
        return stamped

    stamp_runs.stamp_document = slow


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viaticos.settings")
    import django

    django.setup()
    delay = float(os.environ.get("SCALEOUT_STAMP_DELAY") or 0)
    if delay:
        _slow_stamping(delay)  # the prefork pool's child inherits it
    from viaticos.celery import app

    options = ["--loglevel", "INFO", "--concurrency", "1", "--without-mingle", "--without-gossip"]
    app.worker_main(["worker", *options, *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
