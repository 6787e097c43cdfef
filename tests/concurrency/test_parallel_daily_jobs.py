"""Two schedulers on two machines run the daily jobs once: the advisory lock of
viaticos.locks.single_run, seen from another PostgreSQL connection."""

import pytest
from django.db import connection

from viaticos.locks import single_run


@pytest.mark.postgres
def test_daily_job_lock_holds_across_connections_on_postgresql(db):
    """Two schedulers on two machines: the advisory lock is seen from another connection."""
    import psycopg2

    from viaticos.locks import _key

    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        with single_run("enforce_deadlines") as held:
            assert held
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key("enforce_deadlines")])
                assert cursor.fetchone()[0] is False
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key("enforce_deadlines")])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()
